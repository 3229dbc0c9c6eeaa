"""Pillow for the box, with raqm: every Mongolian line is drawn shaped (joined), never letter by letter.

python-for-android's own Pillow recipe (11.3.0 at p4a commit a608f59) builds with freetype only:
raqm is left out (harfbuzz is not a dependency, its headers are looked for where they are not, and
fribidi has no recipe), so Pillow falls back to basic layout and Mongolian comes out unjoined. This
recipe builds the same Pillow version with Pillow's own copy of raqm, linked to p4a's harfbuzz and
to libfribidi (build/recipes/fribidi). `raqm=enable` makes the build fail rather than quietly leave
raqm out. tests/test_pillow_recipe.py builds this version with these settings and the same
setup.py.patch on the desktop and checks the shaping. Named by `p4a.local_recipes` in buildozer.spec.
"""
from os.path import join

from pythonforandroid.recipe import PyProjectRecipe


class PillowWithRaqmRecipe(PyProjectRecipe):
    version = "11.3.0"
    url = "https://github.com/python-pillow/Pillow/archive/{version}.tar.gz"
    site_packages_name = "PIL"
    patches = ["setup.py.patch"]  # p4a's: libraries are found only through the *_ROOT variables below
    depends = ["png", "jpeg", "freetype", "harfbuzz", "fribidi"]
    opt_depends = ["libwebp"]
    hostpython_prerequisites = ["setuptools>=77"]
    # Pillow's build settings (pip -C / python -m build --config-setting), read by the test too
    config_settings = ["raqm=enable", "raqm=vendor"]
    extra_build_args = [arg for setting in config_settings for arg in ("--config-setting", setting)]

    def check_prebuilt(self, arch, msg=""):
        # a prebuilt Android wheel from PyPI would be installed instead of this build: never use one
        return False

    def get_recipe_env(self, arch, **kwargs):
        env = super().get_recipe_env(arch, **kwargs)
        env["LDFLAGS"] = env.get("LDFLAGS", "") + " -lm"

        jpeg = self.get_recipe("jpeg", self.ctx).get_build_dir(arch.arch)
        env["JPEG_ROOT"] = f"{jpeg}:{jpeg}"

        freetype = self.get_recipe("freetype", self.ctx).get_build_dir(arch.arch)
        env["FREETYPE_ROOT"] = f"{join(freetype, 'objs', '.libs')}:{join(freetype, 'include')}"

        # hb.h and hb-ft.h are in harfbuzz's src/, not at the top of its build directory
        harfbuzz = self.get_recipe("harfbuzz", self.ctx).get_build_dir(arch.arch)
        env["HARFBUZZ_ROOT"] = f"{join(harfbuzz, 'src', '.libs')}:{join(harfbuzz, 'src')}"

        fribidi = join(self.get_recipe("fribidi", self.ctx).get_build_dir(arch.arch), "install")
        env["FRIBIDI_ROOT"] = f"{join(fribidi, 'lib')}:{join(fribidi, 'include')}"

        env["ZLIB_ROOT"] = f"{arch.ndk_lib_dir_versioned}:{self.ctx.ndk.sysroot_include_dir}"

        if "libwebp" in self.ctx.recipe_build_order:
            webp = join(self.get_recipe("libwebp", self.ctx).get_build_dir(arch.arch), "installation")
            env["WEBP_ROOT"] = f"{join(webp, 'lib')}:{join(webp, 'include')}"
        return env


recipe = PillowWithRaqmRecipe()
