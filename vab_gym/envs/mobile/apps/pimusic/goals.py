"""Pi Music Player's judge goals, from the app's state: AndroidLab's sub-goals of
``evaluation/tasks/pimusic/pimusic.py`` for what the task text asks.

AndroidLab reads them off the screen the agent finishes on: the player (a page with "Now
Playing list" and "Equalizer") showing the song (``SingleTask_pimusic_7``/``_11``) or "1:27"
(``_10``); a song list whose m:ss column is in order after a "Sort By" dialog was seen
(``_8``, ``_12``); the PLAYLISTS tab listing "Creepy" (``_9``).
"""

from __future__ import annotations

from vab_gym.envs.mobile.apps.pimusic.data import duration
from vab_gym.envs.mobile.judge import State, SubGoals


def _player(state: State) -> dict[str, str]:
    return {
        r["key"]: r["value"]
        for r in state.sql("SELECT key, value FROM settings WHERE app = 'pimusic'")
    }


def _song(state: State, song_id: str) -> dict | None:
    rows = state.sql("SELECT * FROM songs WHERE id = ?", (song_id,))
    return rows[0] if rows else None


def playing(
    state: State, title: str, artist: str | None = None, playlist: str | None = None
) -> SubGoals:
    """``title`` (by ``artist``) is playing (from ``playlist`` when given)."""
    player = _player(state)
    song = _song(state, player.get("song", ""))
    ok = song is not None and song["title"] == title and artist in (None, song["artist"])
    goals = [
        (f"{title} is the current song", ok),
        (f"{title} is playing", ok and player.get("paused") == "0"),
    ]
    if playlist is not None:
        goals.append(
            (
                f"played from the {playlist} playlist",
                ok and player.get("source") == f"playlist:{playlist}",
            )
        )
    return goals


def paused_at(state: State, title: str, position: str) -> SubGoals:
    """The song ``title`` paused at ``position`` (m:ss)."""
    player = _player(state)
    song = _song(state, player.get("song", ""))
    same = song is not None and song["title"] == title
    at = duration(int(player.get("position", "-1") or -1)) if same else ""
    return [
        (f"{title} paused", same and player.get("paused") == "1"),
        (f"at {position}", at == position),
    ]


def sorted_by(state: State, list_key: str, key: str, order: str, what: str) -> SubGoals:
    """List ``list_key`` (``tracks``, ``artist:<name>``) sorted by ``key`` in ``order``."""
    value = _player(state).get(f"sort:{list_key}", "")
    have_key, _, have_order = value.partition(",")
    return [
        (f"{what} sorted by {key.lower()}", have_key == key),
        (f"{what} in {order.lower()} order", have_key == key and have_order == order),
    ]


def playlist(state: State, name: str) -> SubGoals:
    return [
        (f"playlist {name}", bool(state.sql("SELECT 1 FROM playlists WHERE name = ?", (name,))))
    ]


GOALS = {
    "pimusic_playing": playing,
    "pimusic_paused_at": paused_at,
    "pimusic_sorted": sorted_by,
    "pimusic_playlist": playlist,
}
