"""Static values: names bound exactly once, and constant arithmetic on int literals."""

from __future__ import annotations

import textwrap

import libcst as cst
import pytest

from migrator.bindings import BindingVisitor, Scope, static_int, static_str
from migrator.traversal import walk


class _Uses(BindingVisitor):
    """Records the argument of every ``use(...)`` call with the scope it is in."""

    def __init__(self) -> None:
        super().__init__()
        self.uses: list[tuple[cst.BaseExpression, Scope]] = []

    def visit_Call(self, node: cst.Call) -> None:
        if isinstance(node.func, cst.Name) and node.func.value == "use":
            self.uses.append((node.args[0].value, self.scope))


def _uses(source: str) -> list[tuple[cst.BaseExpression, Scope]]:
    visitor = _Uses()
    walk(cst.parse_module(textwrap.dedent(source)), [visitor], [])
    return visitor.uses


def _ints(source: str) -> list[int | None]:
    return [static_int(expr, scope) for expr, scope in _uses(source)]


@pytest.mark.parametrize(
    ("expression", "value"),
    [
        ("50_000", 50_000),
        ("0x10000", 65_536),
        ("64 * 1024", 65_536),
        ("2**16", 65_536),
        ("1 << 15", 32_768),
        ("(32 + 1) * 1000", 33_000),
        ("-(-40_000)", 40_000),
        ("100_000 // 4", 25_000),
        ("100_000 // 0", None),
        ("100_000 / 2", None),  # a float: not an int limit
        ("10 ** 10 ** 10", None),  # bounded, not computed
        ("2 ** 200", None),
        ("int('5')", None),
        ("True", None),
        ("'50000'", None),
    ],
)
def test_constant_expressions(expression: str, value: int | None) -> None:
    assert _ints(f"use({expression})\n") == [value]


def test_names_bound_once_anywhere_in_the_module() -> None:
    source = """
        use(LATER)
        A = 40_000
        B = A * 2
        use(A); use(B)
        LATER = 33_000
    """
    assert _ints(source) == [33_000, 40_000, 80_000]


@pytest.mark.parametrize(
    "binding",
    [
        "N = 1\nN = 2",
        "N = 1\nN += 1",
        "for N in (1, 2): pass",
        "N, M = 1, 2",
        "import N",
        "from x import N",
        "with open('f') as N: pass",
        "(N := 5)",
        "N = 5\ndel N",
        "def N(): pass",
        "class N: pass",
        "try:\n    pass\nexcept E as N:\n    pass",
        "[0 for N in range(3)]",
        "N = 5\ndef f():\n    global N\n    N = 6",
        "N = M\nM = N",  # a cycle
    ],
)
def test_names_that_are_not_constants(binding: str) -> None:
    assert _ints(f"{binding}\nuse(N)\n") == [None]


def test_function_scopes() -> None:
    source = """
        N = 40_000
        def local():
            N = 50_000
            use(N)
        def parameter(N=60_000):
            use(N)
        def outer():
            M = 70_000
            def inner():
                use(M)
            def rebinds():
                nonlocal M
                M = 1
        def reads_global():
            use(N)
        def enclosing():
            K = 90_000
            def inner():
                use(K)
        class Config:
            N = 80_000
            use(N)
            def method(self):
                use(N)
    """
    # Class attributes are not visible inside methods: the module's N is.
    assert _ints(source) == [50_000, None, None, 40_000, 90_000, 80_000, 40_000]


def test_strings() -> None:
    source = """
        MODEL = "gpt-4o"
        TWICE = "a"
        TWICE = "b"
        use(MODEL); use(TWICE); use("x"); use(f"{MODEL}")
    """
    assert [static_str(e, s) for e, s in _uses(source)] == ["gpt-4o", None, "x", None]
