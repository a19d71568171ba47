"""Lazy exports for the subpackages: ``features.harris_response`` imports ``features.harris``
on first use, so ``import imsearch.features`` is quick and subpackages can use each other
without import cycles (the pattern of scikit-image's ``lazy_loader``)."""
from __future__ import annotations

import importlib


def attach(package: str, exports: dict[str, list[str]]):
    """``(__getattr__, __dir__, __all__)`` for a package exporting ``{module: [names]}``.

    Parameters
    ----------
    package : str
        The package's ``__name__``.
    exports : dict of str to list of str
        For each submodule (relative to the package), the public names it provides.
    """
    where = {name: module for module, names in exports.items() for name in names}
    dup = [n for n in where if sum(n in names for names in exports.values()) > 1]
    if dup:
        raise ImportError(f"{package}: {dup} exported by more than one module")

    def __getattr__(name: str):
        if name in where:
            value = getattr(importlib.import_module(f"{package}.{where[name]}"), name)
            globals_of(package)[name] = value  # later look-ups skip this function
            return value
        if name in exports:
            return importlib.import_module(f"{package}.{name}")
        raise AttributeError(f"module {package!r} has no attribute {name!r}")

    def __dir__():
        return sorted(set(where) | set(exports))

    return __getattr__, __dir__, sorted(where)


def globals_of(package: str) -> dict:
    import sys
    return vars(sys.modules[package])
