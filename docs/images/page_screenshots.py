"""The screenshots of docs/page.md: the French journey of the browser tests, run with
BINOME_PAGE_SCREENSHOTS=1 so that each step writes docs/images/page-<step>.png.

    python docs/images/page_screenshots.py
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
TESTS = [
    "tests/browser/test_page.py::test_the_whole_journey_in_french",
    "tests/browser/test_page.py::test_a_feedback_file_is_re_matched_in_french",
    "tests/browser/test_page.py::test_the_page_never_scrolls_sideways",
]

if __name__ == "__main__":
    env = {**os.environ, "BINOME_PAGE_SCREENSHOTS": "1"}
    sys.exit(subprocess.call([sys.executable, "-m", "pytest", "-q", *TESTS], cwd=ROOT, env=env))
