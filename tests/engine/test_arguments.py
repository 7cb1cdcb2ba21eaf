"""Command-line argument types shared by the commands."""

from __future__ import annotations

import argparse

import pytest

from fabrique.engine.arguments import whole_number


def test_whole_number_from_a_minimum_to_an_optional_maximum():
    assert whole_number(0)("0") == 0
    assert whole_number(1, 65535)("8000") == 8000
    with pytest.raises(argparse.ArgumentTypeError, match="'x' is not a whole number"):
        whole_number(0)("x")
    with pytest.raises(argparse.ArgumentTypeError, match="must be 1 or more"):
        whole_number(1)("0")
    with pytest.raises(argparse.ArgumentTypeError, match="must be between 1 and 65535"):
        whole_number(1, 65535)("70000")
