"""VAB-CSS's judge: 1 - SSIM between grayscale full-page screenshots.

Semantics follow VAB's ``compare_images_ssim_gray``: the output is resized to the target's
shape; when the two shapes differ by under 10 % on both axes the SSIM is mapped to
``0.5 + SSIM / 2``; a task is solved when the distance is under 0.1.
"""

from __future__ import annotations

import numpy as np
from skimage.color import rgb2gray
from skimage.metrics import structural_similarity
from skimage.transform import resize

from vab_gym.core.judge import Verdict
from vab_gym.envs.css.renderer import SiteRenderer

SUCCESS_DISTANCE = 0.1  # VAB: em iff distance < 0.1
IMPROVE_MARGIN = 0.05  # VAB: "improve" iff distance < initial distance - 0.05
MIN_TASK_DISTANCE = 0.2  # VAB keeps only corruptions at least this far from the target


def gray(image: np.ndarray) -> np.ndarray:
    """An RGB uint8 image as float grayscale in [0, 1], as ``io.imread(as_gray=True)``."""
    return rgb2gray(image)


def page_gray(renderer: SiteRenderer) -> np.ndarray:
    """The renderer's current full page, as the judge sees it."""
    return gray(renderer.full_page().array())


def quantize(gray_image: np.ndarray) -> np.ndarray:
    """Float grayscale to uint8 by truncation, as VAB does before SSIM."""
    return (gray_image * 255).astype(np.uint8)


def distance(target: np.ndarray, output: np.ndarray) -> float:
    """VAB's distance between the target (grayscale, already :func:`quantize`d: the form
    worth caching) and the output screenshot (float grayscale)."""
    boosted = False
    if target.shape != output.shape:
        change = np.abs(np.subtract(output.shape, target.shape)) / np.array(output.shape)
        boosted = bool(np.all(change < 0.1))
        output = resize(output, target.shape)
    output = quantize(output)
    if np.array_equal(target, output):
        # SSIM of equal images is exactly 1.0 (each window's terms agree bit for bit;
        # boosted, 1.0 stays 1.0), so the ~2 s it takes on a tall page are skipped: the
        # solved page is usually the target itself
        return 0.0
    ssim = structural_similarity(target, output)
    if boosted:
        ssim = 0.5 + ssim / 2
    return float(1.0 - ssim)


def progress(initial: float, final: float) -> float:
    """The share of the initial distance the agent removed, 0..1."""
    if initial <= 0:
        return 1.0
    return float(min(1.0, max(0.0, (initial - final) / initial)))


def verdict(initial: float, final: float) -> Verdict:
    success = final < SUCCESS_DISTANCE
    reason = (
        f"distance {final:.3f} {'<' if success else '>='} {SUCCESS_DISTANCE} "
        f"(started at {initial:.3f})"
    )
    return Verdict(
        success=success,
        score=1.0 - final,
        reason=reason,
        details={
            "distance": final,
            "initial_distance": initial,
            "improved": final < initial - IMPROVE_MARGIN,
            "threshold": SUCCESS_DISTANCE,
        },
    )
