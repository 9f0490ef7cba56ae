"""Pi Music Player's train-split prototypes (AndroidLab's phrasings with slots), their
grounding in the library, and the library's reproducible variations."""

from __future__ import annotations

import sqlite3
from typing import Any

import numpy as np

from vab_gym.core.templates import Prototype
from vab_gym.envs.mobile.apps.pimusic import data


def _state(goal: str, **params: Any) -> dict[str, Any]:
    return {"kind": "state", "goal": goal, "params": params}


def _query(match: dict[str, Any]) -> dict[str, Any]:
    return {"kind": "query", "answer": "{answer}", "match": match}


PROTOTYPES = (
    Prototype(
        "pimusic_play",
        "Play {title} by {artist}.",
        {"title": "song", "artist": "artist"},
        _state("pimusic_playing", title="{title}", artist="{artist}"),
    ),
    Prototype(
        "pimusic_play_first",
        "Play the first song in '{playlist}' playlist.",
        {"playlist": "playlist", "title": "first_song"},
        _state("pimusic_playing", title="{title}", playlist="{playlist}"),
    ),
    Prototype(
        "pimusic_new_playlist",
        "Create a playlist named '{name}' for me.",
        {"name": "new_playlist"},
        _state("pimusic_playlist", name="{name}"),
    ),
    Prototype(
        "pimusic_sort",
        "Sort the songs by {field} in {order_text} order.",
        {"field": "sort_field", "key": "sort_key", "order_text": "order", "order": "order_name"},
        _state("pimusic_sorted", list_key="tracks", key="{key}", order="{order}", what="the songs"),
    ),
    Prototype(
        "pimusic_sort_artist",
        "Sort {artist}'s songs by {field} in {order_text} order.",
        {
            "artist": "artist",
            "field": "sort_field",
            "key": "sort_key",
            "order_text": "order",
            "order": "order_name",
        },
        _state(
            "pimusic_sorted",
            list_key="artist:{artist}",
            key="{key}",
            order="{order}",
            what="{artist}'s songs",
        ),
    ),
    Prototype(
        "pimusic_seek",
        "Pause the currently playing song and seek to {minutes} and {seconds} seconds.",
        {
            "title": "current_song",
            "minutes": "minutes",
            "seconds": "seconds",
            "position": "position",
        },
        _state("pimusic_paused_at", title="{title}", position="{position}"),
    ),
    Prototype(
        "pimusic_artist_count",
        "Help me check how many {artist}'s songs do I have?",
        {"artist": "artist", "answer": "count"},
        _query({"type": "number", "value": "{answer}"}),
    ),
    Prototype(
        "pimusic_album",
        "What is the album name of the song {title}?",
        {"title": "song", "answer": "album"},
        _query({"type": "text", "value": "{answer}"}),
    ),
    Prototype(
        "pimusic_artist_total",
        "What is the total duration time of all of {artist}'s songs?",
        {"artist": "artist", "answer": "length"},
        _query({"type": "duration", "value": "{answer}"}),
    ),
)
FIELDS = {"title": "Title", "duration time": "Duration", "artist": "Artist", "album": "Album"}
PLAYLIST_NAMES = ("Creepy", "Workout", "Chill", "Morning", "Party", "Study")


def _pick(rng: np.random.Generator, values: list[Any]) -> Any:
    return values[int(rng.integers(len(values)))] if values else None


