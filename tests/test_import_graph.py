"""The folders say the architecture, and this test keeps them honest: it reads every import of
content_server/ and stb_app/ (relative, absolute, inside functions) with `ast` and names each
arrow the architecture forbids.

Server layers, bottom up: the kernel (needs nothing of ours) ← storage (SQL of every feature) ←
features (media, catalog, schedule, questions, uploads, guidance, accounts, …) ← consoles ←
the wiring (app, cli, demo, serving). Every module not named otherwise is a feature, so a new
folder is held to the rules the day it is added.
"""
from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

# modules that put the server together: they may import anything
WIRING = {"content_server", "content_server.__main__", "content_server.app", "content_server.cli",
          "content_server.demo", "content_server.serving", "content_server.catalogs"}
# the box's Kivy lives in its UI folder and its entry point; everything else is plain Python
BOX_UI = ("stb_app.ui", "stb_app.main")


def _within(module: str, package: str) -> bool:
    return module == package or module.startswith(package + ".")


def layer(module: str) -> str | None:
    """The layer a module of ours belongs to; None for modules outside the rules."""
    if _within(module, "content_server"):
        if module in WIRING:
            return "wiring"
        for name in ("kernel", "storage", "consoles"):
            if _within(module, f"content_server.{name}"):
                return name
        return "feature"
    if _within(module, "stb_app"):
        return "box ui" if any(_within(module, ui) for ui in BOX_UI) else "pure box"
    if _within(module, "kivy"):
        return "kivy"
    return None


# (importer, imported, why): one line per forbidden arrow
FORBIDDEN = [
    ("storage", "feature", "storage holds the SQL every feature calls; it knows no feature"),
    ("storage", "consoles", "storage knows no console"),
    ("feature", "consoles", "consoles are built on features, never the reverse"),
    ("kernel", "feature", "the kernel is shared by all and needs none of them"),
    ("kernel", "consoles", "the kernel is shared by all and needs none of them"),
    ("kernel", "storage", "the kernel needs no database"),
    ("pure box", "kivy", "focus, library, outbox, ABR, WebVTT, layout: tested without a window"),
]


def module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _is_module(name: str) -> bool:
    base = ROOT.joinpath(*name.split("."))
    return base.with_suffix(".py").is_file() or (base / "__init__.py").is_file()


def _ours_or_top(name: str) -> str:
    """Our modules by full name, anything else by its distribution's top name (kivy.uix.x → kivy)."""
    top = name.partition(".")[0]
    return name if top in ("content_server", "stb_app") else top


def imports_of(path: Path, source: str | None = None) -> set[str]:
    """Every module `path` imports (or `source`, read as if it were that file), as dotted names;
    `from p import m` names p.m when m is a module."""
    name = module_name(path)
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found: set[str] = set()
    for node in ast.walk(ast.parse(source if source is not None else path.read_text(encoding="utf-8"), str(path))):
        if isinstance(node, ast.Import):
            found.update(_ours_or_top(alias.name) for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")
                base = base[:len(base) - (node.level - 1)]
                origin = ".".join(base + ([node.module] if node.module else []))
            else:
                origin = node.module or ""
            found.add(_ours_or_top(origin))
            found.update(f"{origin}.{alias.name}" for alias in node.names
                         if _is_module(f"{origin}.{alias.name}"))
    found.discard(name)
    return found


def import_graph() -> dict[str, set[str]]:
    return {module_name(path): imports_of(path)
            for top in ("content_server", "stb_app") for path in sorted((ROOT / top).rglob("*.py"))}


def forbidden_arrows(graph: dict[str, set[str]]) -> list[str]:
    """'importer → imported' for every import that a rule of FORBIDDEN refuses."""
    rules = {(importer, imported) for importer, imported, _ in FORBIDDEN}
    return [f"{module} → {target}" for module, imported in sorted(graph.items())
            for target in sorted(imported) if (layer(module), layer(target)) in rules]


def _report(arrows: list[str]) -> str:
    lines = []
    for importer, imported, why in FORBIDDEN:
        broken = [a for a in arrows if (layer(a.split(" → ")[0]), layer(a.split(" → ")[1])) == (importer, imported)]
        if broken:
            lines += [f"{importer} must not import {imported} ({why}):"] + [f"    {a}" for a in broken]
    return "\n".join(lines)


def test_the_server_has_no_forbidden_arrow():
    arrows = [a for a in forbidden_arrows(import_graph()) if a.startswith("content_server")]
    assert not arrows, "\n" + _report(arrows)


def test_pure_box_modules_do_not_import_kivy():
    arrows = [a for a in forbidden_arrows(import_graph()) if a.startswith("stb_app")]
    assert not arrows, "\n" + _report(arrows)


def test_a_forbidden_arrow_is_named_wherever_the_import_hides():
    """Relative, absolute, and inside a function: each is read, and each is named."""
    source = ("from ..consoles import staff\n"
              "import content_server.consoles.admin\n"
              "def later():\n"
              "    from content_server.consoles import editor\n")
    module = ROOT / "content_server" / "questions" / "views.py"
    arrows = forbidden_arrows({"content_server.questions.views": imports_of(module, source)})
    assert arrows == [
        "content_server.questions.views → content_server.consoles",
        "content_server.questions.views → content_server.consoles.admin",
        "content_server.questions.views → content_server.consoles.editor",
        "content_server.questions.views → content_server.consoles.staff",
    ]
    assert forbidden_arrows({"stb_app.focus": {"kivy"}}) and not forbidden_arrows({"stb_app.ui.home": {"kivy"}})

