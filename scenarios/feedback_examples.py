"""The example feedback files, written as a program manager's tools save them:
`python -m scenarios.feedback_examples`.

Mid-year feedback on pairs of the bundled company's first match (`company_pool.json`),
one row per pair, people named by their exact name (by id where two people of one side
share it):

- `company_feedback_fr.csv`: French Excel's "CSV UTF-8": a byte-order mark, `;`, French
  headers, `Oui`/`Non`, and the survey tool's `Horodateur` column (ignored when read);
- `company_feedback.xlsx`: the same feedback in a workbook with English headers, ratings
  as numbers and the end as Excel booleans.

The comments are free text: binome never logs them nor writes them out.
"""

from __future__ import annotations

import codecs
import csv
import io
import json
from collections import Counter
from pathlib import Path
from typing import Any

import openpyxl

from solver import MatchRequest, match

EXAMPLES = Path(__file__).resolve().parent / "examples"
# mentee, rating, end, asked by, comment (French, English)
FEEDBACK: list[tuple[str, int | None, bool, str | None, tuple[str, str] | None]] = [
    ("e0061", 1, False, None, ("Nous n'avons jamais trouvé de créneau", "We never found a slot")),
    ("e0077", 5, False, None, ("Très utile, merci !", "Very helpful, thank you!")),
    ("e0059", None, True, "mentor", None),
    ("e0041", 3, False, None, None),
    ("e0010", 4, False, None, ("Bonne dynamique", "Going well")),
    ("e0020", 2, False, None, None),
]
FRENCH = ("Horodateur", "Mentor", "Mentoré·e", "Note (1 à 5)", "Fin du binôme", "Demandé par")
ENGLISH = ("Mentor", "Mentee", "Rating", "End", "Requested by", "Comment")
ASKED_BY_FR = {"mentor": "Mentor", "mentee": "Mentoré·e", "manager": "Responsable"}


def _names(people: list[dict[str, Any]]) -> dict[str, str]:
    """Each person's exact name, or their id when someone else of their side bears it."""
    count = Counter(person.get("name") for person in people)
    return {
        p["id"]: p["name"] if p.get("name") and count[p["name"]] == 1 else p["id"] for p in people
    }


def rows() -> list[list[Any]]:
    """(mentor, mentee, rating, end, by, comment in French, in English) per feedback."""
    pool = json.loads((EXAMPLES / "company_pool.json").read_text("utf-8"))
    mentor_of = {p.mentee: p.mentor for p in match(MatchRequest.model_validate(pool)).pairings}
    mentors, mentees = _names(pool["mentors"]), _names(pool["mentees"])
    found = []
    for mentee, rating, end, by, comment in FEEDBACK:
        french, english = comment or (None, None)
        names = [mentors[mentor_of[mentee]], mentees[mentee]]
        found.append([*names, rating, end, by, french, english])
    return found


def french_csv(feedback: list[list[Any]]) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";", lineterminator="\r\n")
    writer.writerow([*FRENCH, "Commentaire"])
    for k, (mentor, mentee, rating, end, by, french, _) in enumerate(feedback):
        stamp = f"15/06/2025 {9 + k:02d}:12"
        said_by = ASKED_BY_FR[by] if by else ""
        writer.writerow(
            [stamp, mentor, mentee, rating or "", "Oui" if end else "Non", said_by, french or ""]
        )
    return codecs.BOM_UTF8 + out.getvalue().encode("utf-8")


def english_workbook(feedback: list[list[Any]], path: Path) -> None:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "Feedback"
    sheet.append(list(ENGLISH))
    for mentor, mentee, rating, end, by, _, english in feedback:
        sheet.append([mentor, mentee, rating, end, by, english])
    book.save(path)


def main() -> None:
    feedback = rows()
    (EXAMPLES / "company_feedback_fr.csv").write_bytes(french_csv(feedback))
    english_workbook(feedback, EXAMPLES / "company_feedback.xlsx")


if __name__ == "__main__":
    main()
