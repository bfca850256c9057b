"""The French of the message files keeps one vocabulary (docs/french.md): `binôme`, `mentor`,
`mentoré·e`, `apparier`; no sentence names an API field; both files hold the same keys with
the same placeholders; French typography comes out of `typeset`, also in the terminal."""

from __future__ import annotations

import re

import pytest
from pydantic import BaseModel

from cli.text import printable
from solver import MatchRequest, MatchResponse, SolveOptions, match
from solver.contract.request import Diversity, Participant, Program, RematchPolicy, Rules
from solver.contract.response import Conflict, Metrics, Pairing, Unmatched
from solver.messages import PLURAL, catalogue, render

SETTINGS = {"decimal", "list_separator", "reason_separator", "plural_rule"}  # not sentences
# Messages about files (intake.*) name the contract's fields on purpose (a column is read
# into a field) and quote examples after a colon: they follow the glossary, not these rules.
ABOUT_FILES = "intake."

# A word the glossary replaced, and the word it chose (docs/french.md).
REPLACED = {
    r"\bpaires?\b": "binôme (a blocking pair: binôme bloquant)",
    r"\bassoci": "apparier, apparié·e",
    r"\bcomplets?\b": "n'a plus de place",
    r"mentoré(?!·)": "mentoré·e, mentoré·es",
    r"\bappari(?:ée|és|ées)\b": "apparié·e, apparié·es",
    r"\bfixée?s?\b": "binôme imposé",
    r"liste d'exclusion": "personnes à éviter",
    r"\bcapacité": "places",
    r"\bcompatibilité": "score",
    r"réappariement": "nouvel appariement",
    r"\bscénarios? what-if|\bwhat-if": "scénario",
}

PLACEHOLDER = re.compile(r"\{(\w+)[|}]")


def sentences(language: str, files: bool = False) -> dict[str, str]:
    """The language's sentences; those about files too when `files`."""
    return {
        key: value
        for key, value in catalogue(language).items()
        if key not in SETTINGS and (files or not key.startswith(ABOUT_FILES))
    }


def forms(template: str) -> list[str]:
    """A template's sentences, one per plural form, without their placeholders."""
    said = [PLURAL.sub(lambda m, k=k: m[k], template) for k in (2, 3)]
    return [re.sub(r"\{\w+\}", "", s) for s in said]


def field_names() -> set[str]:
    models: list[type[BaseModel]] = [MatchRequest, Participant, Program, Rules, Diversity]
    models += [RematchPolicy, MatchResponse, Pairing, Unmatched, Conflict, Metrics]
    return {name for model in models for name in model.model_fields}


@pytest.mark.parametrize("pattern", sorted(REPLACED))
def test_no_french_sentence_uses_a_word_the_glossary_replaced(pattern: str) -> None:
    found = {
        key: value
        for key, value in sentences("fr", files=True).items()
        if re.search(pattern, value, re.IGNORECASE)
    }
    assert found == {}, f"say {REPLACED[pattern]!r} instead"


def test_the_glossary_s_words_are_the_ones_said() -> None:
    fr = catalogue("fr")
    assert (fr["role.mentee"], fr["role.mentor"], fr["export.kind.pair"]) == (
        "mentoré·e",
        "mentor",
        "binôme",
    )
    assert fr["metric.matched_mentees"] == "Mentoré·es apparié·es"
    assert fr["metric.blocking_pairs"] == "Binômes bloquants"
    assert fr["rule.avoid"] == "personnes à éviter"
    assert fr["rule.no_reporting_line"] == "lien hiérarchique"
    assert "n'a plus de place" in render("fr", "unmatched.capacity", n=1, items=["m1"])


@pytest.mark.parametrize("language", ["en", "fr"])
def test_no_sentence_names_an_api_field(language: str) -> None:
    fields = field_names()
    found = {}
    for key, value in sentences(language).items():
        for said in forms(value):
            words = set(re.findall(r"[A-Za-z_]+(?:\.[a-z_]+)*", said))
            codes = {w for w in words if "_" in w or "." in w or (f"({w})" in said)}
            pointers = re.findall(r"\((?:see|voir)\b[^)]*\)", said)
            if codes & fields or any("." in w for w in codes) or pointers:
                found[key] = value
    assert found == {}


