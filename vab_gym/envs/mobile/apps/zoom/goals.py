"""Judge goals of AndroidLab's Zoom tasks (evaluation/tasks/zoom/zoom.py), from what the
join page holds and Zoom's settings."""

from __future__ import annotations

from vab_gym.envs.mobile.apps.zoom.data import meeting_id_text
from vab_gym.envs.mobile.judge import State, SubGoals


def zoom_join(
    state: State,
    meeting_id: str,
    name: str | None = None,
    no_audio: bool | None = None,
    no_video: bool | None = None,
) -> SubGoals:
    """The join page filled in for ``meeting_id`` (and name, join options), Join left to
    the user as the tasks ask."""
    row = state.sql("SELECT * FROM zoom_join WHERE id = 1")[0]
    goals = [
        (
            f"meeting ID {meeting_id_text(meeting_id)}",
            not row["link_mode"] and row["meeting_id"] == meeting_id,
        )
    ]
    if name is not None:
        goals.append((f"name {name}", row["name"].strip() == name))
    if no_audio is not None:
        goals.append(
            (
                f"Don't Connect To Audio {'on' if no_audio else 'off'}",
                bool(row["no_audio"]) == no_audio,
            )
        )
    if no_video is not None:
        goals.append(
            (f"Turn Off My Video {'on' if no_video else 'off'}", bool(row["no_video"]) == no_video)
        )
    return [*goals, ("Join left to the user", not row["joined"])]


def zoom_setting(state: State, key: str, values: list[str]) -> SubGoals:
    """A Zoom setting holding one of ``values`` (the first is the one AndroidLab expects)."""
    rows = state.sql("SELECT value FROM settings WHERE app = 'zoom' AND key = ?", (key,))
    return [(f"{key} = {values[0]}", bool(rows) and rows[0]["value"] in values)]


GOALS = {"zoom_join": zoom_join, "zoom_setting": zoom_setting}
