"""Command line: ``python -m imsearch {doctor,exercises,grade,data,benchmarks} ...``."""
from __future__ import annotations

import argparse
import sys


def _doctor(args) -> int:
    """Print the versions of the course's dependencies; fail if one is missing."""
    import importlib
    import os

    mods = ["numpy", "scipy", "matplotlib", "skimage", "cv2", "torch", "faiss", "pooch", "tqdm",
            "ipywidgets", "jupyterlab", "nbclient", "nbformat"]
    missing = []
    for name in mods:
        try:
            mod = importlib.import_module(name)
            print(f"  {name:12s} {getattr(mod, '__version__', '?')}")
        except Exception as err:  # noqa: BLE001
            missing.append(name)
            print(f"  {name:12s} MISSING ({err})")
    try:
        import torch
        print(f"  torch CUDA available: {torch.cuda.is_available()} (the course runs on the CPU)")
    except Exception:  # noqa: BLE001
        pass
    mirror = os.environ.get("IMSEARCH_DATA_MIRROR")
    print(f"  IMSEARCH_DATA_MIRROR = {mirror or '<not set: chapters use the embedded photos>'}")
    if missing:
        print("missing packages: " + ", ".join(missing), file=sys.stderr)
        return 1
    print("imsearch environment OK")
    return 0


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


#: Sub-commands whose module has its own command line, ``main(argv)``: the rest of the arguments go to it.
_FORWARDED = {"data": _data, "benchmarks": _benchmarks}


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
    argv = sys.argv[1:] if argv is None else list(argv)
    if argv and argv[0] in _FORWARDED:
        return _FORWARDED[argv[0]](argv[1:])
    args = parser.parse_args(argv)
    return args.func(args)


if __name__ == "__main__":
    sys.exit(main())
