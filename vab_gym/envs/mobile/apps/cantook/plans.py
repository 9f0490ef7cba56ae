"""The solver's plans for Cantook's goals: the public actions, elements found by their text
or description on every step (``MobileSolver``'s helpers)."""

from __future__ import annotations

from vab_gym.envs.mobile.apps.cantook import data
from vab_gym.envs.mobile.solver import MobileSolver, NotOnScreen, Plan


def _folder_of(file: str) -> str:
    for folder, entries in data.FILES.items():
        if file in entries:
            return folder
    raise NotOnScreen(file)


def imported(solver: MobileSolver, title: str) -> Plan:
    file = data.LIBRARY[title][2]
    yield from solver.tap_named("Import")
    for folder in _folder_of(file).strip("/").split("/"):
        yield from solver.tap(lambda e, f=folder: e.text == f and e.cls == "TextView", folder)
    yield from solver.tap(lambda e: e.text == file and e.cls == "TextView", file)
    yield "finish()"


def open_info(solver: MobileSolver, title: str) -> Plan:
    yield from solver.tap_named(f"Book info: {title}")


def deleted(solver: MobileSolver, title: str, keep: list[str] = ()) -> Plan:
    yield from open_info(solver, title)
    yield from solver.tap_named("Delete")
    yield from solver.tap(lambda e: e.text == "Delete" and e.cls == "Button", "Delete button")
    yield "finish()"


def marked(solver: MobileSolver, title: str, read: bool) -> Plan:
    yield from open_info(solver, title)
    wanted = "Mark as read" if read else "Mark as unread"
    if solver.on_screen(wanted):
        yield from solver.tap_named(wanted)
    yield "finish()"


def view(solver: MobileSolver, screen: str, what: str) -> Plan:
    kind, _, name = screen.partition(":")
    if kind == "reader":
        yield from solver.tap(lambda e: e.text == name and e.cls == "TextView", name)
    else:
        yield from solver.tap_named({"category": "Categories", "collection": "Collections"}[kind])
        yield from solver.tap(lambda e: e.text == name and e.cls == "TextView", name)
    yield "finish()"


def collection(solver: MobileSolver, name: str) -> Plan:
    yield from solver.tap_named("Collections")
    yield from solver.tap_named("New collection")
    yield from solver.fill("Collection name", name)
    yield from solver.tap_named("Create")
    yield "finish()"


PLANS = {
    "cantook_imported": imported,
    "cantook_deleted": deleted,
    "cantook_marked": marked,
    "cantook_view": view,
    "cantook_collection": collection,
}
