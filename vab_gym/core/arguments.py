"""Checks for the envs' constructor arguments: a wrong value is refused at once, in words
that name the argument, its range and what was given (not a ZeroDivisionError ten calls
later, nor a browser asked for a 0x0 window)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

MAX_IMAGE_SIDE = 4096  # pixels: a larger observation is a mistake, not a request


def integer(name: str, value: Any, low: int, high: int | None = None) -> int:
    """``value`` as an int in ``[low, high]`` (no bools, no floats with a fraction)."""
    if isinstance(value, bool) or not isinstance(value, (int, float)) or value != int(value):
        raise ValueError(
            f"{name}={value!r}: give a whole number"
            + (f" from {low} to {high}" if high is not None else f" >= {low}")
        )
    number = int(value)
    if number < low or (high is not None and number > high):
        span = f"from {low} to {high}" if high is not None else f">= {low}"
        raise ValueError(f"{name}={value!r}: must be {span}")
    return number


def image_size(value: Any, name: str = "image_size") -> tuple[int, int]:
    """``(height, width)``, each from 1 to ``MAX_IMAGE_SIDE`` pixels."""
    if isinstance(value, (str, bytes)) or not isinstance(value, Iterable):
        raise ValueError(f"{name}={value!r}: give (height, width) in pixels")
    pair = tuple(value)
    if len(pair) != 2:
        raise ValueError(f"{name}={value!r}: give (height, width) in pixels")
    return (
        integer(f"{name}[0] (height)", pair[0], 1, MAX_IMAGE_SIDE),
        integer(f"{name}[1] (width)", pair[1], 1, MAX_IMAGE_SIDE),
    )


def choice(name: str, value: Any, options: Iterable[Any]) -> Any:
    """``value`` if it is one of ``options``."""
    options = tuple(options)
    if value not in options:
        raise ValueError(f"{name}={value!r}: choose one of {', '.join(map(repr, options))}")
    return value
