"""From curated statements to RDF, and from RDF to stores, serialisations and statistics."""

__version__ = "0.1.0"
