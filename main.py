"""The rightsgraph command line: build, check and explore a knowledge graph of political repression."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import click

from graph import __version__
from graph.errors import UserError
from sources import BUNDLED
from sources.problems import SourcesError

sources_option = click.option(
    "--sources", "sources", type=click.Path(path_type=Path), default=BUNDLED, show_default="the bundled CNRP corpus",
    help="Sources directory: entities.yaml and documents/*.yaml.")
texts_option = click.option(
    "--texts", type=click.Path(path_type=Path), default=None,
    help="Directory with the documents' full texts; when given, every quote is checked against its text.")
shacl_option = click.option(
    "--shacl/--no-shacl", default=None,
    help="Run the SHACL shapes with pySHACL (default: only for corpora of up to 20,000 statements; the "
         "same domain, range and datatype rules are always checked).")
store_option = click.option(
    "--store", "build_dir", type=click.Path(path_type=Path), default=Path("build"), show_default=True,
    help="Build directory whose embedded store to read.")


def fail(problems: list, what: str) -> None:
    for p in problems:
        click.echo(str(p), err=True)
    n = len(problems)
    click.echo(f"{n} problem{'s' if n != 1 else ''} found; {what}", err=True)
    sys.exit(1)


def run_guarded(fn, what: str = ""):
    """Turn the library's typed errors into messages and exit codes; never a traceback for a user's mistake."""
    try:
        return fn()
    except SourcesError as e:
        fail(e.problems, what)
    except UserError as e:
        click.echo(f"error: {e}", err=True)
        sys.exit(1)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="rightsgraph")
def cli():
    """Turn news articles and NGO statements about political repression into a knowledge graph
    in which every fact says who said it, where, when and in which words."""


@cli.command()
@sources_option
@texts_option
@click.option("--out", type=click.Path(path_type=Path), default=Path("build"), show_default=True,
              help="Build directory to write (replaced only when the build succeeds).")
@shacl_option
@click.option("--endpoint", default=None, metavar="URL",
              help="After a successful build, push it to this SPARQL 1.1 Update server (see 'push --help').")
def build(sources: Path, texts: Path | None, out: Path, shacl: bool | None, endpoint: str | None):
    """Check the sources and build the RDF graph: graph.trig, graph.nq, graph.ttl and an Oxigraph store."""
    import time

    from graph.build import build as run_build

    start = time.perf_counter()
    progress = (lambda message: click.echo(message, err=True)) if sys.stderr.isatty() else None
    manifest = run_guarded(lambda: run_build(sources, out, texts, shacl, progress),
                           f"nothing was written ({out} is unchanged)")
    c = manifest["counts"]
    click.echo(f"built {out}/ in {time.perf_counter() - start:.1f}s: {c['entities']} entities, "
               f"{c['claims']} claims from {c['statements']} statements in {c['documents']} documents "
               f"({c['corroborated_claims']} claims supported by more than one document)")
    if endpoint:
        from graph.endpoint import push as run_push

        n = run_guarded(lambda: run_push(out, endpoint, replace=True))
        click.echo(f"pushed {n} quads to {endpoint}")


@cli.command()
@sources_option
@texts_option
@shacl_option
def validate(sources: Path, texts: Path | None, shacl: bool | None):
    """Check the sources and the SHACL shapes; report every problem as path:line:col."""
    from graph.build import check, counts

    corpus = run_guarded(lambda: check(sources, texts, shacl), "fix them and run validate again")
    c = counts(corpus)
    quotes = "quotes checked against the texts" if texts else "quotes not checked (pass --texts DIR)"
    click.echo(f"ok: {c['entities']} entities, {c['statements']} statements in {c['documents']} documents; "
               f"shapes conform; {quotes}")


@cli.command()
@store_option
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
def stats(build_dir: Path, fmt: str):
    """Entities by type, claims by predicate, documents, and claims more than one document supports."""
    from graph.stats import format_text
    from graph.stats import stats as compute
    from graph.store import open_store

    result = run_guarded(lambda: compute(open_store(build_dir)))
    if fmt == "json":
        click.echo(json.dumps(result, indent=2, ensure_ascii=False))
    else:
        click.echo(format_text(result), nl=False)


@cli.command()
@click.option("--statements", "n", type=click.IntRange(min=1), required=True,
              help="How many statements to write (e.g. 1000000).")
@click.option("--seed", type=int, default=0, show_default=True, help="The same seed gives the same files.")
@click.option("--format", "fmt", type=click.Choice(["yaml", "jsonl"]), default="yaml", show_default=True,
              help="Write the registry and documents as YAML, or as JSON Lines (faster to read at scale).")
@click.option("--out", type=click.Path(path_type=Path, file_okay=False), required=True,
              help="Directory to write: the registry, documents/ and texts/ (must not exist or be empty).")
def synth(n: int, seed: int, fmt: str, out: Path):
    """Write a synthetic sources directory shaped like a real corpus, for benchmarks and load tests:
    power-law participation, parties with thousands of members, mass trials with hundreds of
    co-defendants, NGOs commenting on many cases, facts repeated by several documents."""
    from sources.synth import synthesise

    if out.exists() and (not out.is_dir() or any(out.iterdir())):
        click.echo(f"error: {out} exists and is not an empty directory; choose a new --out", err=True)
        sys.exit(1)
    made = synthesise(n, out, seed, fmt)
    click.echo(f"wrote {out}/: {made['statements']} statements in {made['documents']} documents, "
               f"{made['entities']} entities (texts in {out}/texts)")


# --- SPARQL commands: query, queries, serve, push, export (graph/sparql.py, graph/endpoint.py) ---

endpoint_option = click.option(
    "--endpoint", default=None, metavar="URL",
    help="Ask a SPARQL 1.1 Protocol endpoint (e.g. http://127.0.0.1:7878/query) instead of the build's store.")


@cli.command()
@click.argument("text", metavar="[QUERY]", required=False)
@click.option("-f", "--file", "file", type=click.Path(path_type=Path, dir_okay=False, exists=True), default=None,
              help="Read the query from a .rq file.")
@click.option("--name", default=None, metavar="NAME", help="Run a named question ('rightsgraph queries' lists them).")
@click.option("--param", "params", multiple=True, metavar="KEY=VALUE",
              help="Bind ?KEY to VALUE as an RDF term (a string literal; <IRI> for an IRI in an ad-hoc query); "
                   "repeatable. Values are never pasted into the query text.")
@click.option("--format", "fmt", type=click.Choice(["table", "csv", "tsv", "json"]), default="table",
              show_default=True, help="SELECT/ASK output; json is SPARQL 1.1 Query Results JSON. "
                                      "CONSTRUCT and DESCRIBE always give Turtle.")
@store_option
@endpoint_option
@click.option("--timeout", type=click.FloatRange(min=0), default=60, show_default=True,
              help="Stop the query after this many seconds (0: no limit).")
@click.option("--allow-network", is_flag=True, help="Let SERVICE reach other endpoints (refused by default).")
def query(text, file, name, params, fmt, build_dir, endpoint, timeout, allow_network):
    """Ask the graph a SPARQL question: SELECT, ASK, CONSTRUCT or DESCRIBE.

    The default graph is the union of every claim (what is claimed); GRAPH ?claim { ... } says who claims it.
    Prefixes rg:, rgid:, rgdoc:, rgclaim:, rgev:, prov:, skos:, dcterms:, schema:, owl:, rdf:, rdfs:, xsd:, wd:
    are predeclared.

    \b
    Examples:
      rightsgraph query 'SELECT ?name WHERE { ?p a rg:Person ; rdfs:label ?name } ORDER BY ?name'
      rightsgraph query --name charges-against-person --param person="Kem Sokha"
      rightsgraph query -f my-question.rq --format csv
    """
    from graph import sparql

    def run():
        given = [x for x in (text, file, name) if x]
        if len(given) != 1:
            raise sparql.QueryError("give exactly one of: a QUERY argument, -f FILE.rq or --name NAME")
        values = sparql.parse_params(list(params))
        if name:
            q = sparql.question(name)
            body, source, terms = q.text, q.file, sparql.question_terms(q, values)
        else:
            body = file.read_text(encoding="utf-8") if file else text
            source = str(file) if file else "query"
            terms = {k: sparql.param_term(v, "iri" if v.startswith("<") and v.endswith(">") else "text")
                     for k, v in values.items()}
        prepared = sparql.prepare(body, terms, allow_network=allow_network, source=source)
        if endpoint:
            result = sparql.http_query(endpoint, prepared, timeout or None)
        else:
            result = sparql.run_local(build_dir, prepared, timeout or None, union=not name)
        return sparql.format_result(result, fmt)

    click.echo(run_guarded(run), nl=False)


@cli.command()
@click.option("--verbose", "-v", is_flag=True, help="Also show each question's parameters and defaults.")
def queries(verbose: bool):
    """List the named questions that 'query --name NAME' runs (the .rq files in graph/queries/)."""
    from graph.sparql import questions

    qs = run_guarded(questions)
    width = max(len(n) for n in qs)
    for q in qs.values():
        params = " ".join(f"--param {p.name}=..." for p in q.params)
        click.echo(f"{q.name:<{width}}  {q.description}" + (f"  [{params}]" if params and not verbose else ""))
        if verbose:
            for p in q.params:
                click.echo(f"{'':<{width}}    --param {p.name}={p.default!r} ({p.kind}): {p.help}")


@cli.command()
@store_option
@click.option("--host", default="127.0.0.1", show_default=True,
              help="Interface to listen on; anything but loopback exposes the graph to your network.")
@click.option("--port", type=click.IntRange(1, 65535), default=7878, show_default=True)
@click.option("--timeout", type=click.IntRange(min=1), default=30, show_default=True,
              help="Stop any query after this many seconds.")
@click.option("--max-bytes", type=click.IntRange(min=1), default=50_000_000, show_default=True,
              help="Refuse results larger than this (HTTP 413); ask with LIMIT instead.")
@click.option("--allow-update", is_flag=True,
              help="Accept SPARQL Update and Graph Store writes (they change the build's store).")
@click.option("--allow-network", is_flag=True, help="Let queries use SERVICE to reach other endpoints.")
def serve(build_dir: Path, host: str, port: int, timeout: int, max_bytes: int, allow_update: bool,
          allow_network: bool):
    """Serve the build over the SPARQL 1.1 Protocol with the Oxigraph server (read-only by default).

    Queries go to http://HOST:PORT/query (YASGUI, SPARQLWrapper, rdflib's SPARQLStore, Gephi); the default
    graph is the union of every claim, as in 'query'. A query past --timeout is stopped (HTTP 503), a result
    past --max-bytes refused (HTTP 413), SERVICE refused (HTTP 403). Stop it with Ctrl-C.
    """
    from graph import endpoint as ep

    if not ep.is_loopback(host):
        click.echo(f"warning: listening on {host}: anyone who can reach this machine can query the graph",
                   err=True)
    server = run_guarded(lambda: ep.start_endpoint(build_dir, host, port, timeout, allow_update,
                                                   allow_network, max_bytes))
    mode = "read-write" if allow_update else "read-only"
    click.echo(f"serving {build_dir} ({mode}; queries stopped after {timeout} s) at {server.url}; "
               f"Ctrl-C stops it", err=True)
    sys.exit(ep.run_until_interrupted(server))


@cli.command()
@store_option
@click.option("--endpoint", required=True, metavar="URL",
              help="The server's SPARQL query URL, e.g. http://127.0.0.1:7878/query or "
                   "http://localhost:3030/ds/query (Fuseki).")
@click.option("--update-endpoint", default=None, metavar="URL",
              help="Where SPARQL Update goes, when it is not the query URL with /query replaced by /update.")
@click.option("--replace", is_flag=True,
              help="First delete rightsgraph's claim graphs and subjects from the server (a fresh copy).")
@click.option("--batch", type=click.IntRange(min=1), default=5000, show_default=True,
              help="Quads per INSERT DATA request.")
def push(build_dir: Path, endpoint: str, update_endpoint: str | None, replace: bool, batch: int):
    """Load the build's dataset, named graphs included, into a SPARQL 1.1 Update server."""
    from graph.endpoint import push as run_push

    n = run_guarded(lambda: run_push(build_dir, endpoint, update_endpoint, batch=batch, replace=replace))
    click.echo(f"pushed {n} quads to {update_endpoint or endpoint}")


