"""Imports point one way: the solver knows nothing of HTTP; the API never touches OR-Tools."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def imported_modules(package: str) -> set[str]:
    found = set()
    for path in (ROOT / package).rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text("utf-8"))):
            if isinstance(node, ast.Import):
                found |= {alias.name.split(".")[0] for alias in node.names}
            elif isinstance(node, ast.ImportFrom) and node.module:
                found.add(node.module.split(".")[0])
    return found


def test_solver_knows_nothing_of_http() -> None:
    assert not imported_modules("solver") & {"fastapi", "starlette", "uvicorn", "api", "httpx"}


@pytest.mark.parametrize("package", ["api", "scenarios"])
def test_api_and_scenarios_never_import_the_solvers_backends(package: str) -> None:
    assert not imported_modules(package) & {"ortools", "pulp", "highspy"}


def test_ortools_and_highspy_load_together_in_one_process() -> None:
    """ortools bundles its own HiGHS; highspy must be the same version or one import breaks."""
    import highspy
    import pulp
    from ortools.graph.python import min_cost_flow

    flow = min_cost_flow.SimpleMinCostFlow()
    flow.add_arc_with_capacity_and_unit_cost(0, 1, 1, 1)
    flow.set_node_supply(0, 1)
    flow.set_node_supply(1, -1)
    assert flow.solve() == flow.OPTIMAL
    problem = pulp.LpProblem("check", pulp.LpMaximize)
    x = problem.add_variable("x", 0, 1, cat=pulp.LpBinary)
    problem += x
    problem.solve(pulp.HiGHS(msg=False))
    assert x.value() == 1
    assert highspy.Highs() is not None


def test_intake_reads_files_and_knows_nothing_of_http_the_cli_or_the_solvers() -> None:
    """intake/ turns files into a request; the API and the CLI call it, never the reverse."""
    forbidden = {"fastapi", "starlette", "api", "scenarios", "typer", "ortools", "pulp", "highspy"}
    assert not imported_modules("intake") & forbidden
