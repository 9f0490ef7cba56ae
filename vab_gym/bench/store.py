"""The episode store: every episode the suite records, in one format (docs/episode-store.md).

A store is a folder: ``episodes/<env_id>/<name>.json`` (one JSON document per episode) and
``images/<hash[:2]>/<hash>.png`` (every image once, named by the hash of its pixels). An
episode is written after its images and by atomic rename, so a killed writer leaves no half
episode: a reader sees an episode whole or not at all. ``vab-gym bench`` writes it; the
trajectory tools (issue 13) read and write the same format.
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import re
import time
from collections.abc import Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path
from typing import Any

import numpy as np
from PIL import Image

FORMAT = "vab-gym-episode/1"


def image_hash(pixels: np.ndarray) -> str:
    """The name of an image in the store: BLAKE2b-128 of its shape and RGB bytes."""
    digest = hashlib.blake2b(digest_size=16)
    digest.update(repr(pixels.shape).encode())
    digest.update(np.ascontiguousarray(pixels).tobytes())
    return digest.hexdigest()


def image_path(digest: str) -> str:
    """An image's path relative to the store's root."""
    return f"images/{digest[:2]}/{digest}.png"


def _encode(pixels: np.ndarray, png: bool = True) -> tuple[str, bytes, float]:
    start = time.thread_time()  # CPU time: the thread waits for the GIL on a busy step
    buffer = io.BytesIO()
    if png:
        Image.fromarray(pixels).save(buffer, "PNG", compress_level=1)  # fast, lossless
    digest = image_hash(pixels)
    return digest, buffer.getvalue(), time.thread_time() - start


def png_hash(png: bytes) -> str:
    """The name of a PNG (e.g. a model view's image) in the store: :func:`image_hash` of its
    RGB pixels, so it is stored once with an observation of the same pixels."""
    with Image.open(io.BytesIO(png)) as image:
        return image_hash(np.asarray(image.convert("RGB")))


def _png_digest(png: bytes, keep: bool = True) -> tuple[str, bytes, float]:
    """A model view's PNG by its hash; the bytes are kept as the env made them (lossless)."""
    start = time.thread_time()
    digest = png_hash(png)
    return digest, png if keep else b"", time.thread_time() - start


class ImageRecorder:
    """Collects an episode's images off the episode loop: hashing and PNG encoding run on a
    background thread (zlib releases the GIL), so a step only pays for a queue hand-off."""

    def __init__(self, keep_png: bool = True) -> None:
        self.keep_png = keep_png  # False: hashes only (``--no-images``), no files
        self._pool = ThreadPoolExecutor(1, thread_name_prefix="vab-store")
        self._pending: list[dict[str, Future[tuple[str, bytes, float]]]] = []
        self._views: list[tuple[str, list[Future[tuple[str, bytes, float]]]]] = []
        self.encode_seconds = 0.0  # the last episode's hashing and PNG encoding, CPU time
        self.views: list[dict[str, Any]] = []  # the last episode's model views (finish)

    def start(self) -> None:
        self._pending = []
        self._views = []
        self.encode_seconds = 0.0

    def add(self, step: int, obs: dict[str, Any]) -> None:
        """Keep a step's ``image`` (and, at the reset, every image key such as CSS's target).
        The env hands out fresh arrays each step, so no copy is needed."""
        self._pending.append(
            {
                key: self._pool.submit(_encode, value, self.keep_png)
                for key, value in obs.items()
                if isinstance(value, np.ndarray) and (key == "image" or step == 0)
            }
        )

    def add_view(self, text: str, images: tuple[bytes, ...]) -> None:
        """Keep a step's model view (``env.model_view()``: its text and PNG images)."""
        self._views.append(
            (text, [self._pool.submit(_png_digest, png, self.keep_png) for png in images])
        )

    def finish(self) -> tuple[list[dict[str, str]], dict[str, bytes]]:
        """Per step, ``{key: image path}``; and the PNG bytes by hash (none without
        ``keep_png``: the paths then name images that were not kept). The model views, if
        any were added, are then in :attr:`views`."""
        refs: list[dict[str, str]] = []
        blobs: dict[str, bytes] = {}

        def path(future: Future[tuple[str, bytes, float]]) -> str:
            digest, png, seconds = future.result()
            self.encode_seconds += seconds
            if png:
                blobs[digest] = png
            return image_path(digest)

        for futures in self._pending:
            refs.append({key: path(future) for key, future in futures.items()})
        self.views = [
            {"text": text, "images": [path(f) for f in futures]} for text, futures in self._views
        ]
        self._pending, self._views = [], []
        return refs, blobs

    def close(self) -> None:
        self._pool.shutdown(wait=False, cancel_futures=True)


def safe_name(text: str) -> str:
    """A file name for an id: letters, digits, ``._-`` kept, anything else ``_``."""
    return re.sub(r"[^A-Za-z0-9._-]", "_", text)


def _atomic_write(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    with open(tmp, "wb") as handle:
        handle.write(data)
        handle.flush()
        os.fsync(handle.fileno())
    os.replace(tmp, path)


class EpisodeStore:
    """A store folder: write episodes with their images, iterate and load them."""

    def __init__(self, root: str | os.PathLike[str]) -> None:
        # absolute: paths() already start with the root, and load() joins relative ones to it
        self.root = Path(root).absolute()

    def write(self, episode: dict[str, Any], images: dict[str, bytes]) -> str:
        """Write the images not yet present, then the episode (atomically, replacing an
        earlier episode of the same name); return its path relative to the root."""
        for digest, png in images.items():
            target = self.root / image_path(digest)
            if not target.exists():
                _atomic_write(target, png)
        relative = self.relative_path(episode["env_id"], episode["id"])
        _atomic_write(self.root / relative, json.dumps(episode, default=_jsonable).encode())
        return relative

    @staticmethod
    def relative_path(env_id: str, episode_id: str) -> str:
        """Where an episode is kept, relative to the root."""
        return f"episodes/{safe_name(env_id)}/{safe_name(episode_id)}.json"

    def remove(self, env_id: str, episode_id: str) -> None:
        """Forget an episode (its images stay: other episodes may share them)."""
        (self.root / self.relative_path(env_id, episode_id)).unlink(missing_ok=True)

    def paths(self) -> list[Path]:
        return sorted((self.root / "episodes").glob("*/*.json"))

    def __iter__(self) -> Iterator[dict[str, Any]]:
        for path in self.paths():
            yield self.load(path)

    def load(self, path: str | os.PathLike[str]) -> dict[str, Any]:
        path = Path(path)
        return json.loads((path if path.is_absolute() else self.root / path).read_text())

    def image(self, relative: str) -> np.ndarray:
        """An image of an episode (a path from its ``images`` fields) as an RGB array."""
        with Image.open(self.root / relative) as image:
            return np.asarray(image.convert("RGB"))


def _jsonable(value: Any) -> Any:
    """JSON for what envs put in ``info`` besides plain data (numpy scalars, tuples, sets)."""
    if isinstance(value, np.generic):
        return value.item()
    if isinstance(value, np.ndarray):
        return value.tolist()
    if isinstance(value, (set, frozenset)):
        return sorted(value, key=str)
    return str(value)
