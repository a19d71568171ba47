"""The course's graded exercises, one module per chapter: ``ch01``, ``ch02``, ...

Importing this package imports every ``chNN`` module in it, which registers the
chapter's exercises with :func:`imsearch.grading.register`; a new chapter only needs
its module.
"""
import pkgutil
import re
from importlib import import_module

CHAPTER_MODULES = sorted(info.name for info in pkgutil.iter_modules(__path__)
                         if re.fullmatch(r"ch\d\d", info.name))

for _name in CHAPTER_MODULES:
    import_module(f"{__name__}.{_name}")
