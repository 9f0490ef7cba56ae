"""Egocentric pictures of a house of boxes, and Set-of-Marks drawn over them.

The scene is pybullet's CPU TinyRenderer in DIRECT mode, one client per renderer, so several
envs can share a process without seeing each other's boxes. Boxes are visual-only, massless
multibodies: nothing is simulated, pybullet only rasterises. Its segmentation mask holds
body ids; a lookup table turns them into the caller's stable `RenderBox.key`s.
"""

from __future__ import annotations

import contextlib
import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import lru_cache

import numpy as np
import pybullet as p
from PIL import Image, ImageDraw, ImageFont

Vec3 = tuple[float, float, float]

_NO_TURN = (0.0, 0.0, 0.0, 1.0)  # boxes are axis-aligned: identity quaternion
_MAX_PARKED = 64  # hidden bodies kept for reuse; beyond this they are removed

# Fixed light, so faces facing +x, +y and up get three different shades and frames repeat.
_LIGHT_DIRECTION = (0.4, 0.7, 1.0)
# Mark colours: saturated and far apart in hue; the i-th drawn mark (by key) gets the i-th.
_MARK_COLOURS = (
    (230, 25, 75), (60, 180, 75), (0, 130, 200), (245, 130, 48), (145, 30, 180),
    (70, 240, 240), (240, 50, 230), (210, 245, 60), (255, 225, 25), (0, 128, 128),
    (170, 110, 40), (128, 0, 0), (0, 0, 128), (128, 128, 0), (250, 190, 212), (0, 0, 0),
)  # fmt: skip


@dataclass(frozen=True)
class RenderBox:
    """An axis-aligned box; `key` (>= 1) names it across frames and in the segmentation."""

    key: int
    center: Vec3  # metres, world frame, z up
    half: Vec3  # half extents
    rgba: tuple[float, float, float, float]

    def __post_init__(self) -> None:
        if self.key < 1:
            raise ValueError(f"RenderBox key must be >= 1 (0 means nothing), got {self.key}")
        if min(self.half) <= 0:
            raise ValueError(f"RenderBox {self.key} half extents must be > 0, got {self.half}")


@dataclass(frozen=True)
class Camera:
    """A pinhole camera: yaw 0 looks along +x, pi/2 along +y; positive pitch looks down."""

    eye: Vec3
    yaw: float
    pitch: float
    hfov: float = 1.6  # horizontal field of view, radians
    near: float = 0.05
    far: float = 30.0


