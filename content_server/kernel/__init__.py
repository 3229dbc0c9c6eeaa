"""The shared kernel: what every layer may use (credentials, errors, validation, HTTP caching,
rate-limit policies, translations, settings); it imports nothing else of the server."""
