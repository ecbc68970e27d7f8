"""Helpers the tests and benchmarks share; not part of hw6 itself."""