class BoxRenderer:
    """A pybullet scene of `RenderBox`es kept in step with the caller by `sync`.

    TinyRenderer shades every fragment that passes the depth test, in body creation order, so
    drawing small boxes before large ones (the floor last) saves shading pixels that get
    covered later: about 20% of a frame. New boxes are therefore created smallest first, and
    removed boxes are hidden (alpha 0, which TinyRenderer skips) and parked for reuse instead of
    removed: pybullet's removal moves its last-created body, usually the floor, into the gap.
    """

    def __init__(self, width: int, height: int):
        self.width, self.height = width, height
        self._cid: int | None = p.connect(p.DIRECT)
        self._boxes: dict[int, tuple[int, RenderBox]] = {}  # key -> (body id, box)
        self._keys: dict[int, int] = {}  # body id -> key, for the segmentation
        self._parked: dict[Vec3, list[int]] = {}  # half extents -> hidden bodies, oldest first
        self._n_parked = 0
        # Visual shapes by half extents: pybullet cannot free them, so reuse them.
        self._shapes: dict[Vec3, int] = {}
        self._lut: np.ndarray | None = None  # body id + 1 -> key; None when stale

    @property
    def _client(self) -> int:
        if self._cid is None:
            raise RuntimeError("BoxRenderer is closed")
        return self._cid

    def sync(self, boxes: Iterable[RenderBox]) -> None:
        """Make the scene hold exactly these boxes, touching pybullet only for what changed."""
        cid = self._client
        seen: set[int] = set()
        fresh: list[RenderBox] = []
        for box in boxes:
            if box.key in seen:
                raise ValueError(f"duplicate RenderBox key {box.key}")
            seen.add(box.key)
            old = self._boxes.get(box.key)
            if old is None:
                fresh.append(box)
                continue
            body, was = old
            if was is box or was == box:
                continue
            if was.half != box.half:  # shapes cannot be resized in place
                self._park(box.key)
                fresh.append(box)
                continue
            if was.center != box.center:
                p.resetBasePositionAndOrientation(body, box.center, _NO_TURN, physicsClientId=cid)
            if was.rgba != box.rgba:
                p.changeVisualShape(body, -1, rgbaColor=box.rgba, physicsClientId=cid)
            self._boxes[box.key] = (body, box)
        for key in self._boxes.keys() - seen:
            self._park(key)
        # Smallest first; the key breaks ties so the order does not depend on the input's.
        for box in sorted(fresh, key=lambda b: (b.half[0] * b.half[1] * b.half[2], b.key)):
            self._add(box)

    def _add(self, box: RenderBox) -> None:
        cid = self._client
        spare = self._parked.get(box.half)
        if spare:
            body = spare.pop()
            if not spare:
                del self._parked[box.half]
            self._n_parked -= 1
            p.resetBasePositionAndOrientation(body, box.center, _NO_TURN, physicsClientId=cid)
        else:
            shape = self._shapes.get(box.half)
            if shape is None:
                shape = p.createVisualShape(p.GEOM_BOX, halfExtents=box.half, physicsClientId=cid)
                self._shapes[box.half] = shape
            body = p.createMultiBody(
                baseMass=0,
                baseCollisionShapeIndex=-1,
                baseVisualShapeIndex=shape,
                basePosition=box.center,
                physicsClientId=cid,
            )
        # Shapes and bodies are shared by boxes of one size: colour is set per use.
        p.changeVisualShape(body, -1, rgbaColor=box.rgba, physicsClientId=cid)
        self._boxes[box.key] = (body, box)
        self._keys[body] = box.key
        self._lut = None

    def _park(self, key: int) -> None:
        """Hide a box's body and keep it for the next box of its size."""
        cid = self._client
        body, box = self._boxes.pop(key)
        del self._keys[body]
        self._lut = None
        p.changeVisualShape(body, -1, rgbaColor=(*box.rgba[:3], 0.0), physicsClientId=cid)
        self._parked.setdefault(box.half, []).append(body)
        self._n_parked += 1
        if self._n_parked > _MAX_PARKED:  # e.g. a box resized every step: drop the oldest size
            half = next(iter(self._parked))
            p.removeBody(self._parked[half].pop(0), physicsClientId=cid)
            if not self._parked[half]:
                del self._parked[half]
            self._n_parked -= 1

    def render(
        self, camera: Camera, size: tuple[int, int] | None = None
    ) -> tuple[np.ndarray, np.ndarray]:
        """(rgb uint8 HxWx3, seg int32 HxW holding the key seen at each pixel, 0 for none),
        at the renderer's size or at ``size`` (width, height)."""
        cid = self._client
        width, height = size or (self.width, self.height)
        cp, sp = math.cos(camera.pitch), math.sin(camera.pitch)
        cy, sy = math.cos(camera.yaw), math.sin(camera.yaw)
        eye = camera.eye
        target = (eye[0] + cp * cy, eye[1] + cp * sy, eye[2] - sp)
        up = (sp * cy, sp * sy, cp)  # perpendicular to the view, so looking straight down works
        view = p.computeViewMatrix(eye, target, up, physicsClientId=cid)
        aspect = width / height
        vfov = 2 * math.atan(math.tan(camera.hfov / 2) / aspect)  # pybullet's fov is vertical
        proj = p.computeProjectionMatrixFOV(
            math.degrees(vfov), aspect, camera.near, camera.far, physicsClientId=cid
        )
        _, _, rgba, _, bodies = p.getCameraImage(
            width,
            height,
            view,
            proj,
            lightDirection=_LIGHT_DIRECTION,
            shadow=0,
            renderer=p.ER_TINY_RENDERER,
            physicsClientId=cid,
        )
        rgb = np.ascontiguousarray(np.reshape(rgba, (height, width, 4))[..., :3])
        seg = self._key_lut()[np.reshape(bodies, (height, width)) + 1]
        return rgb, seg

    def _key_lut(self) -> np.ndarray:
        if self._lut is None:
            size = max(self._keys, default=-1) + 2
            self._lut = np.zeros(size, dtype=np.int32)  # index 0 is background (-1)
            for body, key in self._keys.items():
                self._lut[body + 1] = key
        return self._lut

    def close(self) -> None:
        if self._cid is not None:
            with contextlib.suppress(p.error):  # already gone, e.g. at interpreter exit
                p.disconnect(physicsClientId=self._cid)
            self._cid = None

    def __enter__(self) -> BoxRenderer:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def __del__(self) -> None:
        with contextlib.suppress(Exception):
            self.close()


