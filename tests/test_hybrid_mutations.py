"""The hybrid tests pin the policy: each of these mutations of ``nianbao/hybrid.py`` alone fails one of them."""
import inspect
import types

import pytest

import test_hybrid

import nianbao.hybrid

MUTATIONS = {
    "a column switch may break its row": ("(row is None or _state(row, trial) >= _state(row, fields))", "True"),
    "a cell the rules gave another field counts as no cell": ("return 1 if owned else -1", "return 1 if owned else 0"),
    "a tie in a row goes to the model": ("source is rule_fields, trial))", "source is model_fields, trial))"),
}


def failing_tests(reconcile, monkeypatch) -> list[str]:
    """The tests of ``tests/test_hybrid.py`` that fail with ``reconcile`` as the policy."""
    monkeypatch.setattr(test_hybrid, "reconcile", reconcile)
    failed = []
    for name, test in inspect.getmembers(test_hybrid, inspect.isfunction):
        if name.startswith("test_"):
            try:
                test()
            except AssertionError:
                failed.append(name)
    return failed


@pytest.mark.parametrize("mutation", MUTATIONS)
def test_the_mutation_fails_a_hybrid_test(mutation, monkeypatch):
    old, new = MUTATIONS[mutation]
    source = inspect.getsource(nianbao.hybrid)
    assert source.count(old) == 1
    mutant = types.ModuleType("mutant_hybrid")
    exec(compile(source.replace(old, new), "mutant_hybrid", "exec"), mutant.__dict__)
    assert failing_tests(nianbao.hybrid.reconcile, monkeypatch) == []
    assert failing_tests(mutant.reconcile, monkeypatch) != []
