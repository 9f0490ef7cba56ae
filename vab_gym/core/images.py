"""Image helpers shared by the envs."""

from __future__ import annotations

import io

import numpy as np
from PIL import Image


def png_bytes(image: np.ndarray) -> bytes:
    """An ``(H, W, 3)`` uint8 array as PNG file bytes (what an LMM API is sent)."""
    buffer = io.BytesIO()
    Image.fromarray(np.asarray(image, dtype=np.uint8)).save(buffer, format="PNG")
    return buffer.getvalue()
