"""What the contract (`solver.contract.request.Participant`) refuses in a row, said in the
reader's language: the refusals a survey file can meet (a number out of bounds, text or a
list too long, an unknown time zone) have their sentence in the message files; any other
says pydantic's own words.
"""

from __future__ import annotations

from typing import Any

from intake.issues import shown
from solver.messages import render

BOUNDS = {"less_than_equal": "le", "greater_than_equal": "ge"}


def _refusal(error: Any, value: Any, language: str) -> tuple[str, bool]:
    """The sentence for one pydantic error, and whether it quotes the value already."""
    kind, ctx = error["type"], error.get("ctx") or {}
    if kind in BOUNDS and BOUNDS[kind] in ctx:
        return render(language, f"intake.contract.{kind}", limit=ctx[BOUNDS[kind]]), False
    if kind == "string_too_long" and "max_length" in ctx:
        return render(language, "intake.contract.string_too_long", limit=ctx["max_length"]), False
    if kind == "too_long" and "max_length" in ctx:
        limit, actual = ctx["max_length"], ctx.get("actual_length", "?")
        return render(language, "intake.contract.too_long", limit=limit, actual=actual), False
    if kind == "value_error" and error["loc"][:1] == ("timezone",):
        return render(language, "intake.contract.timezone", value=shown(value, language)), True
    msg = str(error["msg"]).removeprefix("Value error, ")
    return msg, shown(value, language) in msg


def refused(error: Any, value: Any, language: str) -> str:
    """The message of one pydantic error on a cell (or one item of a list cell)."""
    msg, quotes_value = _refusal(error, value, language)
    rest = error["loc"][1:]
    if rest and isinstance(rest[0], int):
        msg = render(language, "intake.contract.item", n=rest[0] + 1, msg=msg)
    if not quotes_value:
        msg = render(language, "intake.contract.got", msg=msg, value=shown(value, language))
    return msg
