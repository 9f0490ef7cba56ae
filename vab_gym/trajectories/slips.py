"""Small slips the envs' mistake models share (see :mod:`vab_gym.trajectories.recovery`)."""

from __future__ import annotations

import numpy as np


def misspell(text: str, rng: np.random.Generator) -> str | None:
    """``text`` with two neighbouring characters of a word swapped (a typist's slip), or None
    when no swap changes it."""
    spots = [i for i in range(len(text) - 1) if text[i] != text[i + 1]
             and not (text[i].isspace() or text[i + 1].isspace())]
    if not spots:
        return None
    i = spots[int(rng.integers(len(spots)))]
    return text[:i] + text[i + 1] + text[i] + text[i + 2:]
