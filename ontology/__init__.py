"""The rightsgraph ontology: its Turtle source, the Python names derived from it, and its schema."""

from pathlib import Path

HERE = Path(__file__).parent
ONTOLOGY_PATH = HERE / "rightsgraph.ttl"
SHAPES_PATH = HERE / "shapes.ttl"

NS = "https://w3id.org/rightsgraph/ns#"
"""The ontology's namespace; every class and relation lives under it."""

BASE = "https://w3id.org/rightsgraph/"
"""Where data IRIs are minted: entities, documents, claims and evidence."""
