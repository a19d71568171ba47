"""The library's architecture, checked: layers, where torch may be imported, quick import."""
import ast
import subprocess
import sys
from pathlib import Path

import pytest

LIB = Path(__file__).resolve().parents[1] / "lib" / "imsearch"

# Lowest first. A module may import modules of its own layer and of the layers below.
LAYERS = ["_util", "image", "data", "signal", "edits", "features", "geometry", "matching",
          "descriptors", "nn", "index", "eval", "viz", "widgets", "grading", "__main__"]


def _layer_of(module: str) -> str:
    """'imsearch.features.harris' -> 'features'; 'imsearch.edits' -> 'edits'."""
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else "__init__"


def _modules():
    for path in sorted(LIB.rglob("*.py")):
        rel = path.relative_to(LIB.parent).with_suffix("")
        name = ".".join(rel.parts)
        if name.endswith(".__init__"):
            name = name[: -len(".__init__")]
        yield name, path


def _imports(name: str, path: Path):
    """Absolute names of the imsearch modules a module imports (anywhere in it)."""
    is_package = path.name == "__init__.py"
    package = name if is_package else name.rsplit(".", 1)[0]
    out = []
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")
                base = base[: len(base) - (node.level - 1)]
                mod = ".".join(base + ([node.module] if node.module else []))
            else:
                mod = node.module or ""
            if mod.startswith("imsearch"):
                if node.module is None or mod in ("imsearch",):
                    out += [f"{mod}.{a.name}" for a in node.names]
                else:
                    out.append(mod)
        elif isinstance(node, ast.Import):
            out += [a.name for a in node.names if a.name.startswith("imsearch")]
    return out


MODULES = dict(_modules())


@pytest.mark.parametrize("name", sorted(MODULES))
def test_no_module_imports_a_layer_above_it(name):
    layer = _layer_of(name)
    if layer == "__init__":
        return
    mine = LAYERS.index(layer)
    above = [m for m in _imports(name, MODULES[name])
             if _layer_of(m) in LAYERS and LAYERS.index(_layer_of(m)) > mine]
    assert not above, f"{name} (layer {layer!r}) imports {above} from a layer above it"


def test_the_layers_name_every_subpackage_and_module():
    tops = {_layer_of(n) for n in MODULES} - {"__init__"}
    assert tops <= set(LAYERS), f"add {sorted(tops - set(LAYERS))} to LAYERS (and the README's layer list)"


@pytest.mark.parametrize("name", sorted(MODULES))
def test_only_nn_imports_torch(name):
    if _layer_of(name) in ("nn", "__main__"):  # `python -m imsearch doctor` reports torch's version
        return
    tree = ast.parse(MODULES[name].read_text())
    torch = [n.lineno for n in ast.walk(tree)
             if (isinstance(n, ast.Import) and any(a.name.split(".")[0] == "torch" for a in n.names))
             or (isinstance(n, ast.ImportFrom) and (n.module or "").split(".")[0] == "torch" and not n.level)]
    assert not torch, f"{name} imports torch at lines {torch}; only imsearch.nn may"


def test_import_imsearch_and_its_subpackages_loads_no_heavy_library():
    code = ("import sys, imsearch, imsearch.data, imsearch.signal, imsearch.features, imsearch.geometry, "
            "imsearch.descriptors, imsearch.index, imsearch.eval, imsearch.viz, imsearch.widgets, "
            "imsearch.grading\n"
            "print(sorted(m for m in ('torch', 'faiss', 'cv2', 'matplotlib', 'sklearn', 'skimage') "
            "if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]", out.stdout
