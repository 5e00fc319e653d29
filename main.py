"""The rightsgraph command line: build, check and explore a knowledge graph of political repression."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import click

from graph import __version__
from graph.writers import OutputError
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


def run_guarded(fn, what: str):
    """Turn the library's typed errors into messages and exit codes; never a traceback for a user's mistake."""
    try:
        return fn()
    except SourcesError as e:
        fail(e.problems, what)
    except OutputError as e:
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
def build(sources: Path, texts: Path | None, out: Path, shacl: bool | None):
    """Check the sources and build the RDF graph: graph.trig, graph.nq, graph.ttl and an Oxigraph store."""
    import time

    from graph.build import build as run_build

    start = time.perf_counter()
    manifest = run_guarded(lambda: run_build(sources, out, texts, shacl),
                           f"nothing was written ({out} is unchanged)")
    c = manifest["counts"]
    click.echo(f"built {out}/ in {time.perf_counter() - start:.1f}s: {c['entities']} entities, "
               f"{c['claims']} claims from {c['statements']} statements in {c['documents']} documents "
               f"({c['corroborated_claims']} claims supported by more than one document)")


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

    result = run_guarded(lambda: compute(open_store(build_dir)), "")
    if fmt == "json":
        click.echo(json.dumps(result, indent=2, ensure_ascii=False))
    else:
        click.echo(format_text(result), nl=False)


@cli.command()
@click.option("--statements", "n", type=click.IntRange(min=1), required=True,
              help="How many statements to write (e.g. 1000000).")
@click.option("--seed", type=int, default=0, show_default=True, help="The same seed gives the same files.")
@click.option("--out", type=click.Path(path_type=Path, file_okay=False), required=True,
              help="Directory to write: entities.yaml, documents/ and texts/ (must not exist or be empty).")
def synth(n: int, seed: int, out: Path):
    """Write a synthetic sources directory shaped like a real corpus, for benchmarks and load tests:
    power-law participation, parties with thousands of members, mass trials with hundreds of
    co-defendants, NGOs commenting on many cases, facts repeated by several documents."""
    from sources.synth import synthesise

    if out.exists() and any(out.iterdir()):
        click.echo(f"error: {out} is not empty; choose a new --out", err=True)
        sys.exit(1)
    made = synthesise(n, out, seed)
    click.echo(f"wrote {out}/: {made['statements']} statements in {made['documents']} documents, "
               f"{made['entities']} entities (texts in {out}/texts)")


# --- SPARQL commands: query, queries, serve, push, export (graph/sparql.py, graph/endpoint.py) ---

# --- network analysis commands: report (graph/network.py, graph/report.py) ---

# --- HTML view command: view (graph/view.py) ---

# --- extraction commands: extract, review, evaluate (graph/extract/) ---


if __name__ == "__main__":
    cli()
