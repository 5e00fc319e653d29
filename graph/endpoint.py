"""Serve a build over the SPARQL 1.1 Protocol with the Oxigraph server, and push a build to a remote store."""

from __future__ import annotations

import ipaddress
import shutil
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

from graph.sparql import NetworkRefused, QueryError, send_request, check_network
from graph.writers import STORE

DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 7878
DEFAULT_TIMEOUT_S = 30
DEFAULT_MAX_BYTES = 50_000_000
CANCELLED = b"The SPARQL operation has been cancelled"
NQUADS = "graph.nq"


class EndpointError(QueryError):
    """The server cannot start, or the remote store refused what we sent."""


def oxigraph_binary() -> str:
    """The `oxigraph` server from PyPI: next to this Python first (a venv need not be on PATH), then PATH."""
    here = Path(sys.executable).parent / "oxigraph"
    found = str(here) if here.exists() else shutil.which("oxigraph")
    if not found:
        raise EndpointError("the 'oxigraph' server is not installed; run 'pip install oxigraph'")
    return found


def is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def server_command(build_dir: Path, host: str = DEFAULT_HOST, port: int = DEFAULT_PORT,
                   timeout_s: int = DEFAULT_TIMEOUT_S, allow_update: bool = False) -> list[str]:
    """The command line that serves a build's store; the default graph is the union, as in `query`."""
    store = Path(build_dir) / STORE
    if not store.is_dir():
        raise EndpointError(f"no build in {build_dir}; run 'rightsgraph build' first (or pass --store DIR)")
    mode = "serve" if allow_update else "serve-read-only"
    return [oxigraph_binary(), mode, "--location", str(store), "--bind", f"{host}:{port}",
            "--union-default-graph", "--timeout-s", str(int(timeout_s))]


def start_server(build_dir: Path, host: str = DEFAULT_HOST, port: int = DEFAULT_PORT,
                 timeout_s: int = DEFAULT_TIMEOUT_S, allow_update: bool = False,
                 wait_s: float = 20.0, quiet: bool = True) -> subprocess.Popen:
    """Start the Oxigraph server and return once it answers a query; the caller must stop_server() it."""
    cmd = server_command(build_dir, host, port, timeout_s, allow_update)
    out = subprocess.DEVNULL if quiet else None
    proc = subprocess.Popen(cmd, stdout=out, stderr=subprocess.PIPE if quiet else None)
    url = f"http://{'127.0.0.1' if host in ('0.0.0.0', 'localhost') else host}:{port}/query"
    deadline = time.monotonic() + wait_s
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            err = proc.stderr.read().decode("utf-8", "replace").strip() if proc.stderr else ""
            raise EndpointError(f"the oxigraph server stopped at start ({err.splitlines()[0] if err else proc.returncode});"
                                f" is port {port} free? try --port")
        try:
            req = urllib.request.Request(url + "?query=ASK%7B%7D", headers={"Accept": "application/sparql-results+json"})
            with urllib.request.urlopen(req, timeout=1):
                return proc
        except (urllib.error.URLError, OSError):
            time.sleep(0.05)
    stop_server(proc)
    raise EndpointError(f"the oxigraph server did not answer on {url} within {wait_s:g} s")


def stop_server(proc: subprocess.Popen) -> None:
    if proc.poll() is None:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
    if proc.stderr:
        proc.stderr.close()


def free_port(host: str = DEFAULT_HOST) -> int:
    with socket.socket() as s:
        s.bind((host, 0))
        return s.getsockname()[1]


def update_url(endpoint: str) -> str:
    """Where SPARQL Update goes: Oxigraph and Fuseki answer updates at .../update beside .../query."""
    base = endpoint.split("?")[0]
    if base.endswith("/query"):
        return base[: -len("query")] + "update"
    return base


def _update(url: str, text: str, timeout: float) -> None:
    req = urllib.request.Request(url, data=text.encode("utf-8"), method="POST",
                                 headers={"Content-Type": "application/sparql-update; charset=utf-8"})
    send_request(req, url, timeout)


