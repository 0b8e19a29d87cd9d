"""Benchmarks on realistic volumes (``make bench``); results go to ``benchmarks/results/``."""
