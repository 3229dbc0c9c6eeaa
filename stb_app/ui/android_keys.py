"""On Android only: the remote keys SDL2 drops (Guide, Channel ±, Info, the colour keys, BUTTON_A/B
of a keyboard-like remote; see stb_app/keys.py) taken from SDL's surface before SDL sees them.

A View.OnKeyListener takes the place of SDL's own (SDLSurface is its own listener) and hands
every other key to it unchanged. Not run on these machines (no Android here): a first build on
a box must check that Guide, Channel ± and a colour key act, and that arrows and OK still do.
"""
from __future__ import annotations

from kivy.clock import Clock
from kivy.logger import Logger
from kivy.utils import platform

from .. import keys

ACTION_DOWN = 0  # android.view.KeyEvent.ACTION_DOWN


def install(app) -> bool:
    """Puts the listener in front of SDL's on Android; False elsewhere or when it cannot."""
    if platform != "android":
        return False
    try:
        from android.runnable import run_on_ui_thread
        from jnius import PythonJavaClass, autoclass, java_method

        # SDL's surface view, a static field of SDLActivity (PythonActivity's parent), where it is declared
        surface = autoclass("org.libsdl.app.SDLActivity").mSurface

        class RemoteKeys(PythonJavaClass):
            __javainterfaces__ = ["android/view/View$OnKeyListener"]
            __javacontext__ = "app"

            @java_method("(Landroid/view/View;ILandroid/view/KeyEvent;)Z")
            def onKey(self, view, keycode, event):  # noqa: N802 — the Java interface's name
                if keys.from_android_key(keycode) is None:
                    return surface.onKey(view, keycode, event)  # SDL's own handling, untouched
                if event.getAction() == ACTION_DOWN:
                    Clock.schedule_once(lambda _dt: app.android_key(keycode))  # on Kivy's thread
                return True

        listener = RemoteKeys()
        app._remote_keys = listener  # the Java side holds only a weak reference to a Python object

        @run_on_ui_thread
        def attach():
            surface.setOnKeyListener(listener)

        attach()
        return True
    except Exception as err:  # noqa: BLE001 — SDL's own keys keep working without it
        Logger.warning(f"Remote: TV keys SDL drops stay unavailable ({type(err).__name__}: {err})")
        return False