def _quad_line(q) -> tuple[str, str]:
    import pyoxigraph

    graph = "" if isinstance(q.graph_name, pyoxigraph.DefaultGraph) else str(q.graph_name)
    return graph, f"{q.subject} {q.predicate} {q.object} ."


def push(build_dir: Path, endpoint: str, update_endpoint: str | None = None, batch: int = 5000,
         replace: bool = False, timeout: float = 120.0) -> int:
    """Load the build's dataset, named graphs included, into a SPARQL 1.1 Update server; return the quads sent.

    Each batch is one `INSERT DATA`, written from N-Triples terms (escaped by pyoxigraph), so any SPARQL 1.1
    Update server accepts it. With `replace`, rightsgraph's own graphs and subjects are deleted first.
    """
    import pyoxigraph

    nq = Path(build_dir) / NQUADS
    if not nq.exists():
        raise EndpointError(f"no build in {build_dir}; run 'rightsgraph build' first (or pass --store DIR)")
    url = update_endpoint or update_url(endpoint)
    if replace:
        from ontology import BASE

        _update(url, f"""DELETE {{ GRAPH ?g {{ ?s ?p ?o }} }} WHERE {{ GRAPH ?g {{ ?s ?p ?o }}
                    FILTER(STRSTARTS(STR(?g), "{BASE}claim/")) }} ;
                    DELETE {{ ?s ?p ?o }} WHERE {{ ?s ?p ?o FILTER(STRSTARTS(STR(?s), "{BASE}")) }}""", timeout)
    sent, pending = 0, []

    def flush():
        by_graph: dict[str, list[str]] = {}
        for graph, line in pending:
            by_graph.setdefault(graph, []).append(line)
        parts = []
        for graph, lines in by_graph.items():
            body = "\n".join(lines)
            parts.append(f"GRAPH {graph} {{\n{body}\n}}" if graph else body)
        _update(url, "INSERT DATA {\n" + "\n".join(parts) + "\n}", timeout)
        pending.clear()

    for q in pyoxigraph.parse(path=str(nq), format=pyoxigraph.RdfFormat.N_QUADS):
        pending.append(_quad_line(q))
        sent += 1
        if len(pending) >= batch:
            flush()
    if pending:
        flush()
    return sent


# --- the guard in front of the server -------------------------------------------------------------
# Oxigraph's server has a timeout but no result-size limit, follows SERVICE to any host, and reports a timeout
# inside a 200 response. A thin forwarding layer adds the limit, the SERVICE refusal and a proper error status;
# the SPARQL work is all Oxigraph's.

def _query_text(method: str, path: str, headers, body: bytes) -> str | None:
    from urllib.parse import parse_qs, urlsplit

    found = parse_qs(urlsplit(path).query).get("query", [])
    if method == "POST":
        ctype = (headers.get("Content-Type") or "").split(";")[0].strip().lower()
        if ctype == "application/x-www-form-urlencoded":
            found += parse_qs(body.decode("utf-8", "replace")).get("query", [])
        elif ctype == "application/sparql-query":
            found.append(body.decode("utf-8", "replace"))
    return "\n".join(found) if found else None