def ground(
    conn: sqlite3.Connection, rng: np.random.Generator, prototype: Prototype
) -> dict[str, Any] | None:
    """A filling of ``prototype``'s slots from this library (query answers computed from it)."""
    songs = [dict(r) for r in conn.execute("SELECT * FROM songs ORDER BY id")]
    settings = {
        r["key"]: r["value"]
        for r in conn.execute("SELECT key, value FROM settings WHERE app = 'pimusic'")
    }
    kind = prototype.id.removeprefix("pimusic_")
    if kind in ("play", "album"):
        song = _pick(rng, songs)
        return (
            None
            if song is None
            else {"title": song["title"], "artist": song["artist"], "answer": song["album"]}
        )
    if kind == "play_first":
        rows = [
            dict(r)
            for r in conn.execute(
                "SELECT l.name, s.title FROM playlists l JOIN playlist_songs p ON p.playlist_id = "
                "l.id JOIN songs s ON s.id = p.song_id WHERE p.position = (SELECT MIN(position) "
                "FROM playlist_songs WHERE playlist_id = l.id) ORDER BY l.id"
            )
        ]
        row = _pick(rng, rows)
        return None if row is None else {"playlist": row["name"], "title": row["title"]}
    if kind == "new_playlist":
        have = {r["name"] for r in conn.execute("SELECT name FROM playlists")}
        name = _pick(rng, [n for n in PLAYLIST_NAMES if n not in have])
        return None if name is None else {"name": name}
    if kind in ("sort", "sort_artist"):
        field = _pick(rng, list(FIELDS))
        order = _pick(rng, list(data.ORDERS))
        artist = _pick(rng, sorted({s["artist"] for s in songs}))
        wanted = f"{FIELDS[field]},{order}"
        list_key = "tracks" if kind == "sort" else f"artist:{artist}"
        default = data.DEFAULT_SORT[list_key.partition(":")[0]]
        if settings.get(f"sort:{list_key}", default) == wanted:
            return None  # already so: nothing to do
        return {
            "field": field,
            "key": FIELDS[field],
            "order_text": order.lower(),
            "order": order,
            "artist": artist,
        }
    if kind == "seek":
        song = next((s for s in songs if str(s["id"]) == settings.get("song")), None)
        if song is None or song["seconds"] < 70:
            return None
        position = int(rng.integers(60, min(song["seconds"], 600)))
        minutes, seconds = divmod(position, 60)
        return {
            "title": song["title"],
            "seconds": str(seconds),
            "minutes": f"{minutes} minute{'s' if minutes != 1 else ''}",
            "position": data.duration(position),
        }
    if kind in ("artist_count", "artist_total"):
        artist = _pick(rng, sorted({s["artist"] for s in songs}))
        mine = [s for s in songs if s["artist"] == artist]
        answer = (
            str(len(mine))
            if kind == "artist_count"
            else data.duration(sum(s["seconds"] for s in mine))
        )
        return {"artist": artist, "answer": answer}
    raise ValueError(f"unknown Pi Music prototype {prototype.id!r}")


def vary(conn: sqlite3.Connection, rng: np.random.Generator) -> None:
    """Another library: other lengths (within 20 %), another song playing at another
    position, playlists in another order with another song first."""
    for row in conn.execute("SELECT id, seconds FROM songs").fetchall():
        conn.execute(
            "UPDATE songs SET seconds = ? WHERE id = ?",
            (max(60, int(row["seconds"] * rng.uniform(0.8, 1.2))), row["id"]),
        )
    ids = [r["id"] for r in conn.execute("SELECT id FROM songs ORDER BY id")]
    song = int(ids[int(rng.integers(len(ids)))])
    seconds = conn.execute("SELECT seconds FROM songs WHERE id = ?", (song,)).fetchone()[0]
    conn.execute(
        "UPDATE settings SET value = ? WHERE app = 'pimusic' AND key = 'song'", (str(song),)
    )
    conn.execute(
        "UPDATE settings SET value = ? WHERE app = 'pimusic' AND key = 'position'",
        (str(int(rng.integers(0, seconds // 2))),),
    )
    for (playlist_id,) in conn.execute("SELECT id FROM playlists").fetchall():
        members = [
            r[0]
            for r in conn.execute(
                "SELECT song_id FROM playlist_songs WHERE playlist_id = ?", (playlist_id,)
            )
        ]
        for position, member in enumerate(rng.permutation(members)):
            conn.execute(
                "UPDATE playlist_songs SET position = ? WHERE playlist_id = ? AND song_id = ?",
                (position, playlist_id, int(member)),
            )
