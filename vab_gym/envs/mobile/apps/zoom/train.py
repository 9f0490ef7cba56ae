"""Zoom's train-split prototypes (AndroidLab's phrasings with slots), their grounding and
the seeded variations of the pristine data."""

from __future__ import annotations

import sqlite3
from typing import Any

import numpy as np

from vab_gym.core.templates import Prototype
from vab_gym.envs.mobile.apps.zoom import data

LEAVE = "(You should not click join button, and leave it to user)"
NAMES = ("Alice", "Bob", "Carol", "David", "Emma", "Frank")

PROTOTYPES = (
    Prototype(
        "zoom_join_id",
        f"Join meeting {{meeting}}. {LEAVE}",
        {"meeting": "meeting_id"},
        {"kind": "state", "goal": "zoom_join", "params": {"meeting_id": "{meeting}"}},
    ),
    Prototype(
        "zoom_join_name",
        f"Join meeting {{meeting}}, and set my name as '{{name}}'. {LEAVE}",
        {"meeting": "meeting_id", "name": "name"},
        {
            "kind": "state",
            "goal": "zoom_join",
            "params": {"meeting_id": "{meeting}", "name": "{name}"},
        },
    ),
    Prototype(
        "zoom_join_quiet",
        f"I need to join meeting {{meeting}} without audio and video. {LEAVE}",
        {"meeting": "meeting_id"},
        {
            "kind": "state",
            "goal": "zoom_join",
            "params": {"meeting_id": "{meeting}", "no_audio": True, "no_video": True},
        },
    ),
    Prototype(
        "zoom_skin",
        "Change my reaction skin to {tone} in zoom settings.",
        {"tone": "skin_tone"},
        {
            "kind": "state",
            "goal": "zoom_setting",
            "params": {"key": "reaction_skin_tone", "values": ["{tone}"]},
        },
    ),
    Prototype(
        "zoom_audio",
        "Set auto connect to audio to {option} in zoom settings.",
        {"option": "audio_option"},
        {
            "kind": "state",
            "goal": "zoom_setting",
            "params": {"key": "auto_connect_audio", "values": ["{option}"]},
        },
    ),
)


def ground(
    conn: sqlite3.Connection, rng: np.random.Generator, prototype: Prototype
) -> dict[str, Any] | None:
    values = {
        r[0]: r[1] for r in conn.execute("SELECT key, value FROM settings WHERE app = 'zoom'")
    }
    join = conn.execute("SELECT name FROM zoom_join WHERE id = 1").fetchone()
    meeting = "".join(str(int(d)) for d in rng.integers(0, 10, size=10))
    if prototype.id == "zoom_skin":
        tones = [t for t in data.SKIN_TONES if t != values["reaction_skin_tone"]]
        return {"tone": tones[int(rng.integers(len(tones)))]}
    if prototype.id == "zoom_audio":
        options = [o for o in data.AUTO_AUDIO if o != values["auto_connect_audio"]]
        return {"option": options[int(rng.integers(len(options)))]}
    names = [n for n in NAMES if n != join[0]]
    return {"meeting": meeting, "name": names[int(rng.integers(len(names)))]}


def vary(conn: sqlite3.Connection, rng: np.random.Generator) -> None:
    """Another screen name and other settings than the pristine app's."""

    def pick(options: tuple[str, ...]) -> str:
        return options[int(rng.integers(len(options)))]

    conn.execute("UPDATE zoom_join SET name = ? WHERE id = 1", (pick((data.DEFAULT_NAME, *NAMES)),))
    for key, value in (
        ("reaction_skin_tone", pick(data.SKIN_TONES)),
        ("auto_connect_audio", pick(data.AUTO_AUDIO)),
        *((k, pick(("0", "1"))) for k in data.SWITCHES),
    ):
        conn.execute("UPDATE settings SET value = ? WHERE app = 'zoom' AND key = ?", (value, key))
