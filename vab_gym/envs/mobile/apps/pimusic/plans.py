"""The solver's plans for Pi Music Player's goals: the public actions, elements found by
their text or description on every step (``MobileSolver``'s helpers)."""

from __future__ import annotations

from vab_gym.envs.mobile.solver import MobileSolver, Plan


def _row(solver: MobileSolver, text: str) -> Plan:
    """Tap the list row showing ``text`` (scrolling to it)."""
    yield from solver.tap(lambda e: e.text == text and e.cls == "TextView", text)


def playing(
    solver: MobileSolver, title: str, artist: str | None = None, playlist: str | None = None
) -> Plan:
    if playlist is not None:
        yield from solver.tap_named("PLAYLISTS")
        yield from _row(solver, playlist)
    elif artist is not None:
        yield from solver.tap_named("ARTISTS")
        yield from _row(solver, artist)
    yield from _row(solver, title)
    yield "finish()"


def paused_at(solver: MobileSolver, title: str, position: str) -> Plan:
    yield from solver.tap_named("Now playing")
    if solver.on_screen("Pause"):
        yield from solver.tap_named("Pause")
    minutes, _, seconds = position.rpartition(":")
    yield from solver.tap_named("Seek bar")
    yield from solver.fill("Minutes", minutes)
    yield from solver.fill("Seconds", seconds)
    yield from solver.tap_named("OK")
    yield "finish()"


def sorted_by(solver: MobileSolver, list_key: str, key: str, order: str, what: str) -> Plan:
    kind, _, name = list_key.partition(":")
    if kind == "artist":
        yield from solver.tap_named("ARTISTS")
        yield from _row(solver, name)
    yield from solver.tap_named("Sort By")
    for choice in (key, order):
        yield from solver.tap(lambda e, c=choice: e.cls == "RadioButton" and e.text == c, choice)
    yield from solver.tap_named("OK")
    yield "finish()"


def playlist(solver: MobileSolver, name: str) -> Plan:
    yield from solver.tap_named("PLAYLISTS")
    yield from solver.tap_named("Create playlist")
    yield from solver.fill("Playlist name", name)
    yield from solver.tap_named("Create")
    yield "finish()"


PLANS = {
    "pimusic_playing": playing,
    "pimusic_paused_at": paused_at,
    "pimusic_sorted": sorted_by,
    "pimusic_playlist": playlist,
}
