"""Axis-aligned boxes and VAB's box tests for the spatial predicates.

VAB patched OmniGibson's ``Inside``/``OnTop``/``Under``/``NextTo`` into looser box tests
(``modified_omnigibson_src`` in THUDM/VisualAgentBench); these are the same tests, on the
world's boxes. OmniGibson's first clause, "vertical adjacency" by ray casts, becomes the
``support`` argument: the box an object's underside rests on, or the space under a table top.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

EPS = 1e-2  # VAB's tolerance
NEXT_TO_FACTOR = 2.4  # nextto: gap <= 2.4 x the mean of the summed extents


@dataclass(frozen=True)
class Box:
    """An axis-aligned box: ``center`` and ``half`` extents, metres, z up."""

    center: tuple[float, float, float]
    half: tuple[float, float, float]

    @classmethod
    def from_bounds(cls, low, high) -> Box:
        low, high = np.asarray(low, float), np.asarray(high, float)
        return cls(tuple((low + high) / 2), tuple((high - low) / 2))  # type: ignore[arg-type]

    @property
    def low(self) -> np.ndarray:
        return np.subtract(self.center, self.half)

    @property
    def high(self) -> np.ndarray:
        return np.add(self.center, self.half)

    @property
    def bottom(self) -> float:
        return self.center[2] - self.half[2]

    @property
    def top(self) -> float:
        return self.center[2] + self.half[2]

    @property
    def volume(self) -> float:
        return 8.0 * self.half[0] * self.half[1] * self.half[2]

    def moved(self, delta) -> Box:
        return Box(tuple(np.add(self.center, delta)), self.half)  # type: ignore[arg-type]

    def at(self, center) -> Box:
        return Box(tuple(float(c) for c in center), self.half)  # type: ignore[arg-type]

    def overlaps(self, other: Box, margin: float = 1e-4) -> bool:
        """Do the interiors intersect (touching faces do not count)?"""
        return bool(
            np.all(self.low < other.high - margin) and np.all(other.low < self.high - margin)
        )

    def contains_xy(self, point, eps: float = EPS) -> bool:
        return bool(
            np.all(np.abs(np.subtract(point[:2], self.center[:2])) <= np.add(self.half[:2], eps))
        )

    def distance_xy(self, point) -> float:
        """Distance from a point to this box's footprint (0 inside)."""
        gap = np.maximum(np.abs(np.subtract(point[:2], self.center[:2])) - self.half[:2], 0.0)
        return float(np.hypot(*gap))

    def distance(self, point) -> float:
        """Distance from a 3-D point to this box (0 inside)."""
        gap = np.maximum(np.abs(np.subtract(point, self.center)) - self.half, 0.0)
        return float(np.linalg.norm(gap))


def inside(a: Box, b: Box) -> bool:
    """VAB: a's center within b (+- eps on every axis), and a no bigger than b."""
    near = np.abs(np.subtract(a.center, b.center)) <= np.add(b.half, EPS)
    return bool(np.all(near)) and a.volume <= b.volume


def ontop(a: Box, b: Box) -> bool:
    """VAB: a's center over b's footprint, a's bottom at or above b's top, and not floating
    higher than a's own height above it."""
    return (
        b.contains_xy(a.center)
        and a.bottom >= b.top - EPS
        and a.center[2] <= b.top + 2 * a.half[2] + EPS
    )


def under(a: Box, b: Box) -> bool:
    """VAB: a's center under b's footprint and a's top at or below b's bottom."""
    return b.contains_xy(a.center) and a.top <= b.bottom + EPS


def nextto(a: Box, b: Box) -> bool:
    """VAB: the gap between the boxes is at most 2.4 x the mean of their summed extents."""
    gap = np.maximum(np.abs(np.subtract(a.center, b.center)) - np.add(a.half, b.half), 0.0)
    mean_extent = float(np.mean(2 * np.add(a.half, b.half)))
    return float(np.linalg.norm(gap)) <= NEXT_TO_FACTOR * mean_extent
