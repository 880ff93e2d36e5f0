"""The layers of ARCHITECTURE.md hold: no module imports from a layer above its own.

Every import counts, at the top of a module or inside a function (a lazy import is still a dependency).
"""
import ast
from pathlib import Path

import pytest

from nianbao.paths import ROOT

PACKAGES = ("nianbao", "rules_fallback", "model", "training", "evaluate")
# The core: what every layer may rely on, relying on nothing above it.
CORE = {f"nianbao.{name}" for name in
        ("__init__", "errors", "paths", "records", "schema", "variants", "text", "readers", "provenance",
         "contracts")}
# The two labellers stand side by side on the core and never import one another.
LABELLERS = ("rules_fallback", "model")


def layer(module: str) -> int:
    """0 the core, 1 a labeller (the rule layer, the model), 2 the application, 3 evaluation and training."""
    if module in CORE:
        return 0
    package = module.split(".")[0]
    return {"rules_fallback": 1, "model": 1, "nianbao": 2}.get(package, 3)


def project_modules() -> dict[str, Path]:
    return {".".join(path.relative_to(ROOT).with_suffix("").parts): path
            for package in PACKAGES for path in sorted((ROOT / package).rglob("*.py"))}


def imported(path: Path) -> set[str]:
    """The project modules ``path`` imports (``from nianbao import pipeline`` counts as ``nianbao.pipeline``)."""
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(node.module)
            found.update(f"{node.module}.{alias.name}" for alias in node.names)
    modules = project_modules()
    return {name for name in found if name in modules}


MODULES = project_modules()


def test_every_module_has_a_layer_and_the_core_is_where_the_architecture_says():
    assert CORE <= set(MODULES)
    assert {layer(name) for name in MODULES} == {0, 1, 2, 3}


@pytest.mark.parametrize("module", sorted(MODULES))
def test_imports_point_down_only(module):
    mine = layer(module)
    upward = sorted(name for name in imported(MODULES[module]) if layer(name) > mine)
    assert not upward, f"{module} (layer {mine}) imports from above: {upward}"
    if module.split(".")[0] in LABELLERS:
        other = [name for name in imported(MODULES[module])
                 if name.split(".")[0] in LABELLERS and name.split(".")[0] != module.split(".")[0]]
        assert not other, f"{module} imports the other labeller: {other}"


def test_the_check_sees_an_upward_import(tmp_path):
    """A core module that imported the pipeline would be caught (the check is not vacuous)."""
    bad = tmp_path / "records.py"
    bad.write_text("def f():\n    from nianbao import pipeline\n    return pipeline\n", encoding="utf-8")
    assert "nianbao.pipeline" in imported(bad)
    assert layer("nianbao.pipeline") > layer("nianbao.records")