@cli.command()
@click.option("--format", "fmt", required=True,
              type=click.Choice(["ttl", "trig", "nq", "nt", "jsonld", "graphml", "gexf", "csv-edges"]),
              help="trig, nq and jsonld keep the claims' named graphs; ttl and nt hold their union; "
                   "graphml, gexf and csv-edges export the network view.")
@click.option("--out", type=click.Path(path_type=Path, dir_okay=False), default=None,
              help="File to write (replaced only when the export succeeds); standard output if left out.")
@store_option
def export(fmt: str, out: Path | None, build_dir: Path):
    """Export the built graph as RDF (Turtle, TriG, N-Quads, N-Triples, JSON-LD) or as a network."""
    if fmt in ("graphml", "gexf", "csv-edges"):
        from graph.network import export_network as run_export
    else:
        from graph.export import export as run_export

    text = run_guarded(lambda: run_export(build_dir, fmt, out))
    if out is None:
        click.echo(text, nl=False)
    else:
        click.echo(f"wrote {out}", err=True)


# --- network analysis commands: report (graph/network.py, graph/report.py) ---

@cli.command()
@store_option
@click.option("--format", "fmt", type=click.Choice(["md", "html", "csv", "json"]), default="md", show_default=True,
              help="md and html read as a briefing (html with bar charts); csv and json give one row per actor "
                   "with every measure.")
