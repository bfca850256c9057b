"""Which column of a pairs or feedback file holds what, as binome writes them (in any of
its languages) and as managers name them by hand.

A pair is read from a mentor column and a mentee column: the id columns binome writes
(`Mentor id`, `Identifiant mentoré·e`) win; otherwise a `Mentor` or `Mentoré·e` column
holding ids or exact names. Headers compare without case, accents, punctuation or spaces,
as participant headers do. A binome CSV holds more than pairs: its first column (`Row`,
`Ligne`) says which rows are pairs.
"""

from __future__ import annotations

from dataclasses import dataclass

import exports.columns as written
from intake.columns import normalised
from intake.issues import Issue, quoted
from intake.tables import Table
from solver.messages import DEFAULT_LANGUAGE, available_languages, catalogue, render

WORDINGS: dict[str, tuple[str, ...]] = {
    "mentor_id": ("Mentor ID", "ID mentor", "Identifiant du mentor"),
    "mentee_id": ("Mentee ID", "ID mentoré", "ID mentee", "Identifiant du mentoré"),
    "mentor": ("Nom du mentor", "Mentor name"),
    "mentee": ("Mentoré", "Mentorée", "Mentoré(e)", "Nom du mentoré", "Mentee name"),
    "rating": ("Note", "Note (1-5)", "Note (1 à 5)", "Note sur 5", "Évaluation", "Rating"),
    "end": ("Fin", "Fin du binôme", "Arrêter", "Arrêter le binôme", "Mettre fin", "End"),
    "by": ("Par", "Demandé par", "Fin demandée par", "By", "Requested by", "Ended by"),
    "comment": ("Commentaire", "Commentaires", "Remarque", "Remarques", "Comment", "Comments"),
}
WRITTEN = {
    "kind": written.KIND,
    "mentor_id": written.MENTOR_ID,
    "mentee_id": written.MENTEE_ID,
    "mentor": written.MENTOR,
    "mentee": written.MENTEE,
}
SIDES = ("mentor", "mentee")


def in_every_language(key: str) -> set[str]:
    """A message key's text in each language binome speaks, normalised."""
    return {normalised(catalogue(language)[key]) for language in available_languages()}


def field_of(header: str) -> str | None:
    """The field a header names, or None."""
    wanted = normalised(header)
    for field, key in WRITTEN.items():
        if wanted in in_every_language(key) or wanted == normalised(field):
            return field
    found = [field for field, words in WORDINGS.items() if wanted in map(normalised, words)]
    return found[0] if found else None


@dataclass(frozen=True)
class PairColumns:
    """Field → column index; `by_id[side]` says whether that side's column holds ids only."""

    index: dict[str, int]
    headers: dict[str, str]
    by_id: dict[str, bool]


def _sides(
    index: dict[str, int], table: Table, language: str
) -> tuple[dict[str, int], list[Issue]]:
    """Each side's column: its id column, or its name-or-id column."""
    chosen, errors = dict(index), []
    for side in SIDES:
        if f"{side}_id" in chosen:
            chosen.pop(side, None)
            chosen[side] = chosen.pop(f"{side}_id")
        elif side not in chosen:
            msg = render(
                language,
                "intake.pair.no_column",
                field=render(language, f"intake.pair.field.{side}"),
                example=quoted(catalogue(language)[WRITTEN[side]], language),
                id_field=f"{side}_id",
            )
            errors.append(Issue(table.file, table.header_row, None, None, msg))
    return chosen, errors


def pair_columns(
    table: Table, wanted: tuple[str, ...], language: str = DEFAULT_LANGUAGE
) -> tuple[PairColumns, list[Issue]]:
    """The columns of the fields wanted (and the sides), and the errors: a side with no
    column, two columns for one field (said in `language`)."""
    index: dict[str, int] = {}
    errors = []
    for i, header in enumerate(table.headers):
        field = field_of(header) if header else None
        if field is None or field not in (*wanted, "kind", *SIDES, "mentor_id", "mentee_id"):
            continue
        if field in index:
            msg = render(
                language,
                "intake.pair.two_columns",
                first=quoted(table.headers[index[field]], language),
                second=quoted(header, language),
                field=render(language, f"intake.pair.field.{field}"),
            )
            errors.append(Issue(table.file, table.header_row, header, None, msg))
            continue
        index[field] = i
    by_id = {side: f"{side}_id" in index for side in SIDES}
    sides, missing = _sides(index, table, language)
    headers = {field: table.headers[i] for field, i in sides.items()}
    return PairColumns(sides, headers, by_id), errors + missing


def is_pair_row(kind: str | None) -> bool:
    """Whether a row of a binome CSV is a pair (its first column says so, in any language)."""
    return kind is None or normalised(kind) in in_every_language(written.PAIR_KIND)


def is_pairs_sheet(name: str) -> bool:
    return normalised(name) in in_every_language(written.PAIRS_SHEET)
