"""The legal-tv set-top box app (Kivy), driven by a TV remote, in Chinese and traditional Mongolian."""
