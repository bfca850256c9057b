"""Which column fills which participant field: survey wordings are recognised as they are.

A header names a field when, ignoring case, accents, punctuation and spacing, it is the
field's own name or one of its wordings in `SYNONYMS` (the table in docs/intake.md), or it
is `attr:<key>` (any key, for diversity rules). A mapping `{field: header}` overrides the
guess: the field is then read from that header only. Other columns are ignored, each with a
warning, and one close to a known wording gets "did you mean …?" (every message in the
reader's language).
"""

from __future__ import annotations

import difflib
import re
import unicodedata
from dataclasses import dataclass

from intake.issues import Issue, quoted
from solver.messages import render

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


def close_field(header: str) -> str | None:
    """The field of the known wording a header is close to ("did you mean 'seniority'?")."""
    close = difflib.get_close_matches(normalised(header), FIELD_OF, n=1, cutoff=CLOSE)
    return FIELD_OF[close[0]] if close and normalised(header) else None


@dataclass(frozen=True)
class Columns:
    """Field (or `attr:<key>`) → the index and the header of the column it is read from."""

    index: dict[str, int]
    headers: dict[str, str]


def _overridden(
    headers: list[str], columns: dict[str, str], where: tuple[str, int], language: str
) -> tuple[dict[str, int], list[Issue]]:
    """The column each mapped field names; a header the file lacks is an error."""
    found: dict[str, int] = {}
    errors = []
    file, row = where
    for target, wanted in columns.items():
        matches = [
            i for i, header in enumerate(headers) if normalised(header) == normalised(wanted)
        ]
        if len(matches) == 1:
            found[target] = matches[0]
        else:
            key = "intake.column.mapped_twice" if matches else "intake.column.mapped_missing"
            field, header = quoted(target, language), quoted(wanted, language)
            msg = render(language, key, field=field, header=header)
            errors.append(Issue(file, row, wanted, wanted, msg))
    return found, errors


def _ignored(header: str, target: str | None, read_from: dict[str, str], language: str) -> str:
    if target is not None:
        field, other = quoted(target, language), quoted(read_from[target], language)
        return render(language, "intake.column.read_elsewhere", field=field, header=other)
    close = close_field(header)
    if close is None:
        return render(language, "intake.column.ignored")
    return render(language, "intake.column.ignored_close", field=quoted(close, language))


def _two_for_one(target: str, found: list[str], language: str) -> str:
    choice = f"columns={{{target!r}: {found[-1]!r}}}"  # Python, in every language
    both = [quoted(header, language) for header in found]
    field = quoted(target, language)
    return render(language, "intake.column.two_for_one", headers=both, field=field, choice=choice)


def map_columns(
    headers: list[str], columns: dict[str, str], where: tuple[str, int], language: str
) -> tuple[Columns, list[Issue], list[Issue]]:
    """The columns each field is read from, the warnings (ignored columns) and the errors
    (a missing mapped header, two columns for one field, no id); `where` is the file and
    its header row."""
    file, row = where
    index, errors = _overridden(headers, columns, where, language)
    read_from = {target: headers[i] for target, i in index.items()}
    warnings: list[Issue] = []
    claimed: dict[str, list[int]] = {}
    for i, header in enumerate(headers):
        if i in index.values() or not header:
            continue
        target = guessed(header)
        if target is None or target in read_from:
            msg = _ignored(header, target, read_from, language)
            warnings.append(Issue(file, row, header, None, msg))
        else:
            claimed.setdefault(target, []).append(i)
    for target, found in claimed.items():
        if len(found) > 1:
            msg = _two_for_one(target, [headers[i] for i in found], language)
            errors.append(Issue(file, row, headers[found[1]], None, msg))
        index[target] = found[0]
    if "id" not in index:
        errors.append(Issue(file, row, None, None, render(language, "intake.column.no_id")))
    ordered = {target: index[target] for target in sorted(index, key=index.__getitem__)}
    return Columns(ordered, {target: headers[i] for target, i in ordered.items()}), warnings, errors
