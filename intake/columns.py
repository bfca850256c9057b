"""Which column fills which participant field: survey wordings are recognised as they are.

A header names a field when, ignoring case, accents, punctuation and spacing, it is the
field's own name or one of its wordings in `SYNONYMS` (the table in docs/intake.md), or it
is `attr:<key>` (any key, for diversity rules). A mapping `{field: header}` overrides the
guess: the field is then read from that header only. Other columns are ignored, each with a
warning, and one close to a known wording gets "did you mean …?".
"""

from __future__ import annotations

import difflib
import re
import unicodedata
from dataclasses import dataclass

from intake.issues import Issue

ATTRIBUTE = "attr:"
ATTRIBUTE_HEADER = re.compile(r"^\s*attr\s*:\s*(.*?)\s*$", re.IGNORECASE)
SYNONYMS: dict[str, tuple[str, ...]] = {
    "id": ("Identifiant", "Matricule", "Numéro d'employé", "Employee ID", "Employee number"),
    "name": ("Nom", "Nom complet", "Prénom Nom", "Nom Prénom", "Full name"),
    "department": ("Département", "Service", "Direction", "Department"),
    "site": ("Lieu", "Ville", "Localisation", "Location", "Office"),
    "job_family": ("Famille de métiers", "Famille métier", "Métier", "Job family"),
    "seniority": (
        "Ancienneté",
        "Ancienneté (années)",
        "Années d'expérience",
        "Years of experience",
        "Seniority (years)",
    ),
    "languages": ("Langues", "Langues parlées", "Language", "Languages spoken"),
    "timezone": ("Fuseau horaire", "Time zone"),
    "availability": ("Disponibilités", "Disponibilité", "Créneaux", "Available slots"),
    "skills": ("Compétences", "Ce que je peux transmettre", "Expertise", "What I can teach"),
    "goals": ("Objectifs", "Ce que je veux apprendre", "What I want to learn", "Learning goals"),
    "interests": ("Centres d'intérêt", "Loisirs", "Hobbies"),
    "volunteer": ("Volontaire", "Volontariat"),
    "waiting_rounds": ("Tours d'attente", "Rounds waited"),
    "capacity": ("Capacité", "Nombre de mentorés", "Number of mentees", "Max mentees"),
    "manager_id": ("Manager", "Responsable", "Responsable hiérarchique", "Line manager"),
    "preferences": ("Préférences", "Choix", "Preferred mentors", "Preferred mentees"),
    "avoid": ("À éviter", "Personnes à éviter", "Do not match with"),
    "attr:generation": ("Génération", "Generation"),
    "attr:gender": ("Genre", "Gender"),
}
CLOSE = 0.8  # difflib ratio from which an ignored header gets "did you mean"


def normalised(header: str) -> str:
    """A header without case, accents, punctuation or spaces ("Centres d'intérêt" →
    centresdinteret)."""
    stripped = unicodedata.normalize("NFKD", header)
    return "".join(char for char in stripped.casefold() if char.isalnum() and char.isascii())


FIELD_OF: dict[str, str] = {
    normalised(wording): field
    for field, wordings in SYNONYMS.items()
    for wording in (field.removeprefix(ATTRIBUTE), *wordings)
}


def known_target(target: str) -> bool:
    """A field of the contract, or `attr:<key>` with a key."""
    return target in SYNONYMS or (
        target.startswith(ATTRIBUTE) and bool(target[len(ATTRIBUTE) :].strip())
    )


def guessed(header: str) -> str | None:
    """The field a header names on its own, or `attr:<key>`; None for any other column."""
    attribute = ATTRIBUTE_HEADER.match(header)
    if attribute and attribute.group(1):
        return ATTRIBUTE + attribute.group(1)
    return FIELD_OF.get(normalised(header)) if normalised(header) else None


def did_you_mean(header: str) -> str:
    """ "; did you mean 'seniority'?" for a header close to a known wording, else ""."""
    close = difflib.get_close_matches(normalised(header), FIELD_OF, n=1, cutoff=CLOSE)
    return f"; did you mean {FIELD_OF[close[0]]!r}?" if close and normalised(header) else ""


@dataclass(frozen=True)
class Columns:
    """Field (or `attr:<key>`) → the index and the header of the column it is read from."""

    index: dict[str, int]
    headers: dict[str, str]


def _overridden(
    headers: list[str], columns: dict[str, str], file: str, row: int
) -> tuple[dict[str, int], list[Issue]]:
    """The column each mapped field names; a header the file lacks is an error."""
    found: dict[str, int] = {}
    errors = []
    for target, wanted in columns.items():
        matches = [
            i for i, header in enumerate(headers) if normalised(header) == normalised(wanted)
        ]
        if len(matches) == 1:
            found[target] = matches[0]
        else:
            msg = f"columns maps {target!r} to {wanted!r}, which " + (
                "this file has twice" if matches else "this file has no column named"
            )
            errors.append(Issue(file, row, wanted, wanted, msg))
    return found, errors


def _ignored(header: str, target: str | None, read_from: dict[str, str]) -> str:
    if target is not None:
        return f"ignored: columns reads {target!r} from {read_from[target]!r}"
    return "not a participant field: ignored" + did_you_mean(header)


def _two_for_one(target: str, found: list[str]) -> str:
    both = " and ".join(repr(header) for header in found)
    choice = f"columns={{{target!r}: {found[-1]!r}}}"
    return f"columns {both} both fill {target!r}: keep one, or name the one to read ({choice})"


def map_columns(
    headers: list[str], columns: dict[str, str], file: str, row: int
) -> tuple[Columns, list[Issue], list[Issue]]:
    """The columns each field is read from, the warnings (ignored columns) and the errors
    (a missing mapped header, two columns for one field, no id)."""
    index, errors = _overridden(headers, columns, file, row)
    read_from = {target: headers[i] for target, i in index.items()}
    warnings: list[Issue] = []
    claimed: dict[str, list[int]] = {}
    for i, header in enumerate(headers):
        if i in index.values() or not header:
            continue
        target = guessed(header)
        if target is None or target in read_from:
            warnings.append(Issue(file, row, header, None, _ignored(header, target, read_from)))
        else:
            claimed.setdefault(target, []).append(i)
    for target, found in claimed.items():
        if len(found) > 1:
            msg = _two_for_one(target, [headers[i] for i in found])
            errors.append(Issue(file, row, headers[found[1]], None, msg))
        index[target] = found[0]
    if "id" not in index:
        msg = "no id column (e.g. 'Identifiant', 'Matricule', 'Employee ID' or 'id')"
        errors.append(Issue(file, row, None, None, msg))
    ordered = {target: index[target] for target in sorted(index, key=index.__getitem__)}
    return Columns(ordered, {target: headers[i] for target, i in ordered.items()}), warnings, errors
