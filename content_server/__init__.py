"""legal-tv content server: catalog, media pipeline, schedule, questions and consoles."""
