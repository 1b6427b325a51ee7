"""jixiao: performance self-evaluation forms into a DuckDB warehouse."""

__version__ = "0.1.0"