@click.option("--out", type=click.Path(path_type=Path, dir_okay=False), default=None,
              help="File to write (replaced only when the report succeeds); standard output if left out.")
@click.option("--type", "node_type", default=None, metavar="TYPE",
              help="List only actors of this type (e.g. Person, NGO, Court); measures still use the whole network.")
@click.option("--as-of", "as_of", type=click.DateTime(formats=["%Y-%m-%d"]), default=None, metavar="YYYY-MM-DD",
              help="Use only claims dated on or before this day (an undated claim counts from the date of the "
                   "first document that supports it).")
@click.option("--top", type=click.IntRange(min=1), default=10, show_default=True,
              help="How many actors each ranking lists.")
@click.option("--sample", type=click.IntRange(min=1), default=None, metavar="K",
              help="Estimate betweenness from K sampled source actors instead of all (for large networks).")
@click.option("--seed", type=int, default=42, show_default=True, help="Seed for --sample and for Louvain.")
@click.option("--communities", "method", type=click.Choice(["louvain", "greedy"]), default="louvain",
              show_default=True, help="Community detection: Louvain or greedy modularity (networkx's, or igraph's "
                                      "multilevel and fast greedy with the igraph engine).")
@click.option("--engine", type=click.Choice(["auto", "networkx", "igraph"]), default="auto", show_default=True,
              help="How the heavy measures are computed: networkx, or igraph (C) and scipy, which give networkx's "
                   "values much faster; auto uses igraph from 1,000 actors up.")
