"""Maps.me's world as data: places, routes and the map's shapes from ``world.yaml``; the
tables the app keeps them in; the route model, search and Maps.me's number formats.

Places, fixed routes, Home/Work and bookmarks live in the phone's database (a train variant
changes them); the drawn shapes (water, parks, roads, area names) are read from the file.
"""

from __future__ import annotations

import math
import re
import sqlite3
import unicodedata
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import yaml

HERE = Path(__file__).parent
ME = "me"  # the route end "My location"
MY_LOCATION = "My location"
MODES = ("driving", "walking", "transit", "cycling")
SLOTS = ("Home", "Work")
EARTH_KM = 6371.0088

SCHEMA = """
CREATE TABLE mapme_places (id TEXT PRIMARY KEY, name TEXT NOT NULL, category TEXT NOT NULL,
    address TEXT NOT NULL, city TEXT NOT NULL, lat REAL NOT NULL, lon REAL NOT NULL);
CREATE TABLE mapme_routes (a TEXT NOT NULL, b TEXT NOT NULL, mode TEXT NOT NULL,
    km REAL NOT NULL, minutes INTEGER NOT NULL, lines TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (a, b, mode));
CREATE TABLE mapme_my_places (slot TEXT PRIMARY KEY, place_id TEXT REFERENCES mapme_places);
CREATE TABLE mapme_bookmarks (id INTEGER PRIMARY KEY, place_id TEXT NOT NULL UNIQUE
    REFERENCES mapme_places);
"""
# Route state (``settings`` rows of app mapme): ends ``me`` / a place id / '' (not chosen).
ROUTE_DEFAULTS = {"route_from": "", "route_to": "", "route_mode": "driving", "navigating": "0"}


@cache
def world() -> dict[str, Any]:
    return yaml.safe_load((HERE / "world.yaml").read_text("utf-8"))


def seed(conn: sqlite3.Connection) -> None:
    data = world()
    conn.executemany(
        "INSERT INTO mapme_places VALUES (?, ?, ?, ?, ?, ?, ?)",
        [(pid, *row) for pid, row in data["places"].items()],
    )
    conn.executemany(
        "INSERT INTO mapme_routes VALUES (?, ?, ?, ?, ?, ?)",
        [
            (r["from"], r["to"], r["mode"], r["km"], r["minutes"], ",".join(r.get("lines", [])))
            for r in data["routes"]
        ],
    )
    conn.executemany("INSERT INTO mapme_my_places VALUES (?, ?)", data["my_places"].items())
    conn.executemany("INSERT INTO settings VALUES ('mapme', ?, ?)", ROUTE_DEFAULTS.items())


# -- places and distances ------------------------------------------------------------------


def place(conn: sqlite3.Connection, pid: str) -> dict[str, Any] | None:
    if pid == ME:
        here = world()["my_location"]
        return {"id": ME, "name": MY_LOCATION, "category": "", "address": "", "city": "", **here}
    row = conn.execute("SELECT * FROM mapme_places WHERE id = ?", (pid,)).fetchone()
    return dict(row) if row else None


def places(conn: sqlite3.Connection) -> list[dict[str, Any]]:
    return [dict(r) for r in conn.execute("SELECT * FROM mapme_places ORDER BY id")]


def straight_km(a: dict[str, Any], b: dict[str, Any]) -> float:
    """Great-circle distance (haversine)."""
    lat1, lat2 = math.radians(a["lat"]), math.radians(b["lat"])
    dlat, dlon = lat2 - lat1, math.radians(b["lon"] - a["lon"])
    h = math.sin(dlat / 2) ** 2 + math.cos(lat1) * math.cos(lat2) * math.sin(dlon / 2) ** 2
    return 2 * EARTH_KM * math.asin(math.sqrt(h))


@dataclass(frozen=True)
class Route:
    mode: str
    km: float
    minutes: int
    lines: tuple[str, ...] = ()

    @property
    def summary(self) -> str:
        """The route panel's line, e.g. ``12 hr 58 min • 73 km``."""
        return f"{duration(self.minutes)} • {route_distance(self.km)}"


