"""The layout holds: imports point one way with no cycle, pieces stay small, every program
rule lives in its class, and the two backends load together."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from solver.contract.request import Diversity, Program
from solver.rules.program import PROGRAM_RULES, ProgramRule

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ["solver", "api", "cli", "intake", "generator", "scenarios", "exports"]
MAX_MODULE_LINES = 300
MAX_FUNCTION_LINES = 40
LONG_BECAUSE = "Long because"  # a docstring that says why a function runs longer


def module_name(path: Path) -> str:
    return ".".join(path.relative_to(ROOT).with_suffix("").parts).removesuffix(".__init__")


def sources(*packages: str) -> list[Path]:
    return sorted(p for package in packages for p in (ROOT / package).rglob("*.py"))


def _type_checking(node: ast.AST) -> bool:
    return isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test)


def imports_of(path: Path) -> set[str]:
    """Every module this one imports when it runs (function-level imports included; imports
    only for type checkers left out), resolved to project modules where they are ones."""
    found: set[str] = set()

    def visit(node: ast.AST) -> None:
        if _type_checking(node):
            return
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            found.add(node.module)
            found.update(f"{node.module}.{alias.name}" for alias in node.names)
        for child in ast.iter_child_nodes(node):
            visit(child)

    visit(ast.parse(path.read_text("utf-8")))
    return found


def project_graph() -> dict[str, set[str]]:
    modules = {module_name(p): p for p in sources(*PACKAGES)}
    return {name: imports_of(path) & modules.keys() - {name} for name, path in modules.items()}


def test_there_is_no_import_cycle() -> None:
    graph, done, active = project_graph(), set(), []

    def walk(name: str) -> None:
        if name in done:
            return
        assert name not in active, " → ".join([*active[active.index(name) :], name])
        active.append(name)
        for other in sorted(graph[name]):
            walk(other)
        active.pop()
        done.add(name)

    for name in sorted(graph):
        walk(name)


def _roots(names: set[str]) -> set[str]:
    return {name.split(".")[0] for name in names}


def test_the_solver_knows_nothing_of_http() -> None:
    for path in sources("solver"):
        assert not _roots(imports_of(path)) & {"fastapi", "starlette", "uvicorn", "api", "httpx"}


@pytest.mark.parametrize("package", ["api", "cli", "intake", "generator", "scenarios", "exports"])
def test_outside_the_solver_nothing_imports_its_backends_or_its_insides(package: str) -> None:
    """Callers use the public surface: the package, the contract, the messages, the front
    doors and the runtime's configuration; never an engine, the encoder or the rules."""
    public = {"solver", "solver.messages", "solver.runtime", "solver.match", "solver.rematch"}
    public |= {"solver.whatif", "solver.roster"}
    for path in sources(package):
        found = imports_of(path)
        assert not _roots(found) & {"ortools", "pulp", "highspy"}, path
        inner = {
            name
            for name in found
            if name.startswith("solver.") and not name.startswith("solver.contract")
        }
        assert all(name in public or name.rsplit(".", 1)[0] in public for name in inner), (
            path,
            inner,
        )


LAYERS = {  # a package of the solver never imports the ones named here
    "solver.contract": ("solver.rules", "solver.encode", "solver.engines", "solver.answer"),
    "solver.rules": ("solver.engines", "solver.answer", "solver.dispatch", "solver.match"),
    "solver.encode": ("solver.engines", "solver.answer", "solver.dispatch", "solver.match"),
    "solver.engines": ("solver.answer", "solver.dispatch", "solver.match", "solver.validate"),
    "solver.answer": ("solver.engines", "solver.dispatch", "solver.match", "solver.validate"),
}


@pytest.mark.parametrize("package", sorted(LAYERS))
def test_imports_point_one_way_along_the_pipeline(package: str) -> None:
    for path in sources(package.replace(".", "/")):
        found = imports_of(path)
        bad = [name for name in found if name.startswith(LAYERS[package])]
        assert not bad, (path, bad)


def _long_functions(path: Path) -> list[str]:
    found = []
    for node in ast.walk(ast.parse(path.read_text("utf-8"))):
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            length = node.end_lineno - node.lineno + 1 if node.end_lineno else 0
            if length > MAX_FUNCTION_LINES and LONG_BECAUSE not in (ast.get_docstring(node) or ""):
                found.append(f"{path.relative_to(ROOT)}:{node.lineno} {node.name} ({length})")
    return found


