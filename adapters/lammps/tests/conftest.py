"""pytest fixtures of the LAMMPS adapter tests; the helpers live in lmp_helpers.py."""

import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from lmp_helpers import watched  # noqa: E402,F401  (fixture)
