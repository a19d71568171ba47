"""``--jobs``: grading in parallel gives the grades of sequential grading; ``--merge`` of shard CSVs."""
from __future__ import annotations

import csv
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest
from imsearch.grading import batch as grader
from nbformat.v4 import new_code_cell, new_notebook

SOURCES = {
    "01_good": "import numpy as np\n\ndef quantization_psnr(x, k):\n"
               "    x = np.asarray(x, dtype=np.float64)\n"
               "    x_hat = (np.minimum(np.floor(x * k), k - 1) + 0.5) / k\n"
               "    mse = np.mean((x - x_hat) ** 2)\n"
               "    return float('inf') if mse == 0 else float(10 * np.log10(1.0 / mse))\n",
    "01_wrong": "import numpy as np\n\ndef quantization_psnr(x, k):\n"  # forgets the + 0.5
                "    x = np.asarray(x, dtype=np.float64)\n"
                "    mse = np.mean((x - np.minimum(np.floor(x * k), k - 1) / k) ** 2)\n"
                "    return float('inf') if mse == 0 else float(10 * np.log10(1.0 / mse))\n",
    "01_crash": "import os\nos._exit(1)\n",
}


def _notebooks(folder: Path) -> list:
    paths = []
    for name, src in SOURCES.items():
        nb = new_notebook(cells=[new_code_cell(src, metadata={"imsearch": {"exercise": "1.2"}})])
        nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
        nbformat.write(nb, str(folder / f"{name}.ipynb"))
        paths.append(folder / f"{name}.ipynb")
    return paths


def _grades(rows):
    # the installed library may change while the tests run (other work in the checkout): not a grade
    return [(r["notebook"], r["exercise"], r["points"], r["status"],
             "\n".join(line for line in r["feedback"].splitlines() if "installed library" not in line))
            for r in rows]


def test_two_jobs_give_the_grades_of_one(tmp_path):
    paths = _notebooks(tmp_path)
    one = grader.grade_notebooks(paths, timeout=60, check_timeout=20, progress=False, seed=11)
    two = grader.grade_notebooks(paths, timeout=60, check_timeout=20, progress=False, seed=11, jobs=2)
    assert _grades(one) == _grades(two)
    points = {(Path(r["notebook"]).stem, r["exercise"]): r["points"] for r in two}
    assert points[("01_good", "1.2")] == 2 and points[("01_wrong", "1.2")] == 0
    assert {r["status"] for r in two if r["notebook"].endswith("01_crash.ipynb")} == {"kernel died"}


def _shard(path: Path, rows):
    grader.write_csv([{"notebook": n, "exercise": e, "points": p, "max_points": 2.0, "feedback": f}
                      for n, e, p, f in rows], path)


def test_merge_shards_on_the_command_line(tmp_path):
    _shard(tmp_path / "a.csv", [("alice/01_x.ipynb", "1.2", 2.0, "ok, with a \"quote\",\nand a line")])
    _shard(tmp_path / "b.csv", [("bob/01_x.ipynb", "1.2", 0.0, "failed")])
    proc = subprocess.run([sys.executable, "-m", "imsearch", "grade", "--merge", str(tmp_path / "a.csv"),
                           str(tmp_path / "b.csv"), "--csv", str(tmp_path / "all.csv")],
                          capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    with open(tmp_path / "all.csv", newline="", encoding="utf-8") as f:
        table = list(csv.DictReader(f))
    assert [(r["notebook"], r["points"]) for r in table] == [("alice/01_x.ipynb", "2"), ("bob/01_x.ipynb", "0")]
    assert table[0]["feedback"] == "ok, with a \"quote\",\nand a line"
    # the same notebook in two shards, or a file that is not a grades CSV: refused
    with pytest.raises(ValueError, match="is in both"):
        grader.merge_csv([tmp_path / "a.csv", tmp_path / "a.csv"], tmp_path / "x.csv")
    (tmp_path / "bad.csv").write_text("name,score\nx,1\n")
    with pytest.raises(ValueError, match="not a grades CSV"):
        grader.merge_csv([tmp_path / "bad.csv"], tmp_path / "x.csv")
    assert not (tmp_path / "x.csv").exists()


def test_feedback_file_names_are_distinct_per_student_folder(tmp_path):
    rows = [{"notebook": str(tmp_path / s / "01_x.ipynb"), "exercise": "1.2", "points": 1.0, "max_points": 2.0,
             "feedback": "`code` here", "errors": ["cell 3 (NameError: x)"]} for s in ("alice", "bob")]
    written = grader.write_feedback(rows, tmp_path / "fb")
    assert sorted(p.name for p in written) == ["alice__01_x.md", "bob__01_x.md"]
    text = written[0].read_text(encoding="utf-8")
    assert "**Total: 1 / 2 points**" in text and "'code' here" in text and "cell 3 (NameError: x)" in text
