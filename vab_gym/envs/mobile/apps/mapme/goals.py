"""Maps.me's judge goals (from the app's state) and the solver's plan for each.

AndroidLab's judges (``evaluation/tasks/map_me/map.py``) read the screen: map_11 the Work
row of "My places", map_12-15 a route screen showing the destination, "My location" and
"Start". Here the same facts are read from the app's database: the Work place, and the
route being planned (its ends), which the app drops when route planning is closed. Each
goal is one sub-goal, as each of those judges has one key ("1").
"""

from __future__ import annotations

from typing import Any

from vab_gym.envs.mobile.apps.mapme.data import ME, MY_LOCATION
from vab_gym.envs.mobile.judge import State, SubGoals
from vab_gym.envs.mobile.solver import MobileSolver, Plan


def _route(state: State) -> dict[str, str]:
    return {
        r["key"]: r["value"]
        for r in state.sql("SELECT key, value FROM settings WHERE app = 'mapme'")
    }


def _name(state: State, pid: str) -> str:
    if pid == ME:
        return MY_LOCATION
    rows = state.sql("SELECT name FROM mapme_places WHERE id = ?", (pid,))
    return rows[0]["name"] if rows else ""


def route(state: State, destination: str, origin: str = MY_LOCATION) -> SubGoals:
    """A route from ``origin`` to ``destination`` (place names) is planned or followed."""
    plan = _route(state)
    start, end = _name(state, plan.get("route_from", "")), _name(state, plan.get("route_to", ""))
    ok = start.casefold() == origin.casefold() and end.casefold() == destination.casefold()
    return [(f"route from {origin} to {destination}", ok)]


def my_place(state: State, slot: str, place: str) -> SubGoals:
    """My places' ``slot`` (Home or Work) is the place called ``place``."""
    rows = state.sql(
        "SELECT p.name FROM mapme_my_places m JOIN mapme_places p "
        "ON p.id = m.place_id WHERE m.slot = ?",
        (slot,),
    )
    return [(f"{slot} is {place}", bool(rows) and rows[0]["name"].casefold() == place.casefold())]


def bookmarked(state: State, place: str) -> SubGoals:
    rows = state.sql(
        "SELECT p.name FROM mapme_bookmarks b JOIN mapme_places p ON p.id = b.place_id"
    )
    return [(f"{place} bookmarked", any(r["name"].casefold() == place.casefold() for r in rows))]


GOALS = {"mapme_route": route, "mapme_my_place": my_place, "mapme_bookmarked": bookmarked}


# -- plans ---------------------------------------------------------------------------------


def _result(solver: MobileSolver, name: str) -> Plan:
    """Search for ``name`` in the focused search screen's field and tap its result."""
    yield from solver.fill("Search", name)
    yield from solver.tap(lambda e: e.text == name and e.cls == "TextView", f"result {name!r}")


def plan_route(solver: MobileSolver, destination: str, origin: str = MY_LOCATION) -> Plan:
    yield from solver.tap_named("Search")
    yield from _result(solver, destination)
    yield from solver.tap_named("Route to")
    if origin != MY_LOCATION:
        yield from solver.tap_named("Start point")
        yield from _result(solver, origin)
    yield "finish()"


def plan_my_place(solver: MobileSolver, slot: str, place: str) -> Plan:
    yield from solver.tap_named("Bookmarks")
    yield from solver.tap_named(f"Edit {slot}")
    yield from _result(solver, place)
    yield "finish()"


def plan_bookmarked(solver: MobileSolver, place: str) -> Plan:
    yield from solver.tap_named("Search")
    yield from _result(solver, place)
    yield from solver.tap_named("Save")
    yield "finish()"


PLANS: dict[str, Any] = {
    "mapme_route": plan_route,
    "mapme_my_place": plan_my_place,
    "mapme_bookmarked": plan_bookmarked,
}
