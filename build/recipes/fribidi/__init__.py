"""GNU FriBidi as a shared library for the box: raqm (inside Pillow) needs it to lay out a line.

python-for-android has no fribidi recipe. Built with the release tarball's autotools (libtool
names the library libfribidi.so on Android, without a version suffix, as the APK needs).
"""
from multiprocessing import cpu_count
from os.path import join

import sh
from pythonforandroid.logger import shprint
from pythonforandroid.recipe import Recipe
from pythonforandroid.util import current_directory


class FribidiRecipe(Recipe):
    version = "1.0.16"
    url = "https://github.com/fribidi/fribidi/releases/download/v{version}/fribidi-{version}.tar.xz"
    built_libraries = {"libfribidi.so": join("install", "lib")}

    def build_arch(self, arch):
        env = self.get_recipe_env(arch)
        env.setdefault("CC_FOR_BUILD", "cc")  # fribidi's table generators run on the build machine
        build_dir = self.get_build_dir(arch.arch)
        with current_directory(build_dir):
            shprint(sh.Command("./configure"), f"--host={arch.command_prefix}",
                    f"--prefix={join(build_dir, 'install')}", "--enable-shared", "--disable-static",
                    _env=env)
            shprint(sh.make, "-j", str(cpu_count()), _env=env)
            shprint(sh.make, "install", _env=env)


recipe = FribidiRecipe()
