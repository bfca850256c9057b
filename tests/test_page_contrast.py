"""The manager's page passes WCAG 2.1 AA contrast: every colour of api/page/style.css is a
custom property of `:root`, and each text colour against each background it is drawn on
reaches 4.5:1 (normal text), each focus indicator and form-field border 3:1 (WCAG 1.4.11);
the chart's colours too (api/page/js/chart.js). No browser needed: the colours are read
from the files the page is served from."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

PAGE = Path(__file__).resolve().parents[1] / "api" / "page"
CSS = (PAGE / "style.css").read_text("utf-8")
CHART = (PAGE / "js" / "chart.js").read_text("utf-8")
ROOT_BLOCK = re.search(r":root\s*\{(.*?)\}", CSS, re.S)
assert ROOT_BLOCK, "style.css declares its colours in :root"
COLOURS = dict(re.findall(r"--([\w-]+):\s*(#[0-9a-fA-F]{6})\b", ROOT_BLOCK.group(1)))

TEXT, NON_TEXT = 4.5, 3.0
BACKGROUNDS = ["bg", "panel", "selected"]  # the page, the header/cards/table heads, a locked row
# (foreground, background, minimum, what is drawn so)
PAIRS = [
    *[("ink", back, TEXT, "body text, headings, table cells") for back in BACKGROUNDS],
    *[("muted", back, TEXT, "muted text: privacy, captions, hints") for back in BACKGROUNDS],
    *[("accent", back, TEXT, "links and buttons' text") for back in BACKGROUNDS],
    ("accent-ink", "accent", TEXT, "the primary button's text"),
    ("ink", "field", TEXT, "what is typed in a field"),
    *[(kind, "bg", TEXT, "errors, successes, warnings") for kind in ("bad", "good", "warn")],
    *[(kind, "panel", TEXT, "the same in a card") for kind in ("bad", "good", "warn")],
    *[
        ("focus", back, NON_TEXT, "the focus outline (drawn outside the control)")
        for back in BACKGROUNDS
    ],
    ("line-ui", "field", NON_TEXT, "a form field's border"),
    ("line-ui", "bg", NON_TEXT, "a drop zone's border"),
]
DECORATIVE = {"line"}  # separators between rows and sections: not needed to use the page


def luminance(colour: str) -> float:
    channels = [int(colour[k : k + 2], 16) / 255 for k in (1, 3, 5)]
    linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def contrast(one: str, other: str) -> float:
    light, dark = sorted([luminance(one), luminance(other)], reverse=True)
    return (light + 0.05) / (dark + 0.05)


def test_the_ratio_is_wcag_s() -> None:
    assert contrast("#000000", "#ffffff") == pytest.approx(21)
    assert contrast("#767676", "#ffffff") == pytest.approx(4.54, abs=0.01)  # the known AA grey


@pytest.mark.parametrize(("fore", "back", "minimum", "what"), PAIRS)
def test_each_colour_reads_on_its_background(
    fore: str, back: str, minimum: float, what: str
) -> None:
    ratio = contrast(COLOURS[fore], COLOURS[back])
    assert ratio >= minimum, f"{what}: --{fore} on --{back} is {ratio:.2f}:1 < {minimum}:1"


def test_every_colour_is_a_custom_property_that_is_checked() -> None:
    rest = CSS.replace(ROOT_BLOCK.group(0), "")
    assert re.findall(r"#[0-9a-fA-F]{3,8}\b|\brgba?\(|\bhsla?\(", rest) == []
    declared = re.findall(r"--([\w-]+):", ROOT_BLOCK.group(1))
    assert sorted(COLOURS) == sorted(declared)  # every property a 6-digit colour
    used = set(re.findall(r"var\(--([\w-]+)\)", CSS))
    assert used <= COLOURS.keys()
    checked = {name for fore, back, *_ in PAIRS for name in (fore, back)}
    assert COLOURS.keys() - checked == DECORATIVE


def test_the_chart_reads_on_the_page() -> None:
    texts = re.findall(r'node\("text", \{[^}]*fill: "(#[0-9a-fA-F]{6})"', CHART)
    track, bar = re.findall(r'node\("rect", \{[^}]*fill: "(#[0-9a-fA-F]{6})"', CHART)
    assert texts
    for fill in texts:
        assert contrast(fill, COLOURS["bg"]) >= TEXT
    assert contrast(bar, track) >= NON_TEXT  # a bar's length is read against its track
    assert contrast(bar, COLOURS["bg"]) >= NON_TEXT