@click.option("--events/--no-events", default=True, show_default=True,
              help="Keep events (arrests, trials, statements...) as nodes of their own.")
@click.option("--charges/--no-charges", default=True, show_default=True, help="Keep charges as nodes.")
def report(build_dir: Path, fmt: str, out: Path | None, node_type: str | None, as_of, top: int,
           sample: int | None, seed: int, method: str, engine: str, events: bool, charges: bool):
    """Rank the actors of the network: degree, betweenness, closeness, eigenvector, PageRank, brokers,
    communities and rankings per type, as a readable briefing (md, html) or a table (csv, json).

    \b
    Examples:
      rightsgraph report --top 5
      rightsgraph report --format html --out report.html
      rightsgraph report --type Person --as-of 2017-12-31
    """
    from graph.report import make_report
    from graph.writers import write_text_atomic

    bar = None

    def progress(step: str, done: int, total: int) -> None:
        nonlocal bar
        if bar is None:
            bar = click.progressbar(length=total, label="computing measures", file=sys.stderr,
                                    item_show_func=lambda s: s)
            bar.__enter__()
        bar.update(done - bar.pos, current_item=step)

    show = sys.stderr.isatty()
    try:
        text = run_guarded(lambda: make_report(
            build_dir, fmt, node_type=node_type, as_of=as_of.date() if as_of else None, top=top, sample=sample,
            seed=seed, method=method, events=events, charges=charges, progress=progress if show else None,
            engine=engine))
    finally:
        if bar is not None:
            bar.__exit__(None, None, None)
    if out is None:
        click.echo(text, nl=False)
    else:
        run_guarded(lambda: write_text_atomic(text, out))
        click.echo(f"wrote {out}", err=True)


# --- HTML view command: view (graph/view.py) ---

@cli.command()
@store_option
@click.option("--out", type=click.Path(path_type=Path, dir_okay=False), default=Path("view.html"),
              show_default=True, help="HTML file to write (replaced only when the view succeeds).")
@click.option("--focus", default=None, metavar="NAME",
              help="Show only the neighbourhood of this entity (its name, an alias or its id; case is ignored).")
@click.option("--depth", type=click.IntRange(min=0), default=1, show_default=True,
              help="With --focus: how many links away from the entity to go.")
