"""Command line: ``python -m imsearch {doctor,exercises,grade,data,benchmarks} ...``."""
from __future__ import annotations

import argparse
import sys


#: Packages the chapters import (import name, distribution name); ``doctor`` imports each one.
_DOCTOR_MODULES = [("numpy", "numpy"), ("scipy", "scipy"), ("matplotlib", "matplotlib"), ("skimage", "scikit-image"),
                   ("sklearn", "scikit-learn"), ("cv2", "opencv-python-headless"), ("torch", "torch"),
                   ("faiss", "faiss-cpu"), ("pooch", "pooch"), ("tqdm", "tqdm"), ("ipywidgets", "ipywidgets"),
                   ("jupyterlab", "jupyterlab"), ("nbclient", "nbclient"), ("nbformat", "nbformat")]

#: ipywidgets major version -> the JupyterLab front-end package major version that renders it.
_WIDGET_FRONTENDS = {7: 1, 8: 3}


def doctor(file=None) -> int:
    """Check the course environment: packages, the widgets' front end, the data pack; print a report.

    Parameters
    ----------
    file : file-like, optional
        Where the report goes (default: standard output).

    Returns
    -------
    int
        0 when every package the chapters import loads, 1 otherwise (the exit code of
        ``python -m imsearch doctor``). A missing data pack is reported, not an error: the
        chapters that need it say so, and chapters 1-3 never do.
    """
    import importlib
    import importlib.metadata as md
    import platform

    from . import __file__ as package_file
    from .data.pack import MIRROR_VARIABLE, cache_dir, datasets, have_dataset, mirror

    def say(line=""):
        print(line, file=file or sys.stdout)

    say(f"python {platform.python_version()} ({sys.executable})")
    say(f"imsearch from {package_file.rsplit('/', 1)[0]}")
    missing = []
    for name, dist in _DOCTOR_MODULES:
        try:
            mod = importlib.import_module(name)
            say(f"  {name:12s} {getattr(mod, '__version__', '?')}")
        except Exception as err:  # noqa: BLE001
            missing.append(dist)
            say(f"  {name:12s} MISSING ({err})")
    try:
        import torch
        say(f"  torch CUDA available: {torch.cuda.is_available()} (the course runs on the CPU)")
    except Exception:  # noqa: BLE001
        pass
    # the classic "Error displaying widget: model not found": kernel-side ipywidgets and the
    # JupyterLab front end (jupyterlab_widgets) of different generations
    try:
        widgets, frontend = md.version("ipywidgets"), md.version("jupyterlab_widgets")
        want = _WIDGET_FRONTENDS.get(int(widgets.split(".")[0]))
        ok = want is None or int(frontend.split(".")[0]) == want
        say(f"  widgets: ipywidgets {widgets} with the JupyterLab front end jupyterlab_widgets {frontend}"
            + ("" if ok else f": MISMATCH, install jupyterlab_widgets {want}.x where JupyterLab runs"))
    except md.PackageNotFoundError as err:
        say(f"  widgets: {err.name} is not installed where this kernel runs (sliders need the JupyterLab "
            "server's jupyterlab_widgets to match ipywidgets)")
    location = mirror()
    say(f"  {MIRROR_VARIABLE} = {location or '<not set: chapters 1-3 run on embedded photos, later ones need the pack>'}")
    if location:
        found = {name: have_dataset(name) for name in datasets()}
        have = [n for n, ok in found.items() if ok]
        lost = [n for n, ok in found.items() if not ok]
        say(f"  data pack: {len(have)}/{len(found)} datasets found" + (f"; missing: {', '.join(lost)}" if lost else ""))
    say(f"  cache: {cache_dir()}")
    if missing:
        say("missing packages: " + ", ".join(missing) + " (pip install -e . from the repository)")
        return 1
    say("imsearch environment OK")
    return 0


def _doctor(args) -> int:
    return doctor()


def _exercises(args) -> int:
    from imsearch.grading.checks import all_exercises

    exs = all_exercises()
    print(f"{'id':6s} {'chapter':>7s} {'points':>6s}  title")
    for ex in exs:
        print(f"{ex.id:6s} {ex.chapter:7d} {ex.points:6g}  {ex.title}")
    print(f"{len(exs)} exercises, {sum(e.points for e in exs):g} points in all")
    if getattr(args, "siblings", False):
        from imsearch.grading.siblings import discover_all, recorded

        found = discover_all(exs)
        stale = 0
        for ex in exs:
            mark = "" if found[ex.id] == recorded(ex) else "   (recorded: " + (", ".join(recorded(ex)) or "none") + ")"
            stale += bool(mark)
            print(f"{ex.id:6s} siblings: {', '.join(found[ex.id]) or '-'}{mark}")
        return 1 if stale else 0
    return 0


def _grade(args) -> int:
    from imsearch.grading.batch import main as grade_main

    return grade_main(args)


def _data(argv) -> int:
    from imsearch.data.pack import main as data_main

    return data_main(argv)


def _benchmarks(argv) -> int:
    from imsearch.eval.benchmarks import main as benchmarks_main

    return benchmarks_main(argv)


def _models(argv) -> int:
    # the chapter-11 models train and score on the DISC benchmark of imsearch.eval (a layer above nn):
    # importing imsearch.eval.sscd registers that part of their family before the zoo's command line runs
    import imsearch.eval.sscd  # noqa: F401
    from imsearch.nn.zoo import main as zoo_main

    return zoo_main(argv)


#: Sub-commands whose module has its own command line, ``main(argv)``: the rest of the arguments go to it.
_FORWARDED = {"data": _data, "benchmarks": _benchmarks, "models": _models}


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="python -m imsearch", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)
    sub.add_parser("doctor", help="check the environment").set_defaults(func=_doctor)
    e = sub.add_parser("exercises", help="list every graded exercise")
    e.add_argument("--siblings", action="store_true",
                   help="also search the library for functions answering each exercise (its siblings)")
    e.set_defaults(func=_exercises)
    g = sub.add_parser("grade", help="grade handed-back notebooks into a CSV (or merge shards' CSVs)")
    g.add_argument("notebooks", nargs="*", help="notebook files (.ipynb) to grade")
    g.add_argument("--csv", required=True, help="where to write one row per notebook and exercise")
    g.add_argument("--jobs", type=int, default=1, help="notebooks graded at the same time (default 1)")
    g.add_argument("--feedback", help="folder of the per-notebook feedback files (default: next to the CSV, "
                                      "<csv name>-feedback/)")
    g.add_argument("--merge", nargs="+", metavar="CSV",
                   help="instead of grading, merge these CSVs (one per shard) into --csv")
    g.add_argument("--timeout", type=float, default=600.0,
                   help="seconds allowed for a notebook's own cells (default 600)")
    g.add_argument("--check-timeout", type=float, default=30.0,
                   help="seconds allowed per exercise when its checks run, after the cells (default 30)")
    g.set_defaults(func=_grade)
    # listed for --help; their own command lines (main(argv)) parse their arguments
    sub.add_parser("data", help="list, fetch and verify the course data pack")
    sub.add_parser("benchmarks", help="build (again) or describe the retrieval benchmarks")
    sub.add_parser("models", help="train the course's committed models again: models train [NAME ...]")
    argv = sys.argv[1:] if argv is None else list(argv)
    if argv and argv[0] in _FORWARDED:
        return _FORWARDED[argv[0]](argv[1:])
    args = parser.parse_args(argv)
    return args.func(args)


if __name__ == "__main__":
    sys.exit(main())
