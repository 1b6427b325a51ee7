"""The optional C helper of the PDF reader, ``extractors/_assemble.c``: the module, or None.

The install builds it where a C compiler and the Python headers are; where they are not, the
modules that use it (``document``, ``grid``, ``pdf``, ``pdfium``) take the same steps in
Python, with the same readings. Each imports it under its own name ``_assemble``, which the
tests set to None to run the Python steps.
"""

from __future__ import annotations

try:
    from extractors import _assemble as assemble
except ImportError:  # no compiler at install
    assemble = None  # type: ignore[assignment]
