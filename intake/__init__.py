"""Survey files in: pools from the files program managers have, survey exports as CSV (any
separator and encoding Excel writes) or Excel workbooks, with survey-style headers in
French or English. (`csv_pool` is the earlier reader of exact-header UTF-8 CSVs.)

    from intake import file_at, read_pool
    intake = read_pool(file_at("mentors.csv"), file_at("mentees.xlsx", sheet="Mentorés"))
    request = {**intake.pool, "program": {}}

`read_pool` reads both sides and resolves `preferences` and `avoid` (ids or names of the
other side); `read_people` reads one side. A `File` is (name, bytes), so an HTTP upload and
`file_at(path)` both work. Errors are never raised one at a time: `IntakeError.errors`
holds every problem of both files, each an `Issue` with file, row (the header is row 1),
column, value and a message saying what would be accepted. Every reader takes `language=`
("en", "fr"): messages are the `intake.*` templates of solver/messages/, said in it, and
`Issue.said(language)` locates one the same way ("ligne 12, colonne « Ancienneté »").

`read_current`, `read_feedback` and `read_leaving` read the files of a re-match: the pairs
running now (what `binome match --out` wrote, in any language), feedback on them, and the
people leaving (`intake/pairs.py`, docs/files.md).

The rules (encodings, separators, numbers, yes/no, list cells, languages, names) and the
table of header wordings (`SYNONYMS`) are in docs/intake.md.
"""

from intake.columns import SYNONYMS
from intake.issues import IntakeError, Issue
from intake.leaving import read_leaving
from intake.pairs import read_current, read_feedback
from intake.people import People, read_people
from intake.pool import Intake, file_labels, read_pool
from intake.tables import File, file_at

__all__ = [
    "SYNONYMS",
    "File",
    "Intake",
    "IntakeError",
    "Issue",
    "People",
    "file_at",
    "file_labels",
    "read_current",
    "read_feedback",
    "read_leaving",
    "read_people",
    "read_pool",
]
