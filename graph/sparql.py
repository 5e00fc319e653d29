"""Run SPARQL on a build or a remote endpoint: predeclared prefixes, bound parameters, safety checks, formats."""

from __future__ import annotations

import csv
import io
import json
import re
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources
from pathlib import Path

from graph.errors import UserError
from graph.store import QUERY_PREFIXES
from sources.text import name_key

XSD_NS = "http://www.w3.org/2001/XMLSchema#"
PREFIXES = QUERY_PREFIXES

FORMATS = ("table", "csv", "tsv", "json")
DEFAULT_TIMEOUT = 60.0
_UPDATE_WORDS = {"INSERT", "DELETE", "LOAD", "CLEAR", "DROP", "CREATE", "ADD", "MOVE", "COPY", "WITH"}
_QUERY_WORDS = {"SELECT", "ASK", "CONSTRUCT", "DESCRIBE"}


class QueryError(UserError):
    """A query that cannot run as asked: the message says why and what to do."""


class QuerySyntaxError(QueryError):
    """The query text does not parse; the message shows the line, the column and a caret."""

    def __init__(self, text: str, line: int, column: int, detail: str, source: str = "query"):
        self.line, self.column, self.detail = line, column, detail
        lines = text.splitlines() or [""]
        shown = lines[line - 1] if 0 < line <= len(lines) else ""
        super().__init__(f"{source}:{line}:{column}: syntax error: {detail}\n"
                         f"    {shown}\n    {' ' * max(column - 1, 0)}^")


class NetworkRefused(QueryError):
    """The query would reach out to the network (SERVICE or LOAD) and the user did not allow it."""


# --- reading query text without executing it -------------------------------------------------------

_TOKEN = re.compile(r"""
    (?P<comment>\#[^\n]*)
  | (?P<string>'''(?:[^'\\]|\\.|'(?!''))*'''|\"\"\"(?:[^"\\]|\\.|"(?!""))*\"\"\"|'(?:[^'\\\n]|\\.)*'|"(?:[^"\\\n]|\\.)*")
  | (?P<iri><[^<>"{}|^`\\\x00-\x20]*>)
  | (?P<var>[?$][\w\u00b7\u0300-\u036f\u203f-\u2040]+)
  | (?P<pname>[\w.\-]*:[\w.\-:%\\]*)
  | (?P<word>[A-Za-z_][\w\-]*)
  | (?P<open>\{)
  | (?P<close>\})
  | (?P<other>\S)
""", re.VERBOSE | re.UNICODE)


def _tokens(text: str):
    """(kind, value, offset) for the query's tokens; strings, IRIs and comments are single tokens."""
    for m in _TOKEN.finditer(text):
        kind = m.lastgroup
        if kind != "comment":
            yield kind, m.group(), m.start()


def _keywords(text: str) -> list[str]:
    return [v.upper() for kind, v, _ in _tokens(text) if kind == "word"]


def query_form(text: str) -> str:
    """SELECT, ASK, CONSTRUCT, DESCRIBE, or UPDATE for anything that would change a store."""
    for word in _keywords(text):
        if word in ("PREFIX", "BASE"):
            continue
        if word in _QUERY_WORDS:
            return word
        if word in _UPDATE_WORDS:
            return "UPDATE"
    return "UNKNOWN"


def check_network(text: str, allow_network: bool = False) -> None:
    """Refuse SERVICE and LOAD, the two ways a SPARQL text can make the engine open a connection."""
    if allow_network:
        return
    # SPARQL lets \uXXXX escapes stand for any character before parsing; some servers honour that in keywords
    decoded = re.sub(r"\\u([0-9A-Fa-f]{4})|\\U([0-9A-Fa-f]{8})",
                     lambda m: chr(int(m.group(1) or m.group(2), 16)), text)
    found = sorted({w for w in _keywords(text) + _keywords(decoded) if w in ("SERVICE", "LOAD")})
    if found:
        raise NetworkRefused(f"the query uses {' and '.join(found)}, which would reach the network; "
                             "queries stay local unless you pass --allow-network")


