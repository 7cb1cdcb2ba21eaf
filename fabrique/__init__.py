"""Fabrique: skills programmes of an industrial territory, run together."""

__version__ = "0.1.0"
