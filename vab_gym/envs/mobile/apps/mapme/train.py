"""Maps.me's train prototypes (AndroidLab's phrasing of map.yaml), their grounding in the
database, and the data variants.

A query prototype's answer is computed from the data with the app's own route model and
search (:mod:`.data`), so it is what the screens show.
"""

from __future__ import annotations

import sqlite3
from typing import Any

import numpy as np

from vab_gym.core.templates import Prototype
from vab_gym.envs.mobile.apps.mapme import data

MODE_WORDS = {"driving": "driving", "walking": "walking"}
NEARBY = {
    "restaurant": "Restaurant",
    "hotel": "Hotel",
    "cafe": "Café",
    "supermarket": "Supermarket",
    "pharmacy": "Pharmacy",
    "bus stop": "Bus stop",
}
SHUFFLED = ("Restaurant", "Café", "Hotel")  # categories whose names a variant permutes
JITTER_DEG = 0.002
NEAREST_MARGIN_KM = 0.05  # the nearest place must be this much nearer than the next
MAX_WALK_KM = 3.0

PROTOTYPES = (
    Prototype(
        "mapme_route_query",
        "Check the {mode} distance and time between {a} and {b}",
        {"mode": "route_mode", "a": "place", "b": "place"},
        {"kind": "query", "answer": "{answer}", "match": "{match}"},
    ),
    Prototype(
        "mapme_riding_time",
        "Check the riding time between {a} and {b}",
        {"a": "place", "b": "place"},
        {"kind": "query", "answer": "{answer}", "match": "{match}"},
    ),
    Prototype(
        "mapme_nearest",
        "Check the nearest {category} and tell me what is it",
        {"category": "category"},
        {"kind": "query", "answer": "{answer}", "match": {"type": "text", "value": "{answer}"}},
    ),
    Prototype(
        "mapme_nearest_walk",
        "Check the nearest {category}, and tell me the time it "
        "will take to walk to the {category}.",
        {"category": "category"},
        {"kind": "query", "answer": "{answer}", "match": "{match}"},
    ),
    Prototype(
        "mapme_drive_time",
        "Check the nearest {name}, and tell me how long it will take to drive to the {name}",
        {"name": "place"},
        {"kind": "query", "answer": "{answer}", "match": "{match}"},
    ),
    Prototype(
        "mapme_navigate",
        "Navigate from my location to {place}",
        {"place": "place"},
        {"kind": "state", "goal": "mapme_route", "params": {"destination": "{place}"}},
    ),
    Prototype(
        "mapme_my_place",
        "Add the address of {place} to my {slot} place",
        {"place": "place", "slot": "my_place"},
        {
            "kind": "state",
            "goal": "mapme_my_place",
            "params": {"slot": "{slot}", "place": "{place}"},
        },
    ),
    Prototype(
        "mapme_bookmark",
        "Save {place} to my bookmarks",
        {"place": "place"},
        {"kind": "state", "goal": "mapme_bookmarked", "params": {"place": "{place}"}},
    ),
)


def _numbers(*values: float) -> dict[str, Any]:
    return {"type": "all_of", "of": [{"type": "number", "value": v} for v in values]}


def _duration_numbers(minutes: int) -> list[float]:
    hours, rest = divmod(minutes, 60)
    return [hours, rest] if hours and rest else [hours] if hours else [rest]


def _distance_number(km: float) -> float:
    shown = data.route_distance(km)
    return float(shown.split()[0])


def _pick(rng: np.random.Generator, items: list[Any]) -> Any:
    return items[int(rng.integers(len(items)))]


def _unique_names(conn: sqlite3.Connection) -> list[dict[str, Any]]:
    """Places whose name is theirs alone (a search for it finds that one first)."""
    everything = data.places(conn)
    counts: dict[str, int] = {}
    for p in everything:
        counts[p["name"]] = counts.get(p["name"], 0) + 1
    return [p for p in everything if counts[p["name"]] == 1]


def _nearest(conn: sqlite3.Connection, category: str) -> dict[str, Any] | None:
    found = data.search(conn, category)
    if not found or (len(found) > 1 and found[1]["km"] - found[0]["km"] < NEAREST_MARGIN_KM):
        return None
    return found[0]


