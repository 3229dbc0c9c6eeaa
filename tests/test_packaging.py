"""The Android TV packaging files are complete and consistent (no APK can be built here)."""
from __future__ import annotations

import configparser
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from PIL import Image

ROOT = Path(__file__).resolve().parent.parent
BUILD = ROOT / "build"
ANDROID = "http://schemas.android.com/apk/res/android"


@pytest.fixture(scope="module")
def spec() -> dict[str, str]:
    parser = configparser.ConfigParser(interpolation=None)
    parser.optionxform = str  # buildozer's option names are case-sensitive
    assert parser.read(BUILD / "buildozer.spec", encoding="utf-8")
    return dict(parser["app"])


def listed(value: str) -> list[str]:
    return [part.strip() for part in value.split(",") if part.strip()]


def fragment(path: Path) -> ET.Element:
    """A manifest fragment as buildozer pastes it, parsed inside a root declaring the android prefix."""
    return ET.fromstring(f'<root xmlns:android="{ANDROID}">{path.read_text(encoding="utf-8")}</root>')


def test_the_spec_targets_android_tv_boxes(spec):
    assert spec["orientation"] == "landscape"
    assert set(listed(spec["android.archs"])) == {"arm64-v8a", "armeabi-v7a"}
    assert "INTERNET" in listed(spec["android.permissions"])
    assert spec["android.api"] == "33" and spec["android.ndk"] == "28c"
    assert spec["p4a.bootstrap"] == "sdl2"
    assert {"py", "mo", "ttf", "otf", "kv", "json"} <= set(listed(spec["source.include_exts"]))


def test_requirements_are_pinned(spec):
    requirements = dict(r.split("==") if "==" in r else (r, None) for r in listed(spec["requirements"]))
    assert requirements["kivy"] == "2.3.1"
    assert requirements["ffpyplayer"] and requirements["python3"] == requirements["hostpython3"]
    unpinned = {name for name, version in requirements.items() if version is None}
    assert unpinned <= {"sqlite3", "openssl", "android"}  # recipes whose version the p4a commit fixes


def test_every_file_the_spec_names_exists(spec):
    for key in ("icon.filename", "presplash.filename", "android.manifest.intent_filters",
                "android.extra_manifest_xml", "android.extra_manifest_application_arguments"):
        assert (BUILD / spec[key]).is_file(), key
    assert (BUILD / spec["android.add_resources"]).is_dir()


def test_the_app_appears_in_the_tv_launcher(spec):
    filters = fragment(BUILD / spec["android.manifest.intent_filters"]).findall("intent-filter")
    pairs = {(f.find("action").get(f"{{{ANDROID}}}name"), c.get(f"{{{ANDROID}}}name"))
             for f in filters for c in f.findall("category")}
    assert ("android.intent.action.MAIN", "android.intent.category.LEANBACK_LAUNCHER") in pairs


def test_tv_features_are_declared_not_required(spec):
    features = {e.get(f"{{{ANDROID}}}name"): e.get(f"{{{ANDROID}}}required")
                for e in fragment(BUILD / spec["android.extra_manifest_xml"]).findall("uses-feature")}
    assert features == {"android.software.leanback": "false", "android.hardware.touchscreen": "false"}


def test_the_banner_attribute_names_a_banner_drawn_for_each_language(spec):
    arguments = (BUILD / spec["android.extra_manifest_application_arguments"]).read_text().strip()
    application = ET.fromstring(f'<application xmlns:android="{ANDROID}" {arguments} />')
    assert application.get(f"{{{ANDROID}}}banner") == "@drawable/banner"
    resources = BUILD / spec["android.add_resources"]
    banners = {path.parent.name: path for path in resources.glob("drawable*/banner.png")}
    assert set(banners) == {"drawable-xhdpi", "drawable-mn-xhdpi"}   # default (Chinese) and Mongolian
    for path in banners.values():
        with Image.open(path) as image:
            assert image.size == (320, 180)
            assert len(image.convert("L").getcolors(65536)) > 20   # drawn, not blank
    assert Image.open(banners["drawable-xhdpi"]).tobytes() != Image.open(banners["drawable-mn-xhdpi"]).tobytes()


def test_the_icon_is_large_enough_for_tv_launchers(spec):
    with Image.open(BUILD / spec["icon.filename"]) as image:
        assert min(image.size) >= 160 and image.size[0] == image.size[1]


def test_the_staged_app_has_its_entry_point_fonts_and_compiled_catalogs(spec, tmp_path):
    import importlib.util
    loader = importlib.util.spec_from_file_location("stage_app", BUILD / "stage_app.py")
    stage_app = importlib.util.module_from_spec(loader)
    loader.loader.exec_module(stage_app)
    assert stage_app.DEFAULT_DEST == (BUILD / spec["source.dir"]).resolve()

    app = stage_app.stage(tmp_path / "app")

    assert "from stb_app.main import main" in (app / "main.py").read_text()
    assert (app / "stb_app" / "main.py").is_file() and (app / "legaltv_locale" / "__init__.py").is_file()
    assert (app / "legaltv_regions" / "data" / "regions.json").is_file()  # the box names places offline
    assert (app / "stb_app" / "ui" / "app.py").is_file() and (app / "stb_app" / "ui" / "root.kv").is_file()
    assert {p.stem for p in (app / "stb_app" / "ui" / "screens").glob("*.kv")} >= {"home", "player", "ask"}
    assert (app / "stb_app" / "fonts" / "NotoSansMongolian-Regular.ttf").is_file()
    assert (app / "stb_app" / "fonts" / "NotoSansSC-legaltv.otf").is_file()
    for locale in ("zh_Hans_CN", "mn_Mong_CN"):
        assert (app / "locales" / locale / "LC_MESSAGES" / "legal_tv.mo").stat().st_size > 1000
    included = set(listed(spec["source.include_exts"]))
    needed = {p.suffix.lstrip(".") for p in app.rglob("*") if p.is_file()}
    assert needed <= included, f"files buildozer would leave out: {needed - included}"
