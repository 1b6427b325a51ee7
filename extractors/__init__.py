"""Readers: one per submission format, each returning a ``Document``."""
