"""Pi Music Player's screens: the TRACKS, ALBUMS, ARTISTS and PLAYLISTS tabs (rows of title,
artist and m:ss), a "Sort By" dialog per list, an artist's and a playlist's songs, the player
("Now Playing list", "Equalizer", a seek bar) and the Now Playing list.

Each list keeps its own sort (``sort:tracks``, ``sort:artist:<name>`` in the settings table,
"<key>,<Ascending|Descending>"). Playing a song makes the list it was tapped in the queue.
"""

from __future__ import annotations

import sqlite3
from typing import Any

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from vab_gym.envs.mobile.apps.pimusic import data
from vab_gym.envs.mobile.phone.web import (
    database,
    page,
    put_setting,
    redirect,
    setting,
    to_int,
)

TABS = ("TRACKS", "ALBUMS", "ARTISTS", "PLAYLISTS")


def list_sort(conn: sqlite3.Connection, key: str) -> tuple[str, str]:
    """The (sort key, order) of list ``key`` (``tracks`` or ``artist:<name>``)."""
    default = data.DEFAULT_SORT[key.partition(":")[0]]
    sort_key, _, order = (setting(conn, "pimusic", f"sort:{key}") or default).partition(",")
    return sort_key, order


def songs(
    conn: sqlite3.Connection,
    where: str = "",
    params: tuple = (),
    sort: tuple[str, str] = ("Title", "Ascending"),
) -> list[dict[str, Any]]:
    key, order = sort
    direction = "DESC" if order == "Descending" else "ASC"
    rows = conn.execute(
        f"SELECT * FROM songs {where} ORDER BY {data.SORT_KEYS[key]} "
        f"{direction}, title COLLATE NOCASE",
        params,
    )
    return [{**dict(r), "length": data.duration(r["seconds"])} for r in rows]


def now_playing(conn: sqlite3.Connection) -> dict[str, Any] | None:
    row = conn.execute(
        "SELECT * FROM songs WHERE id = ?", (to_int(setting(conn, "pimusic", "song")),)
    ).fetchone()
    if row is None:
        return None
    position = to_int(setting(conn, "pimusic", "position"))
    return {
        **dict(row),
        "length": data.duration(row["seconds"]),
        "paused": setting(conn, "pimusic", "paused") == "1",
        "position": position,
        "at": data.duration(position),
    }


def _page(request: Request, conn: sqlite3.Connection, name: str, **context: Any) -> Response:
    q = request.query_params
    return page(
        request,
        f"pimusic/{name}",
        tabs=TABS,
        playing=now_playing(conn),
        dialog=q.get("dialog", ""),
        here=request.url.path,
        **context,
    )


async def tracks(request: Request) -> Response:
    with database(request) as conn:
        sort = list_sort(conn, "tracks")
        return _page(
            request,
            conn,
            "songs.html",
            tab="TRACKS",
            title="Pi Music Player",
            songs=songs(conn, sort=sort),
            sort=sort,
            list_key="tracks",
            source="tracks",
        )


async def albums(request: Request) -> Response:
    with database(request) as conn:
        rows = [
            dict(r)
            for r in conn.execute(
                "SELECT album AS name, MIN(artist) AS artist, COUNT(*) AS size FROM songs "
                "GROUP BY album ORDER BY album COLLATE NOCASE"
            )
        ]
        return _page(request, conn, "groups.html", tab="ALBUMS", groups=rows, kind="albums")


async def artists(request: Request) -> Response:
    with database(request) as conn:
        rows = [
            dict(r)
            for r in conn.execute(
                "SELECT artist AS name, COUNT(*) AS size FROM songs GROUP BY artist "
                "ORDER BY artist COLLATE NOCASE"
            )
        ]
        return _page(request, conn, "groups.html", tab="ARTISTS", groups=rows, kind="artists")


async def album(request: Request) -> Response:
    name = request.path_params["name"]
    with database(request) as conn:
        found = songs(conn, "WHERE album = ?", (name,))
        if not found:
            return redirect("/pimusic/albums")
        return _page(
            request,
            conn,
            "songs.html",
            tab="ALBUMS",
            title=name,
            songs=found,
            back="/pimusic/albums",
            source=f"album:{name}",
        )


async def artist(request: Request) -> Response:
    name = request.path_params["name"]
    with database(request) as conn:
        sort = list_sort(conn, f"artist:{name}")
        found = songs(conn, "WHERE artist = ?", (name,), sort=sort)
        if not found:
            return redirect("/pimusic/artists")
        return _page(
            request,
            conn,
            "songs.html",
            tab="ARTISTS",
            title=name,
            songs=found,
            sort=sort,
            list_key=f"artist:{name}",
            back="/pimusic/artists",
            source=f"artist:{name}",
        )


async def playlists(request: Request) -> Response:
    with database(request) as conn:
        rows = [
            dict(r)
            for r in conn.execute(
                "SELECT p.id, p.name, COUNT(s.song_id) AS size FROM playlists p LEFT JOIN "
                "playlist_songs s ON s.playlist_id = p.id GROUP BY p.id ORDER BY p.created"
            )
        ]
        return _page(request, conn, "playlists.html", tab="PLAYLISTS", playlists=rows)


async def playlist_new(request: Request) -> Response:
    form = await request.form()
    name = str(form.get("name", "")).strip()
    if name:
        with database(request) as conn:
            conn.execute(
                "INSERT OR IGNORE INTO playlists (name, created) VALUES (?, ?)", (name, data.NOW)
            )
    return redirect("/pimusic/playlists")


