"""``python -m imsearch doctor``: the environment check that the start-here notebook runs first."""
import importlib.metadata
import io

from imsearch.__main__ import doctor, main


def _report(**kw):
    out = io.StringIO()
    code = doctor(file=out, **kw)
    return code, out.getvalue()


def test_doctor_passes_here_and_names_the_cache(monkeypatch):
    monkeypatch.delenv("IMSEARCH_DATA_MIRROR", raising=False)
    code, text = _report()
    assert code == 0
    assert text.rstrip().endswith("imsearch environment OK")
    assert "IMSEARCH_DATA_MIRROR = <not set" in text and "cache: " in text
    assert "MISSING" not in text and "MISMATCH" not in text


def test_doctor_reports_a_mirror_without_the_pack(monkeypatch, tmp_path):
    monkeypatch.setenv("IMSEARCH_DATA_MIRROR", str(tmp_path))
    monkeypatch.setenv("IMSEARCH_CACHE_DIR", str(tmp_path / "cache"))
    code, text = _report()
    assert code == 0  # a missing pack is reported, not an error
    assert "data pack: 0/" in text and "missing: bsds500" in text


def test_doctor_sees_a_widget_front_end_of_another_generation(monkeypatch):
    real = importlib.metadata.version
    monkeypatch.setattr(importlib.metadata, "version",
                        lambda name: "2.0.0" if name == "jupyterlab_widgets" else real(name))
    code, text = _report()
    assert "MISMATCH, install jupyterlab_widgets 3.x" in text


def test_the_command_line_exit_code_is_the_doctors(monkeypatch, capsys):
    monkeypatch.delenv("IMSEARCH_DATA_MIRROR", raising=False)
    assert main(["doctor"]) == 0
    assert "imsearch environment OK" in capsys.readouterr().out
