"""Imported by the readers' fork server: loads everything a reading needs, once."""

from pipeline.extract import warm_up

warm_up()
