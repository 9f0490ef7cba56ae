"""The offline map: an SVG drawn from ``world.yaml``'s shapes and the database's places in
Web Mercator around a centre at a zoom level (Maps.me draws vector data, no tiles).

The drawing is a picture only (``aria-hidden``): Maps.me's map is a GL surface that Android's
UI tree does not describe, so the agent reads it from the screenshot.
"""

from __future__ import annotations

import math
import sqlite3
from collections.abc import Iterable
from typing import Any

from markupsafe import Markup, escape

from vab_gym.envs.mobile.apps.mapme import data

WIDTH, HEIGHT = 412, 840  # CSS px of the map area (the SVG slices to the screen)
MIN_ZOOM, MAX_ZOOM, DEFAULT_ZOOM = 9, 18, 15
ROAD_STYLE = {"motorway": ("#f2b25c", 7), "primary": ("#ffffff", 5), "street": ("#ffffff", 3)}
LABELS_FROM = {"place": 15, "road": 13}  # zoom levels from which names are written


def _world_px(lat: float, lon: float, zoom: float) -> tuple[float, float]:
    size = 256 * 2**zoom
    sin = math.sin(math.radians(lat))
    return (
        (lon + 180) / 360 * size,
        (0.5 - math.log((1 + sin) / (1 - sin)) / (4 * math.pi)) * size,
    )


class View:
    """Screen coordinates of a map centred at (lat, lon) at ``zoom``."""

    def __init__(self, lat: float, lon: float, zoom: int) -> None:
        self.zoom = max(MIN_ZOOM, min(MAX_ZOOM, zoom))
        self.cx, self.cy = _world_px(lat, lon, self.zoom)

    def xy(self, lat: float, lon: float) -> tuple[float, float]:
        x, y = _world_px(lat, lon, self.zoom)
        return round(x - self.cx + WIDTH / 2, 1), round(y - self.cy + HEIGHT / 2, 1)

    def points(self, pairs: Iterable[Iterable[float]]) -> str:
        return " ".join("{},{}".format(*self.xy(lat, lon)) for lat, lon in pairs)


def fit_zoom(a: dict[str, Any], b: dict[str, Any]) -> tuple[float, float, int]:
    """Centre and the largest zoom showing both points with a margin."""
    lat, lon = (a["lat"] + b["lat"]) / 2, (a["lon"] + b["lon"]) / 2
    for zoom in range(MAX_ZOOM - 1, MIN_ZOOM - 1, -1):
        view = View(lat, lon, zoom)
        corners = [view.xy(p["lat"], p["lon"]) for p in (a, b)]
        if all(40 <= x <= WIDTH - 40 and 60 <= y <= HEIGHT * 0.55 for x, y in corners):
            return lat, lon, zoom
    return lat, lon, MIN_ZOOM


class Labels:
    """Names written on the map, skipping any that would overlap one already written (a
    name's box is guessed from its length: the SVG is drawn on the server)."""

    def __init__(self) -> None:
        self.boxes: list[tuple[float, float, float, float]] = []

    def add(
        self,
        parts: list[str],
        x: float,
        y: float,
        text: str,
        css: str,
        size: int,
        centred: bool = False,
    ) -> None:
        width = len(text) * size * 0.55
        left = x - width / 2 if centred else x
        box = (left - 2, y - size, left + width + 2, y + 3)
        if any(
            box[0] < b[2] and b[0] < box[2] and box[1] < b[3] and b[1] < box[3] for b in self.boxes
        ):
            return
        self.boxes.append(box)
        parts.append(f'<text x="{x}" y="{y}" class="{css}">{escape(text)}</text>')


def draw(
    conn: sqlite3.Connection,
    view: View,
    pin: dict[str, Any] | None = None,
    line: tuple[dict[str, Any], dict[str, Any], str] | None = None,
) -> Markup:
    """The map as SVG: water, parks, roads, area names, places, the route ``line``
    (start, end, mode), My location and the selected ``pin``."""
    shapes = data.world()
    parts = [
        f'<svg class="map-svg" viewBox="0 0 {WIDTH} {HEIGHT}" '
        'preserveAspectRatio="xMidYMid slice" aria-hidden="true">',
        f'<rect width="{WIDTH}" height="{HEIGHT}" fill="#f1eee8"/>',
    ]
    parts += [f'<polygon points="{view.points(p)}" fill="#aad3df"/>' for p in shapes["water"]]
    parts += [f'<polygon points="{view.points(p)}" fill="#c8e6b0"/>' for p in shapes["parks"]]
    for kind in ("street", "primary", "motorway"):
        colour, width = ROAD_STYLE[kind]
        for road in (r for r in shapes["roads"] if r["kind"] == kind):
            points = view.points(road["points"])
            parts.append(
                f'<polyline points="{points}" fill="none" stroke="#d6d0c4" '
                f'stroke-width="{width + 2}" stroke-linecap="round"/>'
            )
            parts.append(
                f'<polyline points="{points}" fill="none" stroke="{colour}" '
                f'stroke-width="{width}" stroke-linecap="round"/>'
            )
    labels = Labels()
    for name, lat, lon in shapes["areas"]:
        if view.zoom <= 14:
            labels.add(parts, *view.xy(lat, lon), name, "area-name", 15, centred=True)
    if view.zoom >= LABELS_FROM["place"]:
        spots = [(view.xy(p["lat"], p["lon"]), p["name"]) for p in data.places(conn)]
        spots.sort(key=lambda s: abs(s[0][0] - WIDTH / 2) + abs(s[0][1] - HEIGHT / 2))
        for (x, y), name in spots:
            if -20 <= x <= WIDTH + 20 and -20 <= y <= HEIGHT + 20:
                parts.append(f'<circle cx="{x}" cy="{y}" r="4" fill="#7a6fa8"/>')
                labels.add(parts, x + 7, y + 4, name, "poi-name", 11)
    if view.zoom >= LABELS_FROM["road"]:
        for road in shapes["roads"]:
            x, y = view.xy(*road["points"][len(road["points"]) // 2])
            labels.add(parts, x, y - 6, road["name"], "road-name", 11, centred=True)
    if line is not None:
        start, end, mode = line
        dash = ' stroke-dasharray="2 8"' if mode == "walking" else ""
        colour = {"transit": "#d1493f", "cycling": "#2f9e44"}.get(mode, "#3478f6")
        ends = view.points([(start["lat"], start["lon"]), (end["lat"], end["lon"])])
        parts.append(
            f'<polyline points="{ends}" fill="none" stroke="{colour}" stroke-width="6" '
            f'stroke-linecap="round"{dash}/>'
        )
    here = data.world()["my_location"]
    x, y = view.xy(here["lat"], here["lon"])
    parts.append(
        f'<circle cx="{x}" cy="{y}" r="14" fill="#3478f6" opacity=".2"/>'
        f'<circle cx="{x}" cy="{y}" r="7" fill="#3478f6" stroke="#fff" '
        'stroke-width="3"/>'
    )
    if pin is not None and pin["id"] != data.ME:
        x, y = view.xy(pin["lat"], pin["lon"])
        parts.append(
            f'<path d="M{x},{y} l-9,-16 a10,10 0 1,1 18,0 z" fill="#e5483f" '
            'stroke="#fff" stroke-width="2"/>'
        )
    parts.append("</svg>")
    return Markup("".join(parts))
