"""The box's screens, widgets and player: the only modules of the app that import Kivy."""