def _pixel_counts(seg: np.ndarray) -> dict[int, int]:
    """Visible pixels per key (0, nothing, left out)."""
    if seg.size == 0:
        return {}
    if seg.max() < 1 << 20:  # bincount is far cheaper than unique's sort for small keys
        counts = np.bincount(seg.ravel())
        keys = np.flatnonzero(counts)
        return {int(k): int(counts[k]) for k in keys if k}
    keys, counts = np.unique(seg, return_counts=True)
    return {int(k): int(n) for k, n in zip(keys, counts, strict=True) if k}


def visible_keys(seg: np.ndarray, min_pixels: int = 12) -> set[int]:
    """Keys covering at least `min_pixels` pixels of the segmentation."""
    return {k for k, n in _pixel_counts(seg).items() if n >= min_pixels}


@lru_cache(maxsize=8)
def _font(size: int) -> ImageFont.FreeTypeFont | ImageFont.ImageFont:
    return ImageFont.load_default(size=size)


def draw_marks(
    rgb: np.ndarray, seg: np.ndarray, labels: Mapping[int, str], min_pixels: int = 12
) -> tuple[np.ndarray, dict[int, tuple[int, int, int, int]]]:
    """Set-of-Marks: outline each labelled key with >= `min_pixels` visible pixels and write its
    label just above the outline (inside it when there is no room above).

    Returns the marked copy of `rgb` and {key: (x0, y0, x1, y1)}, inclusive pixel bounds.
    """
    counts = _pixel_counts(seg)
    keys = sorted(k for k in labels if counts.get(k, 0) >= min_pixels)
    image = Image.fromarray(rgb)
    draw = ImageDraw.Draw(image)
    height, width = seg.shape
    line = max(1, round(height / 180))  # 2 px at 360 rows, 4 at 720
    font = _font(max(10, round(height * 0.036)))  # 13 px at 360 rows, 26 at 720
    pad = line
    boxes: dict[int, tuple[int, int, int, int]] = {}
    for i, key in enumerate(keys):
        mask = seg == key
        rows, cols = np.flatnonzero(mask.any(axis=1)), np.flatnonzero(mask.any(axis=0))
        boxes[key] = (int(cols[0]), int(rows[0]), int(cols[-1]), int(rows[-1]))
        draw.rectangle(boxes[key], outline=_MARK_COLOURS[i % len(_MARK_COLOURS)], width=line)
    # Labels after all outlines, so no outline crosses a label.
    for i, (key, (x0, y0, _, _)) in enumerate(boxes.items()):
        colour = _MARK_COLOURS[i % len(_MARK_COLOURS)]
        left, top, right, bottom = draw.textbbox((0, 0), labels[key], font=font)
        tw, th = right - left + 2 * pad, bottom - top + 2 * pad
        x = min(x0, max(width - tw, 0))
        y = y0 - th if y0 >= th else y0 + line
        # Text on a patch of the mark's colour, dark or light for contrast.
        draw.rectangle((x, y, x + tw - 1, y + th - 1), fill=colour)
        ink = (0, 0, 0) if sum(colour) > 400 else (255, 255, 255)
        draw.text((x + pad - left, y + pad - top), labels[key], fill=ink, font=font)
    return np.array(image), boxes
