"""binome's codes in words, in the caller's language: metrics, statuses, roles, reasons,
criteria. Every word comes from the message files (`solver/messages/*.json`).

A code the message files do not know yet (a reason a newer solver gives) reads as the
code itself rather than failing a whole export; a test checks that every code the solver
gives has its words.
"""

from __future__ import annotations

from solver.messages import catalogue, render

CROSS_SHARE = "cross_share."


def _known(language: str, key: str) -> bool:
    return key in catalogue(language)


def capitalised(text: str) -> str:
    return text[:1].upper() + text[1:]


def attribute_name(language: str, attribute: str) -> str:
    """A diversity attribute in words ("department" → "département")."""
    return catalogue(language).get(f"attribute.{attribute}", attribute)


def _metric_words(language: str, metric: str, suffix: str) -> str | None:
    """The message `metric.<metric><suffix>`, or for a cross share of any attribute
    `metric.cross_share<suffix>` with the attribute in words; None when there is none."""
    if _known(language, f"metric.{metric}{suffix}"):
        return render(language, f"metric.{metric}{suffix}")
    if metric.startswith(CROSS_SHARE):
        attribute = attribute_name(language, metric.removeprefix(CROSS_SHARE))
        return render(language, f"metric.cross_share{suffix}", attribute=attribute)
    return None


def metric_label(language: str, metric: str) -> str:
    """A metric's name in words: `cross_share.site` → "Pairs across sites"."""
    return _metric_words(language, metric, "") or metric


def metric_help(language: str, metric: str) -> str:
    """What a metric means, in one sentence."""
    return _metric_words(language, metric, ".help") or ""


def status_word(language: str, status: str) -> str:
    """A status in a word or two: "proven optimal", "best found", "impossible"."""
    key = f"status.{status}"
    return render(language, key) if _known(language, key) else status


def status_sentence(language: str, status: str, gap: str, conflicts: list[str]) -> str:
    """A status with what qualifies it: the gap of a best-found answer (already written as
    a percentage), the conflicts of an impossible request."""
    if status == "feasible":
        return render(language, "status.feasible.gap", gap=gap)
    if status == "infeasible" and conflicts:
        separator = catalogue(language)["reason_separator"]
        return render(language, "status.infeasible.conflicts", conflicts=separator.join(conflicts))
    return status_word(language, status)


def role_word(language: str, role: str) -> str:
    key = f"role.{role}"
    return render(language, key) if _known(language, key) else role


def unmatched_reason(language: str, reason: str) -> str:
    """Why someone is unmatched, in a few words (the detail says the rest)."""
    key = f"reason.unmatched.{reason}"
    return render(language, key) if _known(language, key) else reason


def criterion_header(language: str, criterion: str) -> str:
    """A criterion as a column header: "Goals", "Objectifs"."""
    return capitalised(catalogue(language).get(f"criterion.{criterion}", criterion))


def criteria_in_order(language: str, found: set[str]) -> list[str]:
    """The criteria found, in the order the message files list them (then any other)."""
    listed = [
        key.removeprefix("criterion.")
        for key in catalogue(language)
        if key.startswith("criterion.")
    ]
    ordered = [name for name in listed if name in found]
    return ordered + sorted(found - set(ordered))


def word(language: str, key: str, **params: object) -> str:
    return render(language, key, **params)
