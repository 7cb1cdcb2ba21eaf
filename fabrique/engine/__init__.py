"""Fabrique's pure core: algorithms as plain functions over plain data.

Nothing here imports Django or another ``fabrique`` package (an import-linter contract checks
it); apps build the inputs from their records through an adapter module.
"""