def check_read_only(text: str) -> None:
    if query_form(text) == "UPDATE":
        raise QueryError("this is a SPARQL update; 'query' only reads (SELECT, ASK, CONSTRUCT, DESCRIBE) "
                         "and never changes the store")


_ERROR_AT = re.compile(r"error at (\d+):(\d+): (.*)", re.S)


def check_syntax(text: str, source: str = "query") -> None:
    """Parse the query (against an empty in-memory store) and raise QuerySyntaxError with a caret."""
    import pyoxigraph

    try:
        pyoxigraph.Store().query(text, prefixes=PREFIXES)
    except SyntaxError as e:
        raise _syntax_error(text, str(e), source) from None


def _syntax_error(text: str, message: str, source: str) -> QuerySyntaxError:
    m = _ERROR_AT.search(message)
    if not m:
        return QuerySyntaxError(text, 1, 1, message.strip(), source)
    detail = " ".join(m.group(3).split())
    if len(detail) > 200:
        detail = detail[:200] + " ..."
    return QuerySyntaxError(text, int(m.group(1)), int(m.group(2)), detail, source)


# --- parameters: bound as RDF terms, never spliced as text ------------------------------------------

PARAM_KINDS = ("text", "integer", "date", "iri", "name", "relation", "limit")
"""text: a plain string; integer; date (YYYY-MM-DD); iri; name: a label or alias in any case, bound as its
rg:nameKey (see sources.text.name_key); relation: an ontology relation's local name, bound as the IRI rg:NAME (empty: any);
limit: the number of rows, written into the question's one LIMIT clause (0: no limit)."""


class RowLimit(int):
    """A `limit` parameter: not a variable but the number of the question's LIMIT clause (SPARQL has no
    variable limits); the .rq file carries `LIMIT <default>`, so it also runs by hand."""


RG_NS = PREFIXES["rg"]


@lru_cache(maxsize=1)
def relation_names() -> frozenset[str]:
    """The local names of the ontology's relations and attributes (what a `relation` parameter accepts)."""
    from ontology.schema import load_schema

    return frozenset(load_schema().relations)


def param_term(value: str, kind: str = "text"):
    """An RDF term for a parameter value; raise QueryError when it does not fit its kind.

    A `name` gives its name key (the build writes one per label and alias); an empty `relation` gives None,
    which binds the variable to UNDEF (any relation).
    """
    import pyoxigraph

    try:
        if kind == "integer":
            return pyoxigraph.Literal(str(int(value)), datatype=pyoxigraph.NamedNode(XSD_NS + "integer"))
        if kind == "date":
            if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
                raise ValueError
            return pyoxigraph.Literal(value, datatype=pyoxigraph.NamedNode(XSD_NS + "date"))
        if kind == "iri":
            iri = value[1:-1] if value.startswith("<") and value.endswith(">") else value
            return pyoxigraph.NamedNode(iri)
        if kind == "limit":
            n = int(value)
            if n < 0:
                raise ValueError
            return RowLimit(n)
        if kind == "name":
            return pyoxigraph.Literal(name_key(value))
        if kind == "relation":
            name = value.strip()
            if name.startswith("rg:"):
                name = name[3:]
            if not name:
                return None
            if name not in relation_names():
                import difflib

                close = difflib.get_close_matches(name, sorted(relation_names()), n=1)
                hint = f"did you mean '{close[0]}'? " if close else ""
                raise QueryError(f"parameter value {value!r} is not a relation of the ontology; {hint}"
                                 "the relations are listed in ontology/rightsgraph.ttl (e.g. chargedWith)")
            return pyoxigraph.NamedNode(RG_NS + name)
        return pyoxigraph.Literal(value)
    except (ValueError, TypeError):
        raise QueryError(f"parameter value {value!r} is not a valid {kind}") from None


