"""Builds legal-tv with its compiled message catalogs inside the packages that read them.

An installed package has no checkout around it, so the .mo files compiled from locales/*.po go
into content_server/locales/ (the server) and stb_app/locales/ (the box app) of the build.
Everything else is declared in pyproject.toml.
"""
import sys
from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py

HERE = Path(__file__).resolve().parent
READERS = ("content_server", "stb_app")  # the packages that look for <package>/locales/


class BuildWithCatalogs(build_py):
    def run(self):
        super().run()
        self.catalogs = []
        if getattr(self, "editable_mode", False):
            return  # an editable install reads the checkout's locales/, compiled there
        sys.path.insert(0, str(HERE))
        from content_server.catalogs import compile_into
        for package in READERS:
            self.catalogs += [str(p) for p in compile_into(Path(self.build_lib) / package / "locales")]

    def get_outputs(self, include_bytecode=1):
        return super().get_outputs(include_bytecode) + getattr(self, "catalogs", [])


setup(cmdclass={"build_py": BuildWithCatalogs})
