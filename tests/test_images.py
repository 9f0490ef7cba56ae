"""core.images.fit: the one rule every env fits its pictures into the observation with."""

from __future__ import annotations

import numpy as np
import pytest
from PIL import Image

from vab_gym.core.images import PAD_RGB, fit, fit_scale


def test_a_picture_that_fits_is_placed_unscaled_on_grey() -> None:
    picture = np.full((10, 20, 3), 7, np.uint8)
    out = fit(picture, (30, 40))
    assert out.shape == (30, 40, 3) and out.dtype == np.uint8
    assert (out[:10, :20] == 7).all()
    assert (out[10:] == PAD_RGB).all() and (out[:, 20:] == PAD_RGB).all()


def test_a_wide_screen_is_scaled_whole_not_cropped() -> None:
    # 720x1280 into 64x64: the whole screen at 1/20, 36 rows of it, the rest grey
    screen = np.zeros((720, 1280, 3), np.uint8)
    screen[:, 640:] = 255  # the right half white: a crop to the top-left would lose it
    out = fit(screen, (64, 64))
    assert fit_scale(720, 1280, (64, 64)) == pytest.approx(0.05)
    assert (out[:36, :30] == 0).all() and (out[:36, 34:] == 255).all()
    assert (out[36:] == PAD_RGB).all()


def test_the_same_aspect_fills_the_canvas_and_pil_images_are_taken() -> None:
    out = fit(Image.new("RGB", (200, 100), (1, 2, 3)), (50, 100))
    assert (out == (1, 2, 3)).all()


def test_alpha_is_dropped_and_no_scale_goes_above_one() -> None:
    rgba = np.full((4, 4, 4), 9, np.uint8)
    assert fit(rgba, (8, 8)).shape == (8, 8, 3)
    assert fit_scale(4, 4, (8, 8)) == 1.0
