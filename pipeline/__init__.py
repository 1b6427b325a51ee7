"""jixiao: performance self-evaluation forms into a DuckDB warehouse."""

from pipeline import _compiled

_compiled.guard()  # before any compiled module is imported: a stale build runs its sources

__version__ = "0.1.0"