def parse_params(pairs: list[str]) -> dict[str, str]:
    """KEY=VALUE strings from the command line."""
    out = {}
    for pair in pairs:
        key, sep, value = pair.partition("=")
        key = key.strip().lstrip("?$")
        if not sep or not re.fullmatch(r"[A-Za-z_]\w*", key):
            raise QueryError(f"--param {pair!r}: write it as NAME=VALUE, e.g. --param person=\"Kem Sokha\"")
        out[key] = value
    return out


def bind(text: str, terms: dict) -> str:
    """The query with `VALUES (?a ?b) { (t1 t2) }` opening its WHERE group.

    The terms are written in N-Triples syntax by pyoxigraph, which escapes every quote and backslash, so a
    value can never end the literal early; the query's own text is not touched. VALUES inside the group
    behaves like a substitution (FILTERs in the group see it) and works on any SPARQL 1.1 server. None
    gives UNDEF (the variable stays free).
    A variable used inside a subquery gets its VALUES there too, since a subquery does not see the
    bindings around it (this lets a question limit a parameter's matches before it looks anything up).
    """
    for n in [t for t in terms.values() if isinstance(t, RowLimit)]:
        text = _set_limit(text, n)
    terms = {k: t for k, t in terms.items() if not isinstance(t, RowLimit)}
    if not terms:
        return text
    at = _where_brace(text)
    if at is None:
        raise QueryError("cannot bind parameters: the query has no WHERE { ... } group")
    subqueries = _subquery_groups(text)
    groups: dict[int, list[str]] = {}  # opening brace -> the parameters its VALUES binds
    for name in terms:
        uses = [pos for kind, value, pos in _tokens(text) if kind == "var" and value[1:] == name] or [at]
        for pos in uses:
            inner = [(start, brace) for start, brace, end in subqueries if start <= pos <= end]
            brace = max(inner)[1] if inner else at  # the innermost subquery holding this use
            if name not in groups.setdefault(brace, []):
                groups[brace].append(name)
    for brace in sorted(groups, reverse=True):  # from the end, so earlier offsets stay right
        text = f"{text[:brace + 1]} {_values({k: terms[k] for k in groups[brace]})} {text[brace + 1:]}"
    return text


def _values(terms: dict) -> str:
    names = " ".join("?" + k for k in terms)
    row = " ".join("UNDEF" if t is None else str(t) for t in terms.values())
    return f"VALUES ({names}) {{ ({row}) }}"


def _subquery_groups(text: str) -> list[tuple[int, int, int]]:
    """(SELECT offset, opening brace, closing brace) of every subquery's WHERE group."""
    out, pending, stack = [], [], []
    for kind, value, pos in _tokens(text):
        if kind == "word" and value.upper() == "SELECT" and stack:
            pending.append(pos)
        elif kind == "open":
            stack.append((pos, pending.pop() if pending else None))
        elif kind == "close" and stack:
            start, owner = stack.pop()
            if owner is not None:
                out.append((owner, start, pos))
    return out


def _set_limit(text: str, n: int) -> str:
    """The query with its one `LIMIT k` clause set to `LIMIT n` (removed for 0); n is an int, never text."""
    at = [pos for kind, value, pos in _tokens(text) if kind == "word" and value.upper() == "LIMIT"]
    number = re.match(r"LIMIT\s+\d+", text[at[0]:], re.IGNORECASE) if len(at) == 1 else None
    if not number:
        raise QueryError("a 'limit' parameter needs the query to have exactly one 'LIMIT <number>' clause")
    clause = f"LIMIT {int(n)}" if n > 0 else ""
    return text[:at[0]] + clause + text[at[0] + number.end():]


def _where_brace(text: str) -> int | None:
    depth, after_where, first = 0, False, None
    for kind, value, pos in _tokens(text):
        if kind == "word" and value.upper() == "WHERE" and depth == 0:
            after_where = True
        elif kind == "open":
            if depth == 0:
                if after_where:
                    return pos
                if first is None:
                    first = pos
            depth += 1
        elif kind == "close":
            depth -= 1
    # SELECT/ASK/DESCRIBE may leave out WHERE; CONSTRUCT's first group is its template, so it needs WHERE.
    return None if query_form(text) == "CONSTRUCT" else first


