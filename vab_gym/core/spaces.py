"""Spaces of the suite: a text space that holds any Unicode string."""

from __future__ import annotations

import string
from typing import Any

import numpy as np
from gymnasium import spaces

SAMPLE_CHARSET = string.ascii_letters + string.digits + " _()[],.'\"=-#:;{}<>/"


class UnicodeText(spaces.Text):
    """A :class:`gymnasium.spaces.Text` whose ``contains`` accepts any Unicode string.

    Gymnasium's ``Text`` only contains strings over its charset, but page text and agent
    output are arbitrary Unicode. Membership here checks type and length only; ``sample``
    still draws from a small printable charset. Subclassing ``Text`` keeps Gymnasium's
    vector utilities (``batch_space``, ``concatenate``) working; vector envs need
    ``shared_memory=False`` because text cannot live in shared memory.
    """

    def __init__(
        self,
        max_length: int,
        *,
        min_length: int = 0,
        seed: int | np.random.Generator | None = None,
    ) -> None:
        super().__init__(
            max_length=max_length, min_length=min_length, charset=SAMPLE_CHARSET, seed=seed
        )

    def contains(self, x: Any) -> bool:
        return isinstance(x, str) and self.min_length <= len(x) <= self.max_length

    def __repr__(self) -> str:
        return f"UnicodeText({self.min_length}, {self.max_length})"

    def __eq__(self, other: Any) -> bool:
        return (
            isinstance(other, UnicodeText)
            and self.min_length == other.min_length
            and self.max_length == other.max_length
        )


def dict_space(space: spaces.Space) -> spaces.Dict:
    """``space`` if it is a ``Dict`` (every vab-gym observation is), else a ``TypeError``."""
    if not isinstance(space, spaces.Dict):
        raise TypeError(f"expected a Dict observation space, got {space}")
    return space


def image_space(height: int, width: int) -> spaces.Box:
    """An RGB image of a fixed size."""
    return spaces.Box(0, 255, (height, width, 3), np.uint8)