@click.option("--type", "types", multiple=True, metavar="T",
              help="Show only entities of this type or its kinds (repeatable: --type Person --type Court; "
                   "--type Event keeps every kind of event).")
@click.option("--from", "date_from", default=None, metavar="DATE",
              help="Keep only claims that may refer to this date or later (YYYY, YYYY-MM or YYYY-MM-DD).")
@click.option("--to", "date_to", default=None, metavar="DATE",
              help="Keep only claims that may refer to this date or earlier (--to 2017 includes all of 2017).")
@click.option("--size-by", type=click.Choice(["degree", "betweenness", "pagerank"]), default="degree",
              show_default=True, help="What node size shows, measured on the whole (date-filtered) network.")
@click.option("--max-nodes", type=click.IntRange(min=1), default=2000, show_default=True,
              help="Refuse to draw more entities than this; a browser's layout slows down past it.")
def view(build_dir: Path, out: Path, focus: str | None, depth: int, types: tuple[str, ...], date_from: str | None,
         date_to: str | None, size_by: str, max_nodes: int):
    """Write the network as one self-contained HTML page that works offline: colour and shape by type
    with a legend, search by name or alias, filters by type and date, and on a click each claim with
    its exact quote and the documents that support it.

    \b
    Examples:
      rightsgraph view --out cnrp.html
      rightsgraph view --focus "Kem Sokha" --depth 2 --size-by betweenness
      rightsgraph view --type Person --type PoliticalParty --from 2017 --to 2018
    """
    from graph.view import write_view

    try:
        made = write_view(build_dir, out, focus=focus, depth=depth, types=types, date_from=date_from,
                          date_to=date_to, size_by=size_by, max_nodes=max_nodes)
    except UserError as e:  # the view says so, since a page may already exist at --out
        click.echo(f"error: {e} (nothing was written)", err=True)
        sys.exit(1)
    click.echo(f"wrote {made['out']}: {made['nodes']} entit{'y' if made['nodes'] == 1 else 'ies'}, "
               f"{made['edges']} claim{'' if made['edges'] == 1 else 's'} "
               f"({made['bytes'] / 1024:.0f} KiB, works offline)")


# --- extraction commands: extract, review, evaluate (graph/extract/) ---

min_confidence_option = click.option(
    "--min-confidence", type=click.FloatRange(0, 1), default=0.5, show_default=True,
    help="Drop candidates below this confidence (a wrong accusation is worse than a missing one).")


