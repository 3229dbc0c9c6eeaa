"""The box's Pillow recipe gives raqm: Mongolian comes out shaped as HarfBuzz shapes it.

No APK can be built here, so the recipe's configuration (version, setup.py.patch, build
settings, libraries found only through *_ROOT) is built on the desktop into a scratch venv
(build/pillow_raqm_wheel.py; the first build takes about 30 s, later runs reuse the cached wheel).
"""
from __future__ import annotations

import ast
import configparser
import importlib.util
import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
BUILD = ROOT / "build"
FONT = ROOT / "stb_app" / "fonts" / "NotoSansMongolian-Regular.ttf"
MONGOL = "ᠮᠣᠩᠭᠣᠯ"
SIZE = 1000  # = the font's units per em: Pillow's pixels are HarfBuzz's font units

PROBE = """
import json, sys
import PIL
from PIL import ImageFont, features
font, text, size = sys.argv[1], sys.argv[2], int(sys.argv[3])
raqm = features.check("raqm")
shaped = ImageFont.truetype(font, size, layout_engine=ImageFont.Layout.RAQM) if raqm else None
basic = ImageFont.truetype(font, size, layout_engine=ImageFont.Layout.BASIC)
print(json.dumps({"version": PIL.__version__, "file": PIL.__file__, "raqm": raqm,
                  "raqm_version": features.version("raqm"), "fribidi": features.version("fribidi"),
                  "harfbuzz": bool(ImageFont.core.HAVE_HARFBUZZ), "extension": ImageFont.core.__file__,
                  "shaped": shaped.getlength(text, language="mn") if raqm else None,
                  "basic": basic.getlength(text)}))
"""


def load_builder():
    spec = importlib.util.spec_from_file_location("pillow_raqm_wheel", BUILD / "pillow_raqm_wheel.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def harfbuzz_width(text: str) -> float:
    """The advance of `text` in font units as HarfBuzz itself shapes it (hb-shape)."""
    out = subprocess.run(["hb-shape", "--output-format=json", "--no-glyph-names", "--language=mn",
                          str(FONT), text], capture_output=True, text=True, check=True).stdout
    return sum(glyph["ax"] for glyph in json.loads(out))


def probe(wheel: Path, scratch: Path) -> dict:
    """What Pillow, installed alone from `wheel` into a fresh venv, says about `MONGOL`."""
    venv = scratch / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
    python = venv / "bin" / "python"
    subprocess.run([python, "-m", "pip", "install", "-q", "--no-index", "--no-deps",
                    "--disable-pip-version-check", str(wheel)], check=True)
    out = subprocess.run([python, "-I", "-c", PROBE, str(FONT), MONGOL, str(SIZE)], cwd=scratch,
                         capture_output=True, text=True, check=True).stdout
    return json.loads(out)


def test_the_spec_builds_pillow_with_the_local_recipe_that_asks_for_raqm():
    parser = configparser.ConfigParser(interpolation=None)
    parser.optionxform = str
    parser.read(BUILD / "buildozer.spec", encoding="utf-8")
    recipes = BUILD / parser["app"]["p4a.local_recipes"]
    assert (recipes / "pillow" / "__init__.py").is_file() and (recipes / "fribidi" / "__init__.py").is_file()
    version, settings = load_builder().recipe_settings()
    assert f"pillow=={version}" in parser["app"]["requirements"].split(",")
    assert {"raqm=vendor", "raqm=enable"} <= set(settings)   # raqm built, or the build fails
    recipe = ast.parse((recipes / "pillow" / "__init__.py").read_text(encoding="utf-8"))
    depends = next(ast.literal_eval(node.value) for node in ast.walk(recipe)
                   if isinstance(node, ast.Assign) and getattr(node.targets[0], "id", None) == "depends")
    assert {"freetype", "harfbuzz", "fribidi"} <= set(depends)


@pytest.mark.slow
def test_the_recipes_pillow_draws_mongolian_shaped_as_harfbuzz_does(tmp_path):
    assert shutil.which("hb-shape"), "install libharfbuzz-bin (scripts/setup.sh)"
    builder = load_builder()
    version, _ = builder.recipe_settings()

    pillow = probe(builder.wheel(), tmp_path)

    assert pillow["version"] == version and pillow["file"].startswith(str(tmp_path))
    assert pillow["raqm"] and pillow["raqm_version"] and pillow["fribidi"] and pillow["harfbuzz"]
    linked = subprocess.run(["ldd", pillow["extension"]], capture_output=True, text=True, check=True).stdout
    assert "libfribidi.so" in linked and "libharfbuzz.so" in linked   # linked as on the box, not dlopen()ed
    assert pillow["shaped"] == harfbuzz_width(MONGOL)
    assert pillow["basic"] > 1.2 * pillow["shaped"]   # unjoined letters: what the box must never draw


@pytest.mark.slow
def test_without_fribidi_the_recipes_build_stops_instead_of_leaving_raqm_out(tmp_path, monkeypatch):
    monkeypatch.setenv("LEGALTV_BUILD_CACHE", str(tmp_path / "cache"))
    builder = load_builder()
    roots = builder.debian_roots()
    lib = roots["JPEG_ROOT"].split(":")[0]
    # JPEG and zlib headers alone, so that no fribidi/ sits beside them; no FRIBIDI_ROOT
    headers = tmp_path / "include"
    headers.mkdir()
    for header in ("jpeglib.h", "jmorecfg.h", "jerror.h", "zlib.h", "zconf.h"):
        (headers / header).symlink_to(Path("/usr/include") / header)
    (headers / "jconfig.h").symlink_to(Path("/usr/include") / Path(lib).name / "jconfig.h")
    del roots["FRIBIDI_ROOT"]
    roots["JPEG_ROOT"] = roots["ZLIB_ROOT"] = f"{lib}:{headers}"

    with pytest.raises(subprocess.CalledProcessError):
        builder.wheel(roots=roots)