async def playlist(request: Request) -> Response:
    with database(request) as conn:
        row = conn.execute(
            "SELECT * FROM playlists WHERE id = ?", (to_int(request.path_params["id"]),)
        ).fetchone()
        if row is None:
            return redirect("/pimusic/playlists")
        found = [
            {**dict(r), "length": data.duration(r["seconds"])}
            for r in conn.execute(
                "SELECT s.* FROM songs s JOIN playlist_songs p ON p.song_id = s.id "
                "WHERE p.playlist_id = ? ORDER BY p.position",
                (row["id"],),
            )
        ]
        return _page(
            request,
            conn,
            "songs.html",
            tab="PLAYLISTS",
            title=row["name"],
            songs=found,
            back="/pimusic/playlists",
            source=f"playlist:{row['name']}",
        )


async def sort(request: Request) -> Response:
    form = await request.form()
    key, order = str(form.get("key", "")), str(form.get("order", ""))
    list_key = str(form.get("list", ""))
    back = str(form.get("next", ""))
    if not back.startswith("/pimusic/"):
        back = "/pimusic/tracks"
    if (
        key in data.SORT_KEYS
        and order in data.ORDERS
        and (list_key == "tracks" or list_key.startswith("artist:"))
    ):
        with database(request) as conn:
            put_setting(conn, "pimusic", f"sort:{list_key}", f"{key},{order}")
    return redirect(back)


async def play(request: Request) -> Response:
    """Play ``song`` with the list it was tapped in (``source``) as the queue."""
    form = await request.form()
    source = str(form.get("source", "tracks"))
    with database(request) as conn:
        kind, _, name = source.partition(":")
        if kind == "playlist":
            queue = [
                r["id"]
                for r in conn.execute(
                    "SELECT s.id FROM songs s JOIN playlist_songs p ON p.song_id = s.id JOIN "
                    "playlists l ON l.id = p.playlist_id WHERE l.name = ? ORDER BY p.position",
                    (name,),
                )
            ]
        elif kind in ("artist", "album"):
            sort = list_sort(conn, source) if kind == "artist" else ("Title", "Ascending")
            queue = [s["id"] for s in songs(conn, f"WHERE {kind} = ?", (name,), sort=sort)]
        else:
            queue = [s["id"] for s in songs(conn, sort=list_sort(conn, "tracks"))]
        song = to_int(form.get("song"))
        if song not in queue:
            return redirect("/pimusic/tracks")
        _start(conn, song, queue, source)
    return redirect("/pimusic/player")


def _start(conn: sqlite3.Connection, song: int, queue: list[int], source: str) -> None:
    for key, value in (
        ("song", str(song)),
        ("paused", "0"),
        ("position", "0"),
        ("queue", ",".join(map(str, queue))),
        ("source", source),
    ):
        put_setting(conn, "pimusic", key, value)


async def player(request: Request) -> Response:
    with database(request) as conn:
        if now_playing(conn) is None:
            return redirect("/pimusic/tracks")
        return _page(
            request,
            conn,
            "player.html",
            equalizer=setting(conn, "pimusic", "equalizer"),
            presets=data.EQUALIZER,
        )


async def player_change(request: Request) -> Response:
    """``toggle`` (play/pause), ``previous``, ``next``, ``seek`` (Minutes and Seconds),
    ``equalizer`` (a preset)."""
    what = request.path_params["what"]
    form = await request.form()
    with database(request) as conn:
        current = now_playing(conn)
        if current is None:
            return redirect("/pimusic/tracks")
        if what == "toggle":
            put_setting(conn, "pimusic", "paused", "0" if current["paused"] else "1")
        elif what in ("previous", "next"):
            queue = [to_int(s) for s in setting(conn, "pimusic", "queue").split(",") if s]
            at = queue.index(current["id"]) if current["id"] in queue else 0
            step = 1 if what == "next" else -1
            if queue:
                _start(
                    conn, queue[(at + step) % len(queue)], queue, setting(conn, "pimusic", "source")
                )
        elif what == "seek":
            minutes, seconds = to_int(form.get("minutes"), -1), to_int(form.get("seconds"), -1)
            position = minutes * 60 + seconds
            if minutes < 0 or not 0 <= seconds <= 59 or position > current["seconds"]:
                return redirect("/pimusic/player?dialog=seek")
            put_setting(conn, "pimusic", "position", str(position))
        elif what == "equalizer" and form.get("preset") in data.EQUALIZER:
            put_setting(conn, "pimusic", "equalizer", str(form["preset"]))
    return redirect("/pimusic/player")


async def queue_screen(request: Request) -> Response:
    with database(request) as conn:
        ids = [to_int(s) for s in setting(conn, "pimusic", "queue").split(",") if s]
        by_id = {s["id"]: s for s in songs(conn)}
        return _page(
            request,
            conn,
            "queue.html",
            songs=[by_id[i] for i in ids if i in by_id],
            source=setting(conn, "pimusic", "source"),
        )


def routes() -> list[Route]:
    return [
        Route("/pimusic", lambda request: redirect("/pimusic/tracks")),
        Route("/pimusic/tracks", tracks),
        Route("/pimusic/albums", albums),
        Route("/pimusic/albums/{name}", album),
        Route("/pimusic/artists", artists),
        Route("/pimusic/artists/{name}", artist),
        Route("/pimusic/playlists", playlists),
        Route("/pimusic/playlists/new", playlist_new, methods=["POST"]),
        Route("/pimusic/playlists/{id:int}", playlist),
        Route("/pimusic/sort", sort, methods=["POST"]),
        Route("/pimusic/play", play, methods=["POST"]),
        Route("/pimusic/player", player),
        Route("/pimusic/player/{what}", player_change, methods=["POST"]),
        Route("/pimusic/queue", queue_screen),
    ]
