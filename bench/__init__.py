"""Benchmarks, run as scripts (`.venv/bin/python bench/<name>.py`); a package only so that tools name them."""
