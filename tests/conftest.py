"""Shared fixtures: the bundled corpus, the small test corpus and a synthetic corpus, built once per session."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from graph.build import build
from sources import BUNDLED
from sources.synth import synthesise

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = Path(__file__).parent / "fixtures"
SEEDS = Path(os.environ.get("RIGHTSGRAPH_SEEDS", ROOT.parent / "shared" / "seeds"))
IN_CI = os.environ.get("CI") == "true"
SYNTH_STATEMENTS = 6000


def pytest_addoption(parser):
    parser.addoption("--update-golden", action="store_true",
                     help="rewrite the golden files in tests/golden from the current output")


@pytest.fixture(scope="session")
def update_golden(request) -> bool:
    return request.config.getoption("--update-golden")


def require(condition: bool, reason: str) -> None:
    """Skip on a developer's laptop when a tool is missing; in CI a missing tool is a failure."""
    if not condition:
        if IN_CI:
            pytest.fail(f"{reason} (CI must install it)")
        pytest.skip(reason)


@pytest.fixture(scope="session")
def seeds() -> Path:
    require(SEEDS.is_dir(), f"seed articles not found at {SEEDS}")
    return SEEDS


@pytest.fixture(scope="session")
def bundled_build(tmp_path_factory, seeds) -> Path:
    """The bundled CNRP corpus, quotes checked against the seed texts, built into a temporary directory."""
    out = tmp_path_factory.mktemp("bundled") / "build"
    build(BUNDLED, out, texts=seeds)
    return out


@pytest.fixture(scope="session")
def small_build(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("small") / "build"
    build(FIXTURES / "good", out, texts=FIXTURES / "texts")
    return out


@pytest.fixture(scope="session")
def synth_corpus(tmp_path_factory) -> tuple[Path, dict]:
    """A synthetic corpus (`rightsgraph synth`, seed 1) with every kind of fact the named questions ask about."""
    out = tmp_path_factory.mktemp("synth")
    return out / "sources", synthesise(SYNTH_STATEMENTS, out / "sources", seed=1, fmt="jsonl")


@pytest.fixture(scope="session")
def synth_build(synth_corpus) -> Path:
    sources, _ = synth_corpus
    out = sources.parent / "build"
    build(sources, out, texts=sources / "texts", shacl=False)
    return out


@pytest.fixture
def good_sources(tmp_path) -> Path:
    """A writable copy of the small test corpus, for tests that break it."""
    dest = tmp_path / "sources"
    shutil.copytree(FIXTURES / "good", dest)
    return dest