@pytest.mark.parametrize("language", ["en", "fr"])
def test_a_template_puts_one_colon_in_a_sentence_at_most(language: str) -> None:
    said = sentences(language)
    found = {k: v for k, v in said.items() if any(f.count(":") > 1 for f in forms(v))}
    assert found == {}


@pytest.mark.parametrize("language", ["en", "fr"])
def test_rules_listed_after_a_colon_hold_none_themselves(language: str) -> None:
    """Rules and program rules are listed after "exclus par :" or "incompatible avec :"."""
    found = {k: v for k, v in sentences(language).items() if k.startswith("rule.") and ":" in v}
    assert found == {}


def test_every_key_is_in_both_languages_with_the_same_placeholders() -> None:
    en, fr = catalogue("en"), catalogue("fr")
    assert sorted(set(en) ^ set(fr)) == []
    differ = {
        key: (en[key], fr[key])
        for key in en
        if set(PLACEHOLDER.findall(en[key])) != set(PLACEHOLDER.findall(fr[key]))
    }
    assert differ == {}


def test_french_punctuation_is_spaced_for_typeset_and_never_by_hand() -> None:
    """`typeset` puts the no-break space where the template has a space: "a : b", not "a: b"."""
    for language in ("en", "fr"):
        assert [k for k, v in catalogue(language).items() if re.search("[\u00a0\u202f]", v)] == []
    unspaced = {
        k: v for k, v in sentences("fr", files=True).items() if re.search(r"[^\s{][:;?!](\s|$)", v)
    }
    assert unspaced == {}


def test_french_plurals_agree_below_two() -> None:
    assert render("fr", "rule.max_same", k=1, attribute="site").startswith("au plus 1 des")
    assert "mentor peut avoir" in render("fr", "rule.max_same", k=1, attribute="site")
    said = render("fr", "unmatched.mentor.not_needed", n=1)
    assert said == "l'unique mentoré·e éligible est apparié·e à un autre mentor"
    assert render("fr", "interests.shared", n=1, items=["échecs"]) == (
        "centre d'intérêt commun\u00a0: échecs"
    )
    assert render("en", "interests.shared", n=1, items=["chess"]) == "shared interest: chess"


def tiny_pool() -> MatchRequest:
    return MatchRequest.model_validate(
        {
            "mentors": [
                {"id": "m1", "name": "Claire Martin", "capacity": 1, "languages": ["fr"]},
                {"id": "m2", "name": "Hugo Petit", "capacity": 0, "languages": ["fr"]},
            ],
            "mentees": [
                {"id": "e1", "name": "Léa Bernard", "languages": ["fr"], "goals": ["écoute"]},
                {"id": "e2", "name": "Noé Roux", "languages": ["fr"]},
            ],
            "program": {"pinned": [{"mentor": "m1", "mentee": "e1"}]},
        }
    )


def test_a_french_answer_reads_in_the_glossary_s_words() -> None:
    answer = match(tiny_pool(), SolveOptions(language="fr"))
    [pair] = answer.pairings
    assert pair.explanation.startswith(
        "Binôme imposé par le ou la responsable du programme. "
        "Claire Martin (m1) accompagne Léa Bernard (e1), score 0,"
    )
    details = {u.id: u.detail for u in answer.unmatched}
    assert details["m2"] == "0 place\u00a0: n'accueille pas de mentoré·e ce tour-ci"
    assert details["e2"] == "le seul mentor éligible n'a plus de place\u00a0: Claire Martin (m1)"


def test_the_terminal_shows_french_no_break_spaces_not_question_marks() -> None:
    assert printable("a\u00a0: b\u202f; c\x1b[2J\n") == "a\u00a0: b\u202f; c?[2J?"
    said = render("fr", "rematch.moved.to", mentor="m1")
    assert printable(said) == said
    assert said.startswith("réaffecté·e à m1\u00a0: un meilleur binôme, qui rapporte plus")
