"""Image helpers shared by the envs and the chat-facing agents (LMM agent, chat view)."""

from __future__ import annotations

import base64
import io

import numpy as np
from PIL import Image


def png_bytes(image: np.ndarray) -> bytes:
    """An ``(H, W, 3)`` uint8 array as PNG file bytes (what an LMM API is sent)."""
    buffer = io.BytesIO()
    Image.fromarray(np.asarray(image, dtype=np.uint8)).save(buffer, format="PNG")
    return buffer.getvalue()


def data_url(png: bytes, image_format: str = "png", max_side: int | None = None,
             jpeg_quality: int = 90) -> str:
    """A PNG as a base64 data URL, re-encoded as ``image_format`` (png | jpeg) and scaled
    down so its longer side is at most ``max_side`` pixels when given."""
    if image_format not in ("png", "jpeg"):
        raise ValueError(f"image_format must be 'png' or 'jpeg', not {image_format!r}")
    data = png
    if image_format != "png" or max_side is not None:
        image = Image.open(io.BytesIO(png))
        if max_side is not None and max(image.size) > max_side:
            image.thumbnail((max_side, max_side), Image.Resampling.LANCZOS)
        buffer = io.BytesIO()
        if image_format == "jpeg":
            image.convert("RGB").save(buffer, format="JPEG", quality=jpeg_quality)
        else:
            image.save(buffer, format="PNG")
        data = buffer.getvalue()
    return f"data:image/{image_format};base64,{base64.b64encode(data).decode('ascii')}"


def image_from_data_url(url: str) -> Image.Image:
    """The image a data URL holds, decoded (what a model shown that URL sees)."""
    header, _, payload = url.partition(",")
    if not header.startswith("data:image/") or not header.endswith(";base64"):
        raise ValueError(f"not a base64 image data URL: {url[:40]!r}")
    image = Image.open(io.BytesIO(base64.b64decode(payload)))
    image.load()
    return image
