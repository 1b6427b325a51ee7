"""The number reader: figures in free Chinese text become facts (FACTS.md)."""

from pipeline.figures.fact import Doubt, Fact
from pipeline.figures.normal import NormalText, normalise
from pipeline.figures.reader import FigureReading, read_figures, text_to_facts

__all__ = ["Doubt", "Fact", "FigureReading", "NormalText", "normalise", "read_figures", "text_to_facts"]
