"""`stb-app --server URL [--size 1920x1080|3840x2160] [--language zh|mn] [--data DIR] [--region CODE]`."""
from __future__ import annotations

import argparse
import os
from pathlib import Path

DESIGN_WIDTH = 1920  # layouts are designed at 1920×1080 and scaled by density, not stretched


def parse_args(argv=None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="stb-app", description="legal-tv set-top box app")
    parser.add_argument("--server", required=True, help="content server, e.g. http://127.0.0.1:8080")
    parser.add_argument("--size", default="1920x1080", help="window size, e.g. 1920x1080 or 3840x2160")
    parser.add_argument("--language", choices=("zh", "mn"), default=None,
                        help="interface language (default: the last one chosen, else zh)")
    parser.add_argument("--data", default=str(Path.home() / ".legal-tv"), help="cache and outbox directory")
    parser.add_argument("--region", default=None,
                        help="the household's region code (e.g. 152502) while it has not chosen its place on "
                             "the box; without it the box asks on first start. The household's choice wins")
    parser.add_argument("--device-class", default="fhd", choices=("sd", "hd", "fhd", "uhd"),
                        help="highest video rung this box may play")
    return parser.parse_args(argv)


def configure_kivy(width: int, height: int, data: Path) -> None:
    """Environment and config Kivy reads at import time; call before importing kivy."""
    os.environ.setdefault("KIVY_HOME", str(data / "kivy"))
    os.environ.setdefault("KIVY_NO_ARGS", "1")
    os.environ.setdefault("SDL_AUDIODRIVER", os.environ.get("SDL_AUDIODRIVER", "pulseaudio"))
    os.environ["KIVY_METRICS_DENSITY"] = str(width / DESIGN_WIDTH)
    from kivy.config import Config

    Config.set("graphics", "width", str(width))
    Config.set("graphics", "height", str(height))
    Config.set("graphics", "resizable", "0")
    Config.set("kivy", "exit_on_escape", "0")
    Config.set("input", "mouse", "mouse,disable_multitouch")


def main(argv=None) -> int:
    args = parse_args(argv)
    width, height = (int(v) for v in args.size.lower().split("x"))
    data = Path(args.data).expanduser()
    data.mkdir(parents=True, exist_ok=True)
    configure_kivy(width, height, data)
    from .ui.app import LegalTvApp

    LegalTvApp(args.server, data, language=args.language, region=args.region,
               device_class=args.device_class).run()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
