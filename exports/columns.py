"""The message keys of the columns and sheets that binome reads back (a manager's own
export given as the current pairs of a re-match, or with a rating column added as
feedback): `intake` recognises these headers in every language binome writes."""

from __future__ import annotations

KIND = "export.column.kind"
MENTOR = "export.column.mentor"
MENTOR_ID = "export.column.mentor_id"
MENTEE = "export.column.mentee"
MENTEE_ID = "export.column.mentee_id"
PAIRS_SHEET = "export.sheet.pairs"
PAIR_KIND = "export.kind.pair"