@cli.command()
@click.argument("files", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option("--format", "fmt", type=click.Choice(["yaml", "jsonl"]), default="yaml", show_default=True,
              help="yaml: the review file (a document of sources/ marked as candidates); jsonl: one JSON object "
                   "per candidate.")
@click.option("--out", type=click.Path(path_type=Path), default=None,
              help="Directory for <name>.candidates.yaml|jsonl and <name>.clean.txt (the cleaned text the "
                   "offsets point into); without it, candidates go to standard output.")
@click.option("--date", "date", default=None, help="The articles' date, YYYY, YYYY-MM or YYYY-MM-DD, when "
              "their front matter gives none; relative dates ('on Friday') are resolved against it.")
@click.option("--publisher", default=None, help="Who published the articles (an entity id or name), when the "
              "front matter gives none.")
@sources_option
@min_confidence_option
def extract(files, fmt, out, date, publisher, sources, min_confidence):
    """Read articles (plain text, Markdown or HTML, optionally with YAML front matter) and propose candidate
    statements, each with its quote, offsets into the cleaned text, date and confidence.

    Nothing is added to the sources: review the candidates with `rightsgraph review`."""
    from graph.extract.run import extract_files

    def say(message: str) -> None:
        click.echo(message, err=True)

    outcome = run_guarded(lambda: extract_files(files, fmt=fmt, out=out, date=date, publisher=publisher,
                                                sources=sources, min_confidence=min_confidence,
                                                report=say), "nothing was extracted")
    if out is None:
        click.echo(outcome.stdout, nl=False)
    if outcome.failed:
        click.echo(f"{outcome.failed} of {len(files)} file{'s' if len(files) != 1 else ''} could not be read; "
                   "the others were extracted", err=True)
        sys.exit(1)


@cli.command()
@click.argument("candidates", type=click.Path(path_type=Path))
@click.option("--accept", "accept", multiple=True, metavar="ID", help="Accept a candidate (repeatable).")
@click.option("--reject", "reject", multiple=True, metavar="ID", help="Reject a candidate (repeatable).")
@click.option("--edit", "edit", multiple=True, nargs=2, metavar="ID KEY=VALUE",
              help="Change a candidate before accepting it, e.g. --edit c1a2b3c4 object=kem-sokha (repeatable; "
                   "KEY= with nothing removes the key).")
@click.option("--interactive", "-i", is_flag=True, help="Ask about each pending candidate in turn.")
@sources_option
@texts_option
def review(candidates, accept, reject, edit, interactive, sources, texts):
    """Accept, reject or edit extracted candidates; write the accepted ones, with their quotes, into the
    sources (checked as `rightsgraph validate` would first). Undecided candidates stay in the file."""
    from graph.extract.review import Decisions, apply_decisions, merge, read_candidates, write_candidates

    data = run_guarded(lambda: read_candidates(candidates), "nothing was written")
    decisions = Decisions(accept=set(accept), reject=set(reject))
    for cid, change in edit:
        key, sep, value = change.partition("=")
        if not sep:
            click.echo(f"error: --edit {cid} {change}: write KEY=VALUE, e.g. object=kem-sokha", err=True)
            sys.exit(1)
        decisions.edit.setdefault(cid, {})[key.strip()] = value.strip()
    if interactive:
        for s in data["statements"]:
            if s["status"] != "candidate" or s["id"] in decisions.accept | decisions.reject:
                continue
            target = s.get("object", s.get("value"))
            click.echo(f"\n{s['id']}  {s['subject']} {s['predicate']} {target}"
                       + (f"  (role: {s['role']})" if s.get("role") else "")
                       + (f"  (according to {s['according_to']})" if s.get("according_to") else "")
                       + (f"  date {s['date']}" if s.get("date") else "")
                       + f"  confidence {s.get('confidence')}\n  \"{s['quote']}\"")
            choice = click.prompt("[a]ccept, [r]eject, [e]dit, [s]kip, [q]uit",
                                  type=click.Choice(["a", "r", "e", "s", "q"]), default="s", show_choices=False)
            if choice == "q":
                break
            if choice == "e":
                while True:
                    change = click.prompt("KEY=VALUE (empty line: done)", default="", show_default=False)
                    if not change:
                        break
                    key, _, value = change.partition("=")
                    decisions.edit.setdefault(s["id"], {})[key.strip()] = value.strip()
                choice = click.prompt("[a]ccept or [s]kip", type=click.Choice(["a", "s"]), default="a")
            if choice == "a":
                decisions.accept.add(s["id"])
            elif choice == "r":
                decisions.reject.add(s["id"])

    def run():
        apply_decisions(data, decisions, candidates)
        done = merge(data, candidates, sources, texts)
        write_candidates(candidates, data)
        return done

    done = run_guarded(run, "nothing was written")
    for path in done.written:
        click.echo(f"wrote {path}")
    click.echo(f"{len(done.merged)} accepted into the sources"
               + (f" (with {len(done.new_entities)} new entit{'y' if len(done.new_entities) == 1 else 'ies'})"
                  if done.new_entities else "")
               + f", {len(done.rejected)} rejected, {len(done.pending)} still to review in {candidates}")


@cli.command()
@sources_option
@click.option("--texts", type=click.Path(path_type=Path), default=None,
              help="Directory with the documents' full texts (the seed articles for the bundled corpus).")
@min_confidence_option
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
@click.option("--lists/--no-lists", default=True, show_default=True,
              help="List the false positives and the misses.")
def evaluate(sources, texts, min_confidence, fmt, lists):
    """Extract from the documents whose texts are given and compare with their curated statements:
    precision, recall and F1 per relation and overall, with the false positives and misses."""
    from graph.extract.evaluate import evaluate as run_evaluation
    from graph.extract.evaluate import format_report
    from sources.load import load_sources

    if texts is None:
        click.echo("error: pass --texts DIR, the directory holding the documents' full texts", err=True)
        sys.exit(1)
    result = run_guarded(lambda: run_evaluation(load_sources(sources), texts, min_confidence), "nothing was written")
    if not result["documents"]:
        click.echo(f"error: none of the documents' texts is in {texts}; pass the right --texts DIR", err=True)
        sys.exit(1)
    if fmt == "json":
        click.echo(json.dumps(result, indent=2, ensure_ascii=False))
    else:
        click.echo(format_report(result, show_lists=lists), nl=False)



if __name__ == "__main__":
    cli()
