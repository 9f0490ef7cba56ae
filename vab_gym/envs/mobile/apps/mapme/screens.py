"""Maps.me's screens: the map with a place page, search (by name and by category, nearest
first), route planning by mode with its Start button, navigation, and bookmarks with
"My places" (Home and Work).

The route being planned is app state (``settings`` rows ``route_from``, ``route_to``,
``route_mode``, ``navigating``): Maps.me keeps it while its route screen or navigation is
open and drops it when route planning is closed (Back or the close button).
"""

from __future__ import annotations

import sqlite3
from typing import Any

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from vab_gym.envs.mobile.apps.mapme import data, drawing
from vab_gym.envs.mobile.phone import seed
from vab_gym.envs.mobile.phone.formats import clock_time
from vab_gym.envs.mobile.phone.web import (
    database,
    page,
    put_setting,
    redirect,
    setting,
    to_int,
    url_with,
)

PICKS = ("", "from", "to", *data.SLOTS)  # what a search result is picked for
LISTED_CATEGORIES = 11  # the search screen lists the first ones; the others are typed


def _route_state(conn: sqlite3.Connection) -> dict[str, str]:
    return {key: setting(conn, "mapme", key) for key in data.ROUTE_DEFAULTS}


def _local(target: Any, default: str) -> str:
    text = str(target or "")
    return text if text.startswith("/mapme") else default


def my_places(conn: sqlite3.Connection) -> list[dict[str, Any]]:
    """Home and Work rows: the place and its line ``18th Street, 3180 • 50.6 km``."""
    rows = []
    for slot in data.SLOTS:
        found = conn.execute(
            "SELECT place_id FROM mapme_my_places WHERE slot = ?", (slot,)
        ).fetchone()
        spot = data.place(conn, found["place_id"]) if found and found["place_id"] else None
        line = "Add address"
        if spot is not None:
            where = spot["address"] or spot["city"]
            line = f"{where} • {data.place_distance(data.distance_km(conn, spot['id']))}"
        rows.append({"slot": slot, "place": spot, "line": line})
    return rows


def _with_distance(conn: sqlite3.Connection, spot: dict[str, Any]) -> dict[str, Any]:
    return {**spot, "distance": data.place_distance(data.distance_km(conn, spot["id"]))}


async def map_screen(request: Request) -> Response:
    q = request.query_params
    here = data.world()["my_location"]
    with database(request) as conn:
        spot = data.place(conn, q.get("place", "")) if q.get("place") else None
        if spot is not None:
            spot = _with_distance(conn, spot)
            spot["saved"] = (
                conn.execute(
                    "SELECT 1 FROM mapme_bookmarks WHERE place_id = ?", (spot["id"],)
                ).fetchone()
                is not None
            )
        centre = spot or here
        zoom = to_int(q.get("z"), drawing.DEFAULT_ZOOM)
        lat = float(q.get("lat", centre["lat"]))
        lon = float(q.get("lon", centre["lon"]))
        view = drawing.View(lat, lon, zoom)
        svg = drawing.draw(conn, view, pin=spot)
    return page(
        request,
        "mapme/map.html",
        svg=svg,
        spot=spot,
        zoom=view.zoom,
        lat=lat,
        lon=lon,
        zoom_range=(drawing.MIN_ZOOM, drawing.MAX_ZOOM),
    )


async def search_screen(request: Request) -> Response:
    q = request.query_params
    query = q.get("q", "").strip()
    pick = q.get("pick", "") if q.get("pick", "") in PICKS else ""
    back = _local(
        q.get("next"),
        "/mapme/route"
        if pick in ("from", "to")
        else "/mapme/bookmarks"
        if pick in data.SLOTS
        else "/mapme",
    )
    with database(request) as conn:
        results = [_with_distance(conn, p) for p in data.search(conn, query)] if query else []
        mine = my_places(conn) if pick in ("", "from", "to") else []
    hint = {
        "from": "Search for a start point",
        "to": "Search for a destination",
        "Home": "Search for the Home address",
        "Work": "Search for the Work address",
    }
    listed = list(data.world()["categories"])[:LISTED_CATEGORIES]
    return page(
        request,
        "mapme/search.html",
        query=query,
        pick=pick,
        back=back,
        results=results,
        mine=mine,
        categories=listed,
        placeholder=hint.get(pick, "Search"),
        category=data.category_of(query),
    )


async def pick_place(request: Request) -> Response:
    """A search result (or a My places row) chosen: a route end, Home/Work, or shown."""
    form = await request.form()
    pick, pid = str(form.get("pick", "")), str(form.get("place", ""))
    with database(request) as conn:
        spot = data.place(conn, pid)
        if spot is None:
            return redirect("/mapme/search")
        if pick in data.SLOTS:
            if pid != data.ME:
                conn.execute("INSERT OR REPLACE INTO mapme_my_places VALUES (?, ?)", (pick, pid))
            return redirect(_local(form.get("next"), "/mapme/bookmarks"))
        if pick in ("from", "to"):
            _set_end(conn, pick, pid)
            return redirect("/mapme/route")
    return redirect(url_with("/mapme", place=pid))