def _handler_class():
    from http.server import BaseHTTPRequestHandler
    from urllib.parse import urlsplit

    class Handler(BaseHTTPRequestHandler):
        server_version = "rightsgraph"

        def log_message(self, fmt, *args):  # the server's console stays quiet; errors go back to the client
            pass

        def do_GET(self):
            self._forward(None)

        def do_POST(self):
            length = int(self.headers.get("Content-Length") or 0)
            self._forward(self.rfile.read(length) if length else b"")

        def _error(self, status: int, message: str) -> None:
            data = (message + "\n").encode("utf-8")
            self.send_response(status)
            self.send_header("Content-Type", "text/plain; charset=utf-8")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def _forward(self, body: bytes | None) -> None:
            cfg = self.server.cfg
            path = urlsplit(self.path).path
            reading = path == "/query" or (self.command == "GET" and path in ("/", "/store"))
            if not reading and not cfg["allow_update"]:
                return self._error(403, "this endpoint is read-only (start it with --allow-update to change the store)")
            text = _query_text(self.command, self.path, self.headers, body or b"")
            if text is not None and not cfg["allow_network"]:
                try:
                    check_network(text)
                except NetworkRefused as e:
                    return self._error(403, str(e).replace("--allow-network", "serve --allow-network"))
            headers = {k: self.headers[k] for k in ("Accept", "Content-Type") if self.headers.get(k)}
            req = urllib.request.Request(cfg["upstream"] + self.path, data=body, method=self.command, headers=headers)
            limit, timeout = cfg["max_bytes"], cfg["timeout_s"]
            too_long = f"the query ran longer than {timeout} s and was stopped; narrow it or add LIMIT"
            deadline = time.monotonic() + timeout + 5
            try:
                resp = urllib.request.urlopen(req, timeout=timeout + 5)
            except urllib.error.HTTPError as e:
                status, ctype, data = e.code, e.headers.get("Content-Type", "text/plain"), e.read(limit)
            except (TimeoutError, socket.timeout):
                return self._error(503, too_long)
            except (urllib.error.URLError, OSError) as e:
                return self._error(502, f"the SPARQL engine did not answer: {getattr(e, 'reason', e)}")
            else:
                with resp:
                    status, ctype = resp.status, resp.headers.get("Content-Type", "application/octet-stream")
                    chunks, size = [], 0
                    try:
                        while True:
                            if time.monotonic() > deadline:
                                return self._error(503, too_long)
                            chunk = resp.read1(65536)
                            if not chunk:
                                break
                            size += len(chunk)
                            if size > limit:
                                return self._error(413, f"the result is larger than {limit} bytes; "
                                                        "add LIMIT or ask for fewer columns")
                            chunks.append(chunk)
                    except (TimeoutError, socket.timeout):
                        return self._error(503, too_long)
                    data = b"".join(chunks)
            if data.rstrip().endswith(CANCELLED):
                return self._error(503, too_long)
            self.send_response(status)
            self.send_header("Content-Type", ctype)
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

    return Handler


class Endpoint:
    """The Oxigraph server on a private loopback port, and the guard that listens where the user asked."""

    def __init__(self, proc: subprocess.Popen, httpd, thread, url: str):
        self.proc, self.httpd, self.thread, self.url = proc, httpd, thread, url

    def stop(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()
        self.thread.join(timeout=10)
        stop_server(self.proc)


def start_endpoint(build_dir: Path, host: str = DEFAULT_HOST, port: int = DEFAULT_PORT,
                   timeout_s: int = DEFAULT_TIMEOUT_S, allow_update: bool = False, allow_network: bool = False,
                   max_bytes: int = DEFAULT_MAX_BYTES) -> Endpoint:
    """Serve a build at http://HOST:PORT/query; the caller must stop() it."""
    import threading
    from http.server import ThreadingHTTPServer

    inner = free_port()
    proc = start_server(build_dir, DEFAULT_HOST, inner, timeout_s, allow_update)
    try:
        httpd = ThreadingHTTPServer((host, port), _handler_class())
    except OSError as e:
        stop_server(proc)
        raise EndpointError(f"cannot listen on {host}:{port}: {e.strerror or e}; try another --port") from None
    httpd.daemon_threads = True
    httpd.cfg = {"upstream": f"http://127.0.0.1:{inner}", "allow_update": allow_update,
                 "allow_network": allow_network, "max_bytes": max_bytes, "timeout_s": timeout_s}
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    shown = "127.0.0.1" if host in ("0.0.0.0", "localhost") else host
    return Endpoint(proc, httpd, thread, f"http://{shown}:{httpd.server_address[1]}/query")


def run_until_interrupted(ep: Endpoint) -> int:
    """Keep serving until Ctrl-C or SIGTERM (or the engine dies); return an exit code."""
    import signal

    def interrupted(signum, frame):
        raise KeyboardInterrupt

    # a service manager stops us with SIGTERM; the Oxigraph child must go too
    signal.signal(signal.SIGTERM, interrupted)
    try:
        while ep.proc.poll() is None:
            time.sleep(0.5)
        return 1
    except KeyboardInterrupt:
        return 0
    finally:
        ep.stop()