# --- the library of named questions ------------------------------------------------------------------

@dataclass(frozen=True)
class Param:
    name: str
    kind: str
    default: str
    help: str


@dataclass(frozen=True)
class Question:
    name: str
    description: str
    params: tuple[Param, ...]
    text: str
    file: str


_HEADER = re.compile(r"#\s*(name|description|param):\s*(.*)")
_PARAM = re.compile(r"(\w+)(?:\s*\((\w+)\))?\s*=\s*(.*?)\s*\|\s*(.*)")


def parse_question(text: str, file: str) -> Question:
    fields: dict = {"params": []}
    for line in text.splitlines():
        if not line.startswith("#"):
            break
        m = _HEADER.match(line)
        if not m:
            continue
        key, value = m.group(1), m.group(2).strip()
        if key == "param":
            p = _PARAM.fullmatch(value)
            if not p or (p.group(2) or "text") not in PARAM_KINDS:
                raise QueryError(f"{file}: bad param line {line!r}; write '# param: NAME (KIND) = DEFAULT | help'")
            default = p.group(3)
            if len(default) >= 2 and default[0] == default[-1] == '"':
                default = default[1:-1]
            fields["params"].append(Param(p.group(1), p.group(2) or "text", default, p.group(4)))
        else:
            fields[key] = value
    if "name" not in fields or "description" not in fields:
        raise QueryError(f"{file}: a named question starts with '# name:' and '# description:' lines")
    return Question(fields["name"], fields["description"], tuple(fields["params"]), text, file)


@lru_cache(maxsize=1)
def questions() -> dict[str, Question]:
    """The named questions shipped in graph/queries/, by name."""
    out = {}
    folder = resources.files("graph") / "queries"
    for entry in sorted(folder.iterdir(), key=lambda e: e.name):
        if entry.name.endswith(".rq"):
            q = parse_question(entry.read_text(encoding="utf-8"), f"graph/queries/{entry.name}")
            out[q.name] = q
    return out


def question(name: str) -> Question:
    qs = questions()
    if name not in qs:
        import difflib

        close = difflib.get_close_matches(name, qs, n=1)
        hint = f"; did you mean '{close[0]}'?" if close else ""
        raise QueryError(f"no named question '{name}'{hint} ('rightsgraph queries' lists them)")
    return qs[name]


def question_terms(q: Question, given: dict[str, str]) -> dict:
    """Terms for every declared parameter: the user's value, or the question's default."""
    declared = {p.name: p for p in q.params}
    unknown = sorted(set(given) - set(declared))
    if unknown:
        allowed = ", ".join(declared) or "none"
        raise QueryError(f"question '{q.name}' has no parameter {', '.join(unknown)} (its parameters: {allowed})")
    return {p.name: param_term(given.get(p.name, p.default), p.kind) for p in q.params}


# --- running -------------------------------------------------------------------------------------

@dataclass
class Result:
    """What a query answered, as pyoxigraph terms: rows for SELECT, a boolean for ASK, triples otherwise."""

    form: str
    variables: list[str] = field(default_factory=list)
    rows: list[dict] = field(default_factory=list)
    boolean: bool | None = None
    triples: list = field(default_factory=list)


def prepare(text: str, params: dict | None = None, allow_network: bool = False, source: str = "query") -> str:
    """Check a query (network, read-only, syntax) and bind its parameters; the text to send to an engine."""
    check_network(text, allow_network)
    check_read_only(text)
    check_syntax(text, source)
    return bind(text, params or {})


def _from_solutions(form: str, answer) -> Result:
    import pyoxigraph

    if isinstance(answer, pyoxigraph.QueryBoolean):
        return Result("ASK", boolean=bool(answer))
    if isinstance(answer, pyoxigraph.QuerySolutions):
        names = [v.value for v in answer.variables]
        rows = [{n: row[n] for n in names if row[n] is not None} for row in answer]
        return Result("SELECT", variables=names, rows=rows)
    return Result(form, triples=list(answer))