def route(conn: sqlite3.Connection, a: str, b: str, mode: str) -> Route | None:
    """The route from ``a`` to ``b`` (place ids or ``me``) by ``mode``: a fixed one from the
    routes table (either direction), else the model's; None where there is none (public
    transport off the fixed routes, or a missing end)."""
    row = conn.execute(
        "SELECT * FROM mapme_routes WHERE mode = ? AND ((a = ? AND b = ?) OR (a = ? AND b = ?))",
        (mode, a, b, b, a),
    ).fetchone()
    if row is not None:
        lines = tuple(row["lines"].split(",")) if row["lines"] else ()
        return Route(mode, float(row["km"]), int(row["minutes"]), lines)
    start, end = place(conn, a), place(conn, b)
    rule = world()["modes"][mode]
    if start is None or end is None or a == b or "speed" not in rule:
        return None
    km = straight_km(start, end) * rule["detour"]
    return Route(mode, km, max(1, round(km / rule["speed"] * 60)))


def distance_km(conn: sqlite3.Connection, pid: str) -> float:
    """How far a place is from My location, as the app lists it: the driving route's
    distance (AndroidLab's Work row shows OpenAI 50.6 km away, its road distance)."""
    found = route(conn, ME, pid, "driving")
    return found.km if found else 0.0


# -- Maps.me's formats ---------------------------------------------------------------------


def route_distance(km: float) -> str:
    """``260 m``, ``7.0 km``, ``73 km`` (whole kilometres from 10 km)."""
    if km < 1:
        return f"{max(10, round(km * 100) * 10)} m"
    return f"{km:.1f} km" if km < 10 else f"{round(km)} km"


def place_distance(km: float) -> str:
    """A list's distance: ``260 m``, ``4.6 km``, ``50.6 km``, ``120 km``."""
    if km < 1:
        return f"{max(10, round(km * 100) * 10)} m"
    return f"{km:.1f} km" if km < 100 else f"{round(km)} km"


def duration(minutes: int) -> str:
    """``8 min``, ``4 hr 7 min``, ``2 hr``."""
    hours, rest = divmod(minutes, 60)
    if not hours:
        return f"{rest} min"
    return f"{hours} hr {rest} min" if rest else f"{hours} hr"


# -- search --------------------------------------------------------------------------------

STOPWORDS = {"of", "the", "and", "a", "an", "at", "in", "to", "near", "nearest", "me"}


def fold(text: str) -> str:
    """Case- and accent-free text (search finds "Teléferic" by "teleferic")."""
    plain = unicodedata.normalize("NFKD", text)
    return "".join(c for c in plain if not unicodedata.combining(c)).casefold()


def words(text: str) -> list[str]:
    return re.findall(r"[\w']+", fold(text))


def category_of(query: str) -> str | None:
    """The category a query names (``restaurant``, ``Hotels``), if it is only that."""
    wanted = fold(query).strip()
    for name, synonyms in world()["categories"].items():
        if wanted in (fold(name), *synonyms):
            return name
    return None


def search(conn: sqlite3.Connection, query: str) -> list[dict[str, Any]]:
    """Places matching ``query``, best first: a category lists its places nearest first;
    otherwise every query word must begin a word of the place's name, category (or its
    search words), address or city; names matching more words come first, then distance."""
    everything = places(conn)
    for p in everything:
        p["km"] = distance_km(conn, p["id"])
    category = category_of(query)
    if category is not None:
        found = [p for p in everything if p["category"] == category]
        return sorted(found, key=lambda p: p["km"])
    wanted = [w for w in words(query) if w not in STOPWORDS]
    if not wanted:
        return []
    scored = []
    for p in everything:
        synonyms = world()["categories"].get(p["category"], [])
        haystack = words(" ".join([p["name"], p["category"], *synonyms, p["address"], p["city"]]))
        name = words(p["name"])
        if all(any(h.startswith(w) for h in haystack) for w in wanted):
            in_name = sum(any(n.startswith(w) for n in name) for w in wanted)
            scored.append((-in_name, p["km"], p))
    return [p for *_, p in sorted(scored, key=lambda s: (s[0], s[1]))]


def nearest(conn: sqlite3.Connection, category: str) -> dict[str, Any] | None:
    found = search(conn, category)
    return found[0] if found else None
