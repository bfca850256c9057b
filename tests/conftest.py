"""Suite-wide settings: property tests are derandomized, so CI runs the same examples every
time (a red build always reproduces); set HYPOTHESIS_PROFILE=explore to search afresh."""

from __future__ import annotations

import os

from hypothesis import settings

settings.register_profile("ci", derandomize=True, print_blob=True)
settings.register_profile("explore", derandomize=False, print_blob=True)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))