def run_on_store(store, text: str, union: bool = True) -> Result:
    """Run a prepared query on an open pyoxigraph store; with `union`, the default graph is the union of all
    graphs, else only the build's default graph (provenance and registry). The named questions read claims
    only inside GRAPH, so they give the same answer either way, and run without it: each lookup outside a
    GRAPH then reads one table instead of two."""
    answer = store.query(text, prefixes=PREFIXES, use_default_graph_as_union=union)
    return _from_solutions(query_form(text), answer)


def _child(build_dir: str, text: str, union: bool, conn) -> None:
    import pyoxigraph

    from graph.store import open_store

    try:
        answer = open_store(Path(build_dir)).query(text, prefixes=PREFIXES, use_default_graph_as_union=union)
        if isinstance(answer, (pyoxigraph.QueryBoolean, pyoxigraph.QuerySolutions)):
            data = ("results", answer.serialize(format=pyoxigraph.QueryResultsFormat.JSON))
        else:
            data = ("triples", pyoxigraph.serialize(answer, format=pyoxigraph.RdfFormat.N_TRIPLES))
    except BaseException as e:  # the parent turns it into a message
        data = ("error", f"{type(e).__name__}: {e}")
    conn.send(data)
    conn.close()


def run_local(build_dir: Path, text: str, timeout: float | None = DEFAULT_TIMEOUT, union: bool = True) -> Result:
    """Run a prepared query on a build's embedded store (`union`: see run_on_store); with a timeout, in a
    child process that is killed."""
    from graph.store import open_store

    if not timeout:
        return run_on_store(open_store(build_dir), text, union)
    open_store(build_dir)  # fails early, with the usual message, when there is no build
    import multiprocessing

    # pyoxigraph cannot cancel a running query; a child process can be stopped.
    ctx = multiprocessing.get_context("fork" if "fork" in multiprocessing.get_all_start_methods() else "spawn")
    receive, send = ctx.Pipe(duplex=False)
    proc = ctx.Process(target=_child, args=(str(build_dir), text, union, send), daemon=True)
    proc.start()
    send.close()
    try:
        if not receive.poll(timeout):
            raise QueryError(f"the query ran longer than {timeout:g} s and was stopped; "
                             "narrow it (LIMIT, more specific patterns) or pass a longer --timeout")
        kind, data = receive.recv()
    except EOFError:
        raise QueryError("the query process ended without an answer (out of memory?)") from None
    finally:
        if proc.is_alive():
            proc.kill()
        proc.join()
        receive.close()
    if kind == "error":
        raise QueryError(f"the query failed: {data}")
    return _parse_answer(query_form(text), kind, data)


def _parse_answer(form: str, kind: str, data: bytes) -> Result:
    import pyoxigraph

    if kind == "results":
        return _from_solutions(form, pyoxigraph.parse_query_results(data, format=pyoxigraph.QueryResultsFormat.JSON))
    return Result(form, triples=list(pyoxigraph.parse(data, format=pyoxigraph.RdfFormat.N_TRIPLES)))


def with_prologue(text: str) -> str:
    """The query with the predeclared prefixes written out, for servers that do not know them."""
    return "".join(f"PREFIX {p}: <{ns}>\n" for p, ns in PREFIXES.items()) + text


def http_query(endpoint: str, text: str, timeout: float | None = DEFAULT_TIMEOUT) -> Result:
    """Ask a SPARQL 1.1 Protocol endpoint; `union-default-graph` asks Oxigraph for the union (others ignore it)."""
    form = query_form(text)
    accept = ("application/sparql-results+json" if form in ("SELECT", "ASK") else "application/n-triples")
    body = urllib.parse.urlencode({"query": with_prologue(text)}).encode()
    url = endpoint + ("&" if "?" in endpoint else "?") + "union-default-graph"
    req = urllib.request.Request(url, data=body, method="POST", headers={
        "Accept": accept, "Content-Type": "application/x-www-form-urlencoded"})
    data = send_request(req, endpoint, timeout)
    return _parse_answer(form, "results" if form in ("SELECT", "ASK") else "triples", data)


