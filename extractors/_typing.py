"""Type aliases shared by the readers and the pipeline."""

from __future__ import annotations

BBox = tuple[float, float, float, float]
"""``(x0, top, x1, bottom)`` in PDF points, top-left origin, as pdfplumber gives it."""

Span = tuple[int, int]
"""``[start, end)`` character offsets into a document's text."""