def _long_module(path: Path) -> bool:
    lines = len(path.read_text("utf-8").splitlines())
    return lines > MAX_MODULE_LINES and LONG_BECAUSE not in (
        ast.get_docstring(ast.parse(path.read_text("utf-8"))) or ""
    )


def test_modules_and_functions_stay_small_or_say_why() -> None:
    paths = sources("solver", "api")
    assert [str(p.relative_to(ROOT)) for p in paths if _long_module(p)] == []
    assert [line for p in paths for line in _long_functions(p)] == []


def _rule_names() -> set[str]:
    program = Program.model_validate(
        {
            "format": "group",
            "group": {"min_size": 2},
            "stable": True,
            "objective": "fair",
            "diversity": {
                "cross": {"department": 0.5},
                "max_same_per_mentor": {"department": 1, "site": 1},
                "balance": {"department": True},
            },
        }
    )
    names = {rule.name for rule in PROGRAM_RULES} | {rule.label(program) for rule in PROGRAM_RULES}
    return names | {family for rule in PROGRAM_RULES for family in rule.families(program)}


def test_no_rule_name_is_written_outside_its_class() -> None:
    """A program rule's API name, label and families are spelt in its own file only."""
    names = _rule_names()
    for path in sources(*PACKAGES):
        if path.parent.name == "program" and path.parent.parent.name == "rules":
            continue
        tree = ast.parse(path.read_text("utf-8"))
        sorts = {  # numpy's kind="stable" is no rule
            id(k.value)
            for node in ast.walk(tree)
            if isinstance(node, ast.Call)
            for k in node.keywords
            if k.arg == "kind"
        }
        spelt = {
            node.value
            for node in ast.walk(tree)
            if isinstance(node, ast.Constant)
            and isinstance(node.value, str)
            and id(node) not in sorts
        }
        assert not spelt & names, (path, spelt & names)


def test_every_rule_the_contract_offers_has_its_class() -> None:
    """Each diversity field, the stable flag, groups and the fair objective is asked for by
    exactly one registered rule, and each rule says how people read it and how engines see
    it."""
    asked = {
        "cross": Program.model_validate({"diversity": {"cross": {"department": 0.5}}}),
        "max_same": Program.model_validate({"diversity": {"max_same_per_mentor": {"site": 1}}}),
        "balance": Program.model_validate({"diversity": {"balance": {"site": True}}}),
        "group": Program.model_validate({"format": "group", "group": {"min_size": 2}}),
        "stable": Program.model_validate({"stable": True}),
        "fair": Program.model_validate({"objective": "fair"}),
    }
    assert len(Diversity.model_fields) == 3  # a new diversity rule needs its line above
    for program in asked.values():
        assert len([rule for rule in PROGRAM_RULES if rule.asked(program)]) == 1
    assert not [rule for rule in PROGRAM_RULES if rule.asked(Program())]
    for rule in PROGRAM_RULES:
        assert issubclass(rule, ProgramRule) and rule.name and rule.loc[0] == "program"
        for method in ("bind", "violations", "linear", "describe"):
            assert getattr(rule, method) is not getattr(ProgramRule, method), (rule, method)


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
    assert [path for path in sources("intake") if _roots(imports_of(path)) & forbidden] == []


def test_the_optimum_check_reads_the_participants_not_the_solver() -> None:
    """The oracle's brute force reads the contract, the participant-level checks and each
    program rule's own check: no engine, no encoder, no answer code."""
    found = imports_of(ROOT / "solver" / "optimum.py")
    inner = {name for name in found if name.startswith("solver.")}
    allowed = ("solver.contract", "solver.rules.by_pair", "solver.rules.items")
    allowed += ("solver.rules.program",)
    assert all(name.startswith(allowed) for name in inner), inner


def test_the_optimum_check_counts_scores_at_the_solver_s_resolution() -> None:
    from solver import optimum
    from solver.encode.quantise import SCORE_SCALE

    assert optimum.SCORE_SCALE == SCORE_SCALE


def test_the_image_copies_every_package_the_project_installs() -> None:
    """A package pyproject.toml installs but the Dockerfile leaves out breaks the image."""
    import tomllib

    project = tomllib.loads((ROOT / "pyproject.toml").read_text("utf-8"))
    included = project["tool"]["setuptools"]["packages"]["find"]["include"]
    packages = {pattern.rstrip("*") for pattern in included}
    dockerfile = (ROOT / "Dockerfile").read_text("utf-8")
    assert [p for p in sorted(packages) if f"COPY {p} ./{p}" not in dockerfile] == []
    assert set(PACKAGES) == packages
