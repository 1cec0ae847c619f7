"""Synthetic register books (page images + ground truth) for tests, demos and benchmarks.

``write_sample_book`` is the entry point; ``render_date_words`` writes a date in words the way
register books do.
"""

from synth.book import write_sample_book
from synth.dates_words import render_date_words

__all__ = ["render_date_words", "write_sample_book"]
