"""Image helpers shared by the envs and the chat-facing agents (LMM agent, chat view)."""

from __future__ import annotations

import base64
import io

import numpy as np
from PIL import Image

PAD_GREY = 128  # the canvas around a fitted image: neither a page's white nor black
PAD_RGB = (PAD_GREY,) * 3


def fit_scale(height: int, width: int, size: tuple[int, int]) -> float:
    """The factor :func:`fit` scales a ``height x width`` image by to put it into ``size``
    (height, width): the largest that keeps the aspect ratio, and never above 1."""
    return min(1.0, size[0] / height, size[1] / width)


def fit(image: np.ndarray | Image.Image, size: tuple[int, int]) -> np.ndarray:
    """``image`` as the observation of ``size`` (height, width): scaled down without
    distortion only if it does not fit, at the top-left of a grey (:data:`PAD_RGB`) canvas.

    Every env fits its pictures with this one rule, so an observation never crops the
    screen (an agent at 64x64 sees the whole page, smaller) and a point ``(x, y)`` of the
    source is at ``(x * s, y * s)`` in the observation, ``s = fit_scale(...)``."""
    picture = image if isinstance(image, Image.Image) else None
    height, width = (
        (picture.height, picture.width) if picture is not None else np.asarray(image).shape[:2]
    )
    scale = fit_scale(height, width, size)
    if scale < 1.0:
        if picture is None:
            picture = Image.fromarray(
                np.ascontiguousarray(np.asarray(image)[..., :3], dtype=np.uint8)
            )
        scaled = (max(1, round(width * scale)), max(1, round(height * scale)))
        picture = picture.resize(scaled, Image.Resampling.BILINEAR)
    if picture is not None:
        image = picture.convert("RGB")
    array = np.asarray(image, dtype=np.uint8)[..., :3]  # drops an alpha channel
    canvas = np.full((*size, 3), PAD_GREY, np.uint8)  # one grey level: a memset
    canvas[: array.shape[0], : array.shape[1]] = array
    return canvas


def png_bytes(image: np.ndarray) -> bytes:
    """An ``(H, W, 3)`` uint8 array as PNG file bytes (what an LMM API is sent)."""
    buffer = io.BytesIO()
    Image.fromarray(np.asarray(image, dtype=np.uint8)).save(buffer, format="PNG")
    return buffer.getvalue()


def data_url(
    png: bytes, image_format: str = "png", max_side: int | None = None, jpeg_quality: int = 90
) -> str:
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
