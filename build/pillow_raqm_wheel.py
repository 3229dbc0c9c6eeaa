#!/usr/bin/env python3
"""Builds here the Pillow that build/recipes/pillow builds for the box, to prove its configuration.

Same version, same setup.py.patch, same build settings (read from the recipe's source, which
needs python-for-android to import); as on the box, libraries are found only through the *_ROOT
variables, here pointed at Debian's (scripts/setup.sh installs them). The wheel is cached under
$LEGALTV_BUILD_CACHE (default ~/.cache/legal-tv), keyed by version, settings, patch, variables and
interpreter, so only a first run builds. Usage: python build/pillow_raqm_wheel.py → the wheel's path
"""
from __future__ import annotations

import ast
import fcntl
import hashlib
import json
import os
import shutil
import subprocess
import sys
import sysconfig
import tarfile
import tempfile
from pathlib import Path

BUILD = Path(__file__).resolve().parent
RECIPE = BUILD / "recipes" / "pillow"


def recipe_settings() -> tuple[str, list[str]]:
    """The recipe's Pillow version and build settings, e.g. ("11.3.0", ["raqm=enable", …])."""
    tree = ast.parse((RECIPE / "__init__.py").read_text(encoding="utf-8"))
    recipe_class = next(node for node in tree.body if isinstance(node, ast.ClassDef))
    values = {target.id: node.value for node in recipe_class.body if isinstance(node, ast.Assign)
              for target in node.targets if isinstance(target, ast.Name)}
    return ast.literal_eval(values["version"]), ast.literal_eval(values["config_settings"])


def debian_roots() -> dict[str, str]:
    """The recipe's *_ROOT variables ("libdir:includedir"), laid out as on the box, for Debian."""
    lib = f"/usr/lib/{sysconfig.get_config_var('MULTIARCH')}"
    return {"JPEG_ROOT": f"{lib}:/usr/include", "ZLIB_ROOT": f"{lib}:/usr/include",
            "FREETYPE_ROOT": f"{lib}:/usr/include/freetype2", "HARFBUZZ_ROOT": f"{lib}:/usr/include/harfbuzz",
            "FRIBIDI_ROOT": f"{lib}:/usr/include"}


def cache_root() -> Path:
    return Path(os.environ.get("LEGALTV_BUILD_CACHE", Path.home() / ".cache" / "legal-tv"))


def wheel(settings: list[str] | None = None, roots: dict[str, str] | None = None) -> Path:
    """The built wheel (from the cache when this configuration was built before)."""
    version, recipe_config = recipe_settings()
    settings = recipe_config if settings is None else settings
    roots = debian_roots() if roots is None else roots
    patch = (RECIPE / "setup.py.patch").read_bytes()
    key = hashlib.sha256(json.dumps([version, settings, roots, sys.implementation.cache_tag,
                                     sysconfig.get_platform()]).encode() + patch).hexdigest()[:16]
    target = cache_root() / f"pillow-{version}-{key}"
    target.mkdir(parents=True, exist_ok=True)
    with open(target / ".lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)  # one build per configuration, even with two runs at once
        built = sorted(target.glob("*.whl"))
        if built:
            return built[0]
        with tempfile.TemporaryDirectory() as scratch:
            source = _patched_sdist(version, patch, Path(scratch))
            env = {**os.environ, **roots}
            options = [arg for setting in settings for arg in ("-C", setting)]
            subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-cache-dir",
                            "--disable-pip-version-check", "-q", *options, "-w", scratch, str(source)],
                           env=env, check=True)
            [made] = Path(scratch).glob("pillow-*.whl")
            shutil.move(made, target / made.name)
            return target / made.name


def _patched_sdist(version: str, patch: bytes, scratch: Path) -> Path:
    subprocess.run([sys.executable, "-m", "pip", "download", "--no-deps", "--no-binary", ":all:",
                    "--disable-pip-version-check", "-q", "-d", str(scratch), f"pillow=={version}"], check=True)
    [archive] = scratch.glob("pillow-*.tar.gz")
    with tarfile.open(archive) as tar:
        tar.extractall(scratch, filter="data")
    source = scratch / f"pillow-{version}"
    subprocess.run(["patch", "-p1", "-s"], input=patch, cwd=source, check=True)
    return source


if __name__ == "__main__":
    print(wheel())
