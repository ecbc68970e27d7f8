"""hw6: exact solutions, answer keys, variants and grading for a deep-learning homework."""

__version__ = "0.6.0"
