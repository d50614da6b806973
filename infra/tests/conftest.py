"""Offline checks of the Terraform under infra/ (run with ``pytest infra/tests``)."""

import sys
from pathlib import Path

# The helpers (tfeval.py, spec_rules.py) are imported as top-level modules.
sys.path.insert(0, str(Path(__file__).resolve().parent))
