"""Benchmarks: `python -m bench [--only NAME]` runs every `bench/*_bench.py` module's `run()`."""
