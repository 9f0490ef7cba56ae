"""AndroidLab's efficiency metrics of an episode, as ``evaluation/task.py`` computes them.

- Reversed redundancy ratio (``Evaluation_Task.add_metrics``): a human's step count for the
  task (``evaluation/tasks/human_ground_turth/ground_truth_length.json``) over the episode's
  step count, for completed tasks only (None otherwise, and for tasks no human did).
- Reasonable operation ratio (``add_metrics`` with ``compute_image_similarity``): one minus the
  share of actions after which the screen did not change, where "did not change" is a pixel
  similarity above 0.999 between the screenshots taken before two consecutive actions.
  AndroidLab drops the last screenshot before comparing and divides by ``steps - 1``; both
  quirks are kept, so its numbers and these agree.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

SIMILAR = 0.999  # compute_image_similarity: ``if similarity > 0.999``


def screen_similarity(a: np.ndarray, b: np.ndarray) -> float:
    """compute_image_similarity's measure: of the pixel values where either screenshot is not
    255, the share that are equal (NaN when both are entirely white, as numpy gives there)."""
    if a.shape != b.shape:
        return 0.0  # AndroidLab's except branch appends 0
    either = np.count_nonzero((a != 255) | (b != 255))
    if either == 0:
        return float("nan")
    return np.count_nonzero((a == b) & (a != 255)) / either


def reasonable_operation_ratio(unchanged: Sequence[bool]) -> float:
    """``unchanged[i]``: the screenshots before actions ``i`` and ``i + 1`` are similar (one
    entry per pair of consecutive actions, so ``steps - 1`` of them)."""
    steps = len(unchanged) + 1
    if steps <= 1:
        return 1.0  # ``if length - 1 == 0`` (an empty trace gives 1 - 0/-1 = 1 too)
    # image_paths[:-1]: the screenshot before the last action is never compared
    counted = sum(bool(u) for u in unchanged[:-1])
    return 1 - counted / (steps - 1)


def reversed_redundancy_ratio(
    reference_steps: int | None, steps: int, complete: bool
) -> float | None:
    """A human's steps over the episode's, for a completed task a human did."""
    if not complete or steps == 0 or reference_steps is None:
        return None
    return reference_steps / steps
