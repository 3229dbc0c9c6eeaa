"""Every module the box app imports is in the Android package (no APK can be built here).

python-for-android installs only what `requirements` in build/buildozer.spec names: a recipe
(compiled for the box) or a pure-Python wheel (pip --no-deps). An import that none of them
provides fails on the box the first time that code runs, so every import is read from the
source, including the ones inside functions.
"""
from __future__ import annotations

import ast
import configparser
import importlib.util
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
BUILD = ROOT / "build"

# Import name → the spec requirement that provides it (p4a recipe, or pure-Python wheel).
PROVIDED_BY = {
    "kivy": "kivy",              # recipe
    "ffpyplayer": "ffpyplayer",  # recipe
    "jnius": "pyjnius",          # recipe
    "android": "android",        # recipe (p4a's android module)
    "PIL": "pillow",             # recipe (build/recipes/pillow: Pillow with raqm)
    "fontTools": "fonttools",    # pure-Python wheel (its compiled parts are optional)
    "babel": "babel",            # pure-Python wheel
}
# Standard-library modules whose C part python-for-android builds only when its recipe is asked for.
STDLIB_FROM_RECIPE = {"sqlite3": "sqlite3", "ssl": "openssl", "_ssl": "openssl"}


def spec_requirements() -> set[str]:
    parser = configparser.ConfigParser(interpolation=None)
    parser.optionxform = str
    assert parser.read(BUILD / "buildozer.spec", encoding="utf-8")
    names = (part.strip().split("==")[0] for part in parser["app"]["requirements"].split(","))
    return {name.lower() for name in names if name}


def imported_modules(tree: Path) -> dict[str, set[str]]:
    """Top-level names of every absolute import under `tree` (any depth in the code) → files."""
    found: dict[str, set[str]] = {}
    for path in sorted(tree.rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), str(path))):
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                names = [node.module]
            else:
                continue
            for name in names:
                found.setdefault(name.split(".")[0], set()).add(str(path.relative_to(tree)))
    return found


def staged_app(dest: Path) -> Path:
    loader = importlib.util.spec_from_file_location("stage_app", BUILD / "stage_app.py")
    stage_app = importlib.util.module_from_spec(loader)
    loader.loader.exec_module(stage_app)
    return stage_app.stage(dest)


def first_party(app: Path) -> set[str]:
    return {p.stem for p in app.glob("*.py")} | {p.parent.name for p in app.glob("*/__init__.py")}


def unprovided(imports: dict[str, set[str]], own: set[str], requirements: set[str]) -> dict[str, str]:
    """Imports the package would not contain, each with why and where."""
    missing = {}
    for name, files in sorted(imports.items()):
        if name in own:
            continue
        if name in sys.stdlib_module_names:
            needed = STDLIB_FROM_RECIPE.get(name)
        else:
            needed = PROVIDED_BY.get(name)
            if needed is None:
                missing[name] = f"unknown third-party module (add it to PROVIDED_BY and the spec), in {sorted(files)}"
                continue
        if needed and needed not in requirements:
            missing[name] = f"needs requirement {needed!r}, imported in {sorted(files)}"
    return missing


@pytest.fixture(scope="module")
def app(tmp_path_factory) -> Path:
    return staged_app(tmp_path_factory.mktemp("staged") / "app")


def test_every_import_of_the_box_app_is_in_the_package(app):
    requirements = spec_requirements()
    own = first_party(app)
    assert {"main", "stb_app", "legaltv_locale"} <= own
    assert unprovided(imported_modules(ROOT / "stb_app"), own, requirements) == {}
    assert unprovided(imported_modules(app), own, requirements) == {}


def test_imports_inside_functions_are_read(app):
    # Pillow and fontTools are imported inside functions: the walk must see them there.
    imports = imported_modules(app)
    assert "stb_app/ui/text.py" in imports["PIL"] and "stb_app/fonts.py" in imports["fontTools"]
    assert "main.py" in imports["jnius"]


def test_a_module_no_requirement_provides_is_reported(tmp_path):
    (tmp_path / "screen.py").write_text("def draw():\n    import numpy\n    from PIL import Image\n")
    missing = unprovided(imported_modules(tmp_path), {"screen"}, {"python3", "kivy"})
    assert set(missing) == {"numpy", "PIL"}
    assert "pillow" in missing["PIL"] and "unknown" in missing["numpy"]
