"""The solver's plans for Zoom's goals: fill the join page (never pressing Join), or pick
an option in Settings > Meetings."""

from __future__ import annotations

from collections.abc import Iterator

from vab_gym.core.actions import format_call
from vab_gym.envs.mobile.solver import MobileSolver, NotOnScreen

Plan = Iterator[str]
OPTION_ROWS = {
    "auto_connect_audio": "Auto-connect to audio",
    "reaction_skin_tone": "Reaction skin tone",
}


def join_option(solver: MobileSolver, title: str, on: bool) -> Plan:
    """The switch in the row reading ``title`` (described "On, switch" / "Off, switch")."""
    row = yield from solver.find(lambda e: e.text == title, title)
    switch = solver.index(lambda e: e.cls == "Switch", after=row)
    if switch is None:
        raise NotOnScreen(f"{title} switch")
    if solver.elements()[switch - 1].checked != on:
        yield format_call("tap", [switch])


def zoom_join(
    solver: MobileSolver,
    meeting_id: str,
    name: str | None = None,
    no_audio: bool | None = None,
    no_video: bool | None = None,
) -> Plan:
    if not solver.on_screen("Meeting ID"):
        if solver.on_screen("Join with a meeting ID"):
            yield from solver.tap_named("Join with a meeting ID")
        else:
            yield from solver.tap_named("Join a Meeting")
    yield from solver.fill("Meeting ID", meeting_id)
    if name is not None:
        yield from solver.fill("Your name", name)
    if no_audio is not None:
        yield from join_option(solver, "Don't Connect To Audio", no_audio)
    if no_video is not None:
        yield from join_option(solver, "Turn Off My Video", no_video)
    yield "finish()"


def zoom_setting(solver: MobileSolver, key: str, values: list[str]) -> Plan:
    yield from solver.tap_named("Settings")
    yield from solver.tap_named("Meetings")
    yield from solver.tap_named(OPTION_ROWS[key])
    yield from solver.tap_named(values[0])
    yield "finish()"


PLANS = {"zoom_join": zoom_join, "zoom_setting": zoom_setting}
