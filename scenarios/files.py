"""Scenario files: a base pool, its variants and what the manager expects of each, in YAML.

    title: What if capacity drops to 2?
    base:
      request: examples/company_pool.json         # a match request (JSON), or
      # csv: {mentors: m.csv, mentees: e.csv, program: {...}, columns: {id: Employee ID}}
      # inline: {mentors: [...], mentees: [...], program: {...}}
      expect: [match_rate >= 0.75]
    variants:
      - name: capacity 2
        patch: {program: {mentor_capacity: 2}}     # JSON Merge Patch on the base request
        add_mentors: examples/new_mentors.json     # a list, or a JSON file holding one
        remove: [m0001]                            # ids leaving, either side
        expect: [match_rate >= 0.7, unmatched_mentees <= 25, status == optimal]

Paths are relative to the scenario file. An expectation is `metric op value` with
op one of >=, <=, ==, !=, >, <; metrics are those of `whatif.flat_metrics` plus
`status` and (variants) `changed_pairs`.
"""

from __future__ import annotations

import json
import operator
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError

from solver.contract.whatif import Outcome, ScenarioRequest, ScenarioResponse, VariantOutcome
from solver.whatif import flat_metrics as flat

COMPARE = {
    ">=": operator.ge,
    "<=": operator.le,
    "==": operator.eq,
    "!=": operator.ne,
    ">": operator.gt,
    "<": operator.lt,
}
Check = tuple[str, str, bool]  # scenario name, expectation, met
EXPECTATION = re.compile(r"^\s*([\w.]+)\s*(>=|<=|==|!=|>|<)\s*(\S+)\s*$")


class ScenarioFileError(ValueError):
    """A scenario file that cannot be read; the message names the file and the place."""


@dataclass(frozen=True)
class Scenario:
    title: str
    request: ScenarioRequest
    expectations: dict[str, list[str]]  # scenario name ("base" or a variant's) → texts


def json_file(path: Path) -> Any:
    try:
        return json.loads(path.read_text("utf-8"))
    except (OSError, json.JSONDecodeError) as exc:
        raise ScenarioFileError(f"{path}: {exc}") from exc


def compare_value(value: float | str, op: str, wanted: str) -> bool:
    """`value op wanted`, numerically unless the value is a word (status)."""
    if isinstance(value, str):
        return bool(COMPARE[op](value, wanted))
    try:
        return bool(COMPARE[op](value, float(wanted)))
    except ValueError:
        return False


def _base(spec: Any, folder: Path, source: Path) -> dict[str, Any]:
    if not isinstance(spec, dict) or len({"request", "csv", "inline"} & spec.keys()) != 1:
        raise ScenarioFileError(f"{source}: base needs exactly one of request, csv, inline")
    if "request" in spec:
        body = json_file(folder / spec["request"])
        if not isinstance(body, dict):
            raise ScenarioFileError(f"{source}: base.request must hold a JSON object")
        return body
    if "inline" in spec:
        return dict(spec["inline"])
    from intake.csv_pool import ColumnMapping, read_pool

    csv = spec["csv"]
    mapping = ColumnMapping.from_dict(csv.get("columns") or {})
    return read_pool(
        folder / csv["mentors"], folder / csv["mentees"], mapping, csv.get("program") or {}
    )


def _people(value: Any, folder: Path) -> Any:
    return json_file(folder / value) if isinstance(value, str) else value


def load_scenario(path: Path) -> Scenario:
    """Read and validate a scenario file; errors name the file and the field."""
    try:
        spec = yaml.safe_load(path.read_text("utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        raise ScenarioFileError(f"{path}: {exc}") from exc
    if not isinstance(spec, dict):
        raise ScenarioFileError(f"{path}: a scenario file is a mapping (title, base, variants)")
    folder = path.parent
    base_spec = spec.get("base")
    base = _base(base_spec, folder, path)
    expectations = {"base": list((base_spec or {}).get("expect") or [])}
    variants = []
    for entry in spec.get("variants") or []:
        if not isinstance(entry, dict):
            raise ScenarioFileError(f"{path}: each variant is a mapping with a name")
        entry = dict(entry)
        expectations[str(entry.get("name"))] = list(entry.pop("expect", None) or [])
        for side in ("add_mentors", "add_mentees"):
            if side in entry:
                entry[side] = _people(entry[side], folder)
        variants.append(entry)
    try:
        request = ScenarioRequest.model_validate({"base": base, "variants": variants})
    except ValidationError as exc:
        where = "; ".join(
            f"{'.'.join(str(p) for p in e['loc'])}: {e['msg']}" for e in exc.errors()[:5]
        )
        raise ScenarioFileError(f"{path}: {where}") from exc
    for text in (t for texts in expectations.values() for t in texts):
        if not EXPECTATION.match(str(text)):
            raise ScenarioFileError(f"{path}: expectation {text!r} is not 'metric op value'")
    return Scenario(str(spec.get("title") or path.stem), request, expectations)


def _observed(result: Outcome) -> dict[str, float | str]:
    observed: dict[str, float | str] = {**flat(result), "status": result.status}
    if isinstance(result, VariantOutcome):
        observed["changed_pairs"] = float(len(result.changed_pairs))
    return observed


def check(result: ScenarioResponse, expectations: dict[str, list[str]]) -> list[Check]:
    """Each expectation with whether the answer meets it (unknown metrics fail, named)."""
    outcomes: dict[str, Outcome] = {"base": result.base}
    outcomes |= {v.name: v for v in result.variants}
    checks = []
    for name, texts in expectations.items():
        for text in texts:
            found = EXPECTATION.match(text)
            assert found is not None  # load_scenario checked the shape
            metric, op, wanted = found.groups()
            observed = _observed(outcomes[name]) if name in outcomes else {}
            if metric not in observed:
                checks.append((name, f"{text} (unknown metric or scenario)", False))
                continue
            checks.append((name, text, compare_value(observed[metric], op, wanted)))
    return checks
