"""The bundled sources (entity registry and curated documents) and the code that reads and checks them."""

from pathlib import Path

BUNDLED = Path(__file__).parent
"""The sources directory shipped with the package: the CNRP corpus."""