def send_request(req, endpoint: str, timeout: float | None) -> bytes:
    import socket

    try:
        with urllib.request.urlopen(req, timeout=timeout or None) as resp:
            return resp.read()
    except urllib.error.HTTPError as e:
        detail = e.read().decode("utf-8", "replace").strip().splitlines()
        raise QueryError(f"{endpoint} answered {e.code} {e.reason}: {detail[0] if detail else ''}".rstrip(": ")) from None
    except (socket.timeout, TimeoutError):
        raise QueryError(f"{endpoint} did not answer within {timeout:g} s") from None
    except (urllib.error.URLError, OSError) as e:
        reason = getattr(e, "reason", e)
        raise QueryError(f"cannot reach {endpoint}: {reason}; is the server running?") from None


# --- formatting ----------------------------------------------------------------------------------

def compact(iri: str) -> str:
    best = ""
    for p, ns in PREFIXES.items():
        if iri.startswith(ns) and len(ns) > len(best) and re.fullmatch(r"[\w\-.]*", iri[len(ns):]):
            best, name = ns, p
    return f"{name}:{iri[len(best):]}" if best else f"<{iri}>"


def _plain(term) -> str:
    import pyoxigraph

    if term is None:
        return ""
    if isinstance(term, pyoxigraph.NamedNode):
        return compact(term.value)
    return term.value


def _json_term(term) -> dict:
    import pyoxigraph

    if isinstance(term, pyoxigraph.NamedNode):
        return {"type": "uri", "value": term.value}
    if isinstance(term, pyoxigraph.BlankNode):
        return {"type": "bnode", "value": term.value}
    out = {"type": "literal", "value": term.value}
    if term.language:
        out["xml:lang"] = term.language
    elif term.datatype and term.datatype.value != XSD_NS + "string":
        out["datatype"] = term.datatype.value
    return out


def turtle(triples) -> str:
    import pyoxigraph

    ordered = sorted(set(triples), key=str)
    data = pyoxigraph.serialize(ordered, format=pyoxigraph.RdfFormat.TURTLE, prefixes=PREFIXES)
    return data.decode("utf-8")


def format_result(result: Result, fmt: str = "table") -> str:
    """Text for the terminal or a file: SPARQL JSON, CSV and TSV result formats, or an aligned table."""
    if result.form in ("CONSTRUCT", "DESCRIBE"):
        return turtle(result.triples)
    if result.form == "ASK":
        if fmt == "json":
            return json.dumps({"head": {}, "boolean": result.boolean}) + "\n"
        return ("true" if result.boolean else "false") + "\n"
    names = result.variables
    if fmt == "json":
        doc = {"head": {"vars": names},
               "results": {"bindings": [{n: _json_term(t) for n, t in row.items()} for row in result.rows]}}
        return json.dumps(doc, ensure_ascii=False, indent=2) + "\n"
    if fmt == "csv":
        buf = io.StringIO()
        w = csv.writer(buf, lineterminator="\r\n")
        w.writerow(names)
        for row in result.rows:
            w.writerow([row[n].value if n in row else "" for n in names])
        return buf.getvalue()
    if fmt == "tsv":
        lines = ["\t".join("?" + n for n in names)]
        lines += ["\t".join(str(row[n]) if n in row else "" for n in names) for row in result.rows]
        return "\n".join(lines) + "\n"
    return table(names, [[_plain(row.get(n)) for n in names] for row in result.rows])


def table(names: list[str], cells: list[list[str]]) -> str:
    cells = [[" ".join(c.split()) for c in row] for row in cells]
    widths = [max([len(n)] + [len(r[i]) for r in cells]) for i, n in enumerate(names)]
    line = lambda vals: "  ".join(v.ljust(w) for v, w in zip(vals, widths)).rstrip()  # noqa: E731
    out = [line(names), line(["-" * w for w in widths])] + [line(r) for r in cells]
    n = len(cells)
    out.append(f"({n} row{'s' if n != 1 else ''})")
    return "\n".join(out) + "\n"