def _set_end(conn: sqlite3.Connection, end: str, pid: str) -> None:
    """One end of the route; a route to a place starts at My location unless chosen."""
    state = _route_state(conn)
    put_setting(conn, "mapme", f"route_{end}", pid)
    if end == "to" and not state["route_from"]:
        put_setting(conn, "mapme", "route_from", data.ME)
    put_setting(conn, "mapme", "navigating", "0")


async def route_change(request: Request) -> Response:
    what = request.path_params["what"]
    form = await request.form()
    with database(request) as conn:
        state = _route_state(conn)
        if what in ("from", "to"):
            if data.place(conn, str(form.get("place", ""))) is not None:
                _set_end(conn, what, str(form["place"]))
        elif what == "mode" and form.get("mode") in data.MODES:
            put_setting(conn, "mapme", "route_mode", str(form["mode"]))
        elif what == "swap":
            put_setting(conn, "mapme", "route_from", state["route_to"])
            put_setting(conn, "mapme", "route_to", state["route_from"])
        elif what == "start":
            if state["route_from"] and state["route_to"]:
                put_setting(conn, "mapme", "navigating", "1")
                return redirect("/mapme/navigate")
        elif what == "new":
            for key, value in data.ROUTE_DEFAULTS.items():
                if key != "route_mode":
                    put_setting(conn, "mapme", key, value)
            put_setting(conn, "mapme", "route_from", data.ME)
    return redirect("/mapme/route")


async def route_close(request: Request) -> Response:
    """Back or close on route planning (or Stop in navigation): the route is dropped."""
    with database(request) as conn:
        for key, value in data.ROUTE_DEFAULTS.items():
            if key != "route_mode":
                put_setting(conn, "mapme", key, value)
    return redirect("/mapme")


def _planned(conn: sqlite3.Connection) -> dict[str, Any]:
    state = _route_state(conn)
    start = data.place(conn, state["route_from"]) if state["route_from"] else None
    end = data.place(conn, state["route_to"]) if state["route_to"] else None
    mode = state["route_mode"] or "driving"
    found = data.route(conn, start["id"], end["id"], mode) if start and end else None
    return {
        "start": start,
        "end": end,
        "mode": mode,
        "route": found,
        "navigating": state["navigating"] == "1",
    }


async def route_screen(request: Request) -> Response:
    with database(request) as conn:
        plan = _planned(conn)
        start, end = plan["start"], plan["end"]
        here = data.place(conn, data.ME)
        if start and end:
            lat, lon, zoom = drawing.fit_zoom(start, end)
        else:
            spot = end or start or here
            lat, lon, zoom = spot["lat"], spot["lon"], drawing.DEFAULT_ZOOM
        line = (start, end, plan["mode"]) if plan["route"] else None
        svg = drawing.draw(conn, drawing.View(lat, lon, zoom), pin=end, line=line)
    modes = [(m, data.world()["modes"][m]) for m in data.MODES]
    return page(request, "mapme/route.html", svg=svg, modes=modes, **plan)


async def navigate_screen(request: Request) -> Response:
    with database(request) as conn:
        plan = _planned(conn)
    if not plan["navigating"] or plan["route"] is None:
        return redirect("/mapme/route")
    arrival = seed.NOW.hour * 60 + seed.NOW.minute + plan["route"].minutes
    return page(request, "mapme/navigate.html", arrival=clock_time(arrival % (24 * 60)), **plan)


async def bookmarks_screen(request: Request) -> Response:
    with database(request) as conn:
        mine = my_places(conn)
        saved = [
            _with_distance(conn, dict(r))
            for r in conn.execute(
                "SELECT p.* FROM mapme_bookmarks b JOIN mapme_places p ON p.id = b.place_id "
                "ORDER BY b.id"
            )
        ]
    return page(request, "mapme/bookmarks.html", mine=mine, saved=saved)


async def bookmark_toggle(request: Request) -> Response:
    pid = str(request.path_params["id"])
    with database(request) as conn:
        known = data.place(conn, pid) is not None and pid != data.ME
        if (
            known
            and conn.execute("DELETE FROM mapme_bookmarks WHERE place_id = ?", (pid,)).rowcount == 0
        ):
            conn.execute("INSERT INTO mapme_bookmarks (place_id) VALUES (?)", (pid,))
    return redirect(url_with("/mapme", place=pid))


def routes() -> list[Route]:
    return [
        Route("/mapme", map_screen),
        Route("/mapme/search", search_screen),
        Route("/mapme/pick", pick_place, methods=["POST"]),
        Route("/mapme/route", route_screen),
        Route("/mapme/route/close", route_close),
        Route("/mapme/route/{what}", route_change, methods=["POST"]),
        Route("/mapme/navigate", navigate_screen),
        Route("/mapme/bookmarks", bookmarks_screen),
        Route("/mapme/bookmark/{id}", bookmark_toggle, methods=["POST"]),
    ]