def ground(
    conn: sqlite3.Connection, rng: np.random.Generator, prototype: Prototype
) -> dict[str, Any] | None:
    """A filling of ``prototype`` from this database, with the query's answer and match."""
    pid = prototype.id
    named = _unique_names(conn)
    if pid in ("mapme_route_query", "mapme_riding_time"):
        mode = _pick(rng, list(MODE_WORDS)) if pid == "mapme_route_query" else "cycling"
        a, b = _pick(rng, named), _pick(rng, named)
        found = data.route(conn, a["id"], b["id"], mode)
        if found is None or (mode == "walking" and found.km > 80):
            return None
        if pid == "mapme_riding_time":
            return {
                "a": a["name"],
                "b": b["name"],
                "answer": data.duration(found.minutes),
                "match": _numbers(*_duration_numbers(found.minutes)),
            }
        answer = f"{data.route_distance(found.km)}, {data.duration(found.minutes)}"
        return {
            "mode": MODE_WORDS[mode],
            "a": a["name"],
            "b": b["name"],
            "answer": answer,
            "match": _numbers(_distance_number(found.km), *_duration_numbers(found.minutes)),
        }
    if pid in ("mapme_nearest", "mapme_nearest_walk"):
        word = _pick(rng, list(NEARBY))
        spot = _nearest(conn, NEARBY[word])
        if spot is None:
            return None
        if pid == "mapme_nearest":
            return {"category": word, "answer": spot["name"]}
        walk = data.route(conn, data.ME, spot["id"], "walking")
        if walk is None or walk.km > MAX_WALK_KM:
            return None
        return {
            "category": word,
            "answer": f"{spot['name']}, about {walk.minutes}min",
            "match": {"type": "number", "value": walk.minutes},
        }  # the time is asked
    if pid == "mapme_drive_time":
        name = _pick(rng, sorted({p["name"] for p in data.places(conn)}))
        found = data.search(conn, name)
        drive = data.route(conn, data.ME, found[0]["id"], "driving") if found else None
        if drive is None or found[0]["name"] != name:
            return None
        return {
            "name": name,
            "answer": f"{drive.minutes}min",
            "match": {"type": "number", "value": drive.minutes},
        }
    if pid == "mapme_navigate":
        return {"place": _pick(rng, named)["name"]}
    if pid == "mapme_my_place":
        slot = _pick(rng, list(data.SLOTS))
        spot = _pick(rng, named)
        current = conn.execute(
            "SELECT place_id FROM mapme_my_places WHERE slot = ?", (slot,)
        ).fetchone()
        if current is not None and current["place_id"] == spot["id"]:
            return None
        return {"place": spot["name"], "slot": slot}
    if pid == "mapme_bookmark":
        spot = _pick(rng, named)
        if conn.execute(
            "SELECT 1 FROM mapme_bookmarks WHERE place_id = ?", (spot["id"],)
        ).fetchone():
            return None
        return {"place": spot["name"]}
    return None


def vary(conn: sqlite3.Connection, rng: np.random.Generator) -> None:
    """Another town: restaurants, cafés and hotels change names among themselves and move a
    little (fixed routes to a moved place are dropped, so the model's hold); Home and Work
    change or are unset; a few places are already bookmarked."""
    for category in SHUFFLED:
        rows = [
            dict(r)
            for r in conn.execute(
                "SELECT id, name, lat, lon FROM mapme_places WHERE category = ? ORDER BY id",
                (category,),
            )
        ]
        names = [r["name"] for r in rows]
        order = rng.permutation(len(rows))
        for row, new in zip(rows, order, strict=True):
            lat = row["lat"] + float(rng.uniform(-JITTER_DEG, JITTER_DEG))
            lon = row["lon"] + float(rng.uniform(-JITTER_DEG, JITTER_DEG))
            conn.execute(
                "UPDATE mapme_places SET name = ?, lat = ?, lon = ? WHERE id = ?",
                (names[int(new)], lat, lon, row["id"]),
            )
            conn.execute("DELETE FROM mapme_routes WHERE a = ? OR b = ?", (row["id"],) * 2)
    buildings = [
        r["id"]
        for r in conn.execute(
            "SELECT id FROM mapme_places WHERE category IN ('Building', 'Office') ORDER BY id"
        )
    ]
    for slot in data.SLOTS:
        choice = [None, *buildings][int(rng.integers(len(buildings) + 1))]
        conn.execute("INSERT OR REPLACE INTO mapme_my_places VALUES (?, ?)", (slot, choice))
    ids = [r["id"] for r in conn.execute("SELECT id FROM mapme_places ORDER BY id")]
    for index in rng.choice(len(ids), size=int(rng.integers(3)), replace=False):
        conn.execute(
            "INSERT OR IGNORE INTO mapme_bookmarks (place_id) VALUES (?)", (ids[int(index)],)
        )
