import sys
from pathlib import Path

# The tests import their small helper modules (fixture_docs) by name.
sys.path.insert(0, str(Path(__file__).resolve().parent))
