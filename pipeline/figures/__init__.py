"""The number reader: figures in free Chinese text become facts (FACTS.md)."""

from pipeline.figures.fact import Fact
from pipeline.figures.reader import text_to_facts

__all__ = ["Fact", "text_to_facts"]
