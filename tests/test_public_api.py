"""Every public function of imsearch shows its real signature and has a docstring.

For each public name of each subpackage (``imsearch.<pkg>.__all__``) and of the top-level
modules ``edits``, ``matching`` and ``image`` (their names without a leading underscore), a
function's ``inspect.signature`` must equal the signature of its ``def`` in its source file
(read with ``ast``), and its code must be that def's (a decorator may wrap it only if it keeps
``__wrapped__``, as ``contextlib.contextmanager`` does): no wrapper may hide it (the reference guard of before issue 8 turned
about 30 of them into ``(*args, **kwargs)``). Functions and classes need a docstring.
"""
from __future__ import annotations

import ast
import importlib
import inspect
import sys
from functools import cache

import pytest

PACKAGES = ["data", "signal", "features", "geometry", "descriptors", "index", "eval", "viz", "widgets", "grading"]
MODULES = ["edits", "matching", "image"]


def _public():
    out = []
    for name in PACKAGES:
        package = importlib.import_module(f"imsearch.{name}")
        out += [(f"imsearch.{name}", attr) for attr in package.__all__]
    for name in MODULES:
        module = importlib.import_module(f"imsearch.{name}")
        out += [(f"imsearch.{name}", attr) for attr, value in vars(module).items()
                if not attr.startswith("_") and (inspect.isfunction(value) or inspect.isclass(value))
                and getattr(value, "__module__", None) == module.__name__]
    return out


@cache
def _defs(path: str) -> dict:
    """Top-level ``def`` nodes of a source file, by name."""
    with open(path, encoding="utf-8") as f:
        tree = ast.parse(f.read())
    return {n.name: n for n in tree.body if isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef))}


def _ast_parameters(node) -> list:
    """(name, kind, default source or None) of a def's parameters, in order."""
    a = node.args
    P = inspect.Parameter
    positional = [(p, P.POSITIONAL_ONLY) for p in a.posonlyargs] + [(p, P.POSITIONAL_OR_KEYWORD) for p in a.args]
    defaults = [None] * (len(positional) - len(a.defaults)) + list(a.defaults)
    out = [(p.arg, kind, d) for (p, kind), d in zip(positional, defaults)]
    if a.vararg:
        out.append((a.vararg.arg, P.VAR_POSITIONAL, None))
    out += [(p.arg, P.KEYWORD_ONLY, d) for p, d in zip(a.kwonlyargs, a.kw_defaults)]
    if a.kwarg:
        out.append((a.kwarg.arg, P.VAR_KEYWORD, None))
    return out


def _same_default(value, node) -> bool:
    try:
        literal = ast.literal_eval(node)
    except ValueError:  # a name or an expression: compare the names at least
        return inspect.Parameter.empty is not value
    return literal == value or (isinstance(literal, tuple) and tuple(value) == literal)


@pytest.mark.parametrize("where, name", _public(), ids=lambda x: x)
def test_public_function_shows_its_real_signature_and_has_a_docstring(where, name):
    obj = getattr(importlib.import_module(where), name)
    if not (inspect.isfunction(obj) or inspect.isclass(obj)):
        return  # constants
    assert inspect.getdoc(obj), f"{where}.{name} has no docstring"
    if inspect.isclass(obj):
        return
    module = sys.modules[obj.__module__]
    node = _defs(module.__file__).get(obj.__name__)
    assert node is not None, f"{where}.{name}: no top-level def {obj.__name__} in {module.__file__}"
    code = inspect.unwrap(obj).__code__  # a decorator that keeps __wrapped__ (contextmanager) is fine
    assert code.co_name == node.name and code.co_filename == module.__file__, \
        f"{where}.{name} is a wrapper ({code.co_name} in {code.co_filename}), not its def"
    assert code.co_firstlineno in range(min([node.lineno] + [d.lineno for d in node.decorator_list]), node.lineno + 1)
    params = list(inspect.signature(obj).parameters.values())
    expected = _ast_parameters(node)
    assert [(p.name, p.kind) for p in params] == [(n, k) for n, k, _ in expected], \
        f"{where}.{name}{inspect.signature(obj)} is not the signature of its def"
    for p, (_, _, default) in zip(params, expected):
        assert (p.default is inspect.Parameter.empty) == (default is None), f"{where}.{name}: default of {p.name}"
        if default is not None:
            assert _same_default(p.default, default), f"{where}.{name}: default of {p.name}"
