"""The train split: prototypes + instantiation on seeded variants of the phone's data.

Each app offers prototypes (task templates with typed slots, AndroidLab's phrasing), a
``ground(conn, rng, prototype)`` that fills one from a database, and a ``vary(conn, rng)`` that
changes its pristine data reproducibly. Clock and Contacts have theirs here (the prototypes in
``data/train_prototypes.yaml``); every installed app package brings its own
(:mod:`vab_gym.envs.mobile.apps`). A train task names its data variant in ``setup.variant``:
the phone server builds that variant's pristine database once (``seed.build(path, variant)``)
and every reset restores it. ``python -m vab_gym.envs.mobile.train`` writes ``data/train.jsonl``;
``vab-gym mobile-tasks`` makes any number.
"""

from __future__ import annotations

import dataclasses
import sqlite3
import sys
import zlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

import numpy as np
import yaml

from vab_gym.core.tasks import Task, TaskSet, package_tasks, write_jsonl
from vab_gym.core.templates import Prototype, place_values
from vab_gym.envs.mobile.apps import installed
from vab_gym.envs.mobile.phone import formats

TRAIN_COUNT = 360  # the shipped split
VARIANTS = 16  # data variants 1..VARIANTS (0 is the test tasks' seed); the server caches them
TRIES = 20  # groundings tried per prototype and round before it counts as exhausted
SOURCE = "vab-gym train prototypes (AndroidLab's phrasing), grounded in data variant {variant}"

Ground = Callable[[sqlite3.Connection, np.random.Generator, Prototype], dict[str, Any] | None]
Vary = Callable[[sqlite3.Connection, np.random.Generator], None]


@dataclass(frozen=True)
class TrainApp:
    """What the train split needs of an app: the phone's ``PhoneApp`` has the same fields."""

    key: str
    title: str  # AndroidLab's APP, as the instruction names it
    start: str
    prototypes: tuple[Prototype, ...]
    ground: Ground | None
    vary: Vary | None


# -- the data Clock and Contacts draw from --------------------------------------------------


@cache
def _data() -> dict[str, Any]:
    text = (resources.files(__package__) / "data" / "train_prototypes.yaml").read_text("utf-8")
    return yaml.safe_load(text)


def _pool(name: str) -> list[str]:
    return list(_data()["pools"][name])


def _prototypes(app: str) -> tuple[Prototype, ...]:
    return tuple(
        Prototype(
            id=p["id"],
            instruction=p["instruction"],
            slots=p["slots"],
            judge=p["judge"],
            params=p.get("params", {}),
        )
        for p in _data()[app]["prototypes"]
    )


def _pick(rng: np.random.Generator, items: Sequence[Any]) -> Any:
    return items[int(rng.integers(len(items)))] if items else None


def spoken_time(minutes: int) -> str:
    """A time as AndroidLab's tasks write it: ``3PM``, ``6:45AM``, ``10:30PM``."""
    hour, minute = divmod(minutes, 60)
    half = "PM" if hour >= 12 else "AM"
    return f"{hour % 12 or 12}{half}" if minute == 0 else f"{hour % 12 or 12}:{minute:02d}{half}"


def _hhmm(minutes: int) -> str:
    return f"{minutes // 60:02d}:{minutes % 60:02d}"


# -- Clock ------------------------------------------------------------------------------------

WEEK = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
WEEK_NAMES = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")


def _alarms(conn: sqlite3.Connection) -> list[dict[str, Any]]:
    return [dict(r) for r in conn.execute("SELECT * FROM alarms ORDER BY minutes")]


def _cities(conn: sqlite3.Connection) -> set[str]:
    return {r[0] for r in conn.execute("SELECT city FROM world_clocks")}


def _clock_setting(conn: sqlite3.Connection, key: str) -> str:
    row = conn.execute(
        "SELECT value FROM settings WHERE app = 'clock' AND key = ?", (key,)
    ).fetchone()
    return row[0] if row else ""


def _days(rng: np.random.Generator) -> tuple[str, list[str]]:
    """A repeat pattern as a task says it and as the alarm's days."""
    kind = int(rng.integers(5))
    if kind == 0:
        return "Monday to Friday", list(WEEK[:5])
    if kind == 1:
        return "weekend", ["Sat", "Sun"]
    if kind == 2:
        return "day", list(WEEK)
    picked = sorted(int(i) for i in rng.choice(7, size=kind - 2, replace=False))
    return " and ".join(WEEK_NAMES[i] for i in picked), [WEEK[i] for i in picked]


def _time_slot(name: str, minutes: int) -> dict[str, Any]:
    return {name: spoken_time(minutes), f"{name}_hhmm": _hhmm(minutes)}


def _clock_kinds() -> dict[str, Callable[..., dict[str, Any] | None]]:
    from vab_gym.envs.mobile.phone.seed import CITIES

    def free_time(conn, rng, name, filling):
        taken = {a["minutes"] for a in _alarms(conn)}
        minutes = int(rng.integers(5 * 12, 23 * 12)) * 5  # 5:00 to 22:55 on the 5-minute grid
        return None if minutes in taken else _time_slot(name, minutes)

    def alarm_on(conn, rng, name, filling):
        alarm = _pick(rng, [a for a in _alarms(conn) if a["enabled"]])
        return alarm and _time_slot(name, alarm["minutes"])

    def days(conn, rng, name, filling):
        text, listed = _days(rng)
        return {name: text, f"{name}_list": listed}

    def duration(conn, rng, name, filling):
        hours, minutes = int(rng.integers(3)), int(rng.integers(1, 60))
        words = [f"{hours} hour{'s' * (hours > 1)}"] if hours else []
        words.append(f"{minutes} minute{'s' * (minutes > 1)}")
        return {name: " ".join(words), f"{name}_hours": hours, f"{name}_minutes": minutes}

    return {
        "free_time": free_time,
        "alarm_on": alarm_on,
        "days": days,
        "duration": duration,
        "alarm_label": lambda conn, rng, name, filling: {name: _pick(rng, _pool("alarm_labels"))},
        "city_absent": lambda conn, rng, name, filling: {
            name: _pick(
                rng, sorted(set(CITIES) - _cities(conn) - {_clock_setting(conn, "home_time_zone")})
            )
        },
        "city_present": lambda conn, rng, name, filling: {name: _pick(rng, sorted(_cities(conn)))},
        "home_city": lambda conn, rng, name, filling: {
            name: _pick(rng, sorted(set(CITIES) - {_clock_setting(conn, "home_time_zone")}))
        },
    }


def _clock_answers() -> dict[str, Callable[[sqlite3.Connection, dict], dict[str, Any] | None]]:
    def earliest_on(conn, filling):
        on = [a["minutes"] for a in _alarms(conn) if a["enabled"]]
        return {"answer": spoken_time(min(on)), "answer_hhmm": _hhmm(min(on))} if on else None

    def count_on(conn, filling):
        count = sum(a["enabled"] for a in _alarms(conn))
        return {"answer": f"{count} alarm{'s' * (count != 1)}", "answer_count": count}

    return {"earliest_on": earliest_on, "count_on": count_on}


def vary_clock(conn: sqlite3.Connection, rng: np.random.Generator) -> None:
    """Other alarms (three or four, at least one on and one off), one to three world clocks
    and another silence-after setting; the home time zone stays."""
    from vab_gym.envs.mobile.phone.seed import CITIES, HOME_CITY, RINGTONES, SILENCE_AFTER

    count = 3 + int(rng.integers(2))
    times = sorted(
        int(m) * 5 for m in rng.choice(np.arange(5 * 12, 23 * 12), size=count, replace=False)
    )
    enabled = [bool(rng.integers(2)) for _ in times]
    enabled[int(rng.integers(count))] = True
    enabled[(enabled.index(True) + 1 + int(rng.integers(count - 1))) % count] = False
    rows = []
    for minutes, on in zip(times, enabled, strict=True):
        _, days = _days(rng) if rng.integers(2) else ("", [])
        rows.append(
            (minutes, "", ",".join(days), int(on), int(rng.integers(2)), _pick(rng, RINGTONES[:-1]))
        )
    cities = sorted(set(CITIES) - {HOME_CITY})
    chosen = [
        cities[int(i)]
        for i in rng.choice(len(cities), size=1 + int(rng.integers(3)), replace=False)
    ]
    with conn:
        conn.execute("DELETE FROM alarms")
        conn.executemany(
            "INSERT INTO alarms (minutes, label, days, enabled, vibrate, ringtone)"
            " VALUES (?, ?, ?, ?, ?, ?)",
            rows,
        )
        conn.execute("DELETE FROM world_clocks")
        conn.executemany("INSERT INTO world_clocks (city) VALUES (?)", [(c,) for c in chosen])
        conn.execute(
            "UPDATE settings SET value = ? WHERE app = 'clock' AND key = 'silence_after'",
            (_pick(rng, SILENCE_AFTER),),
        )


# -- Contacts ---------------------------------------------------------------------------------


def _people(conn: sqlite3.Connection) -> list[dict[str, Any]]:
    rows = [dict(r) for r in conn.execute("SELECT * FROM contacts ORDER BY id")]
    for row in rows:
        row["name"] = " ".join(p for p in (row["first"], row["last"]) if p)
    return rows


def _contacts_kinds() -> dict[str, Callable[..., dict[str, Any] | None]]:
    def contact(conn, rng, name, filling):
        taken = {str(v) for v in filling.values()}
        person = _pick(rng, [p["name"] for p in _people(conn) if p["name"] not in taken])
        return person and {name: person}

    def new_name(conn, rng, name, filling):
        full = f"{_pick(rng, _pool('first_names'))} {_pick(rng, _pool('last_names'))}"
        return None if full in {p["name"] for p in _people(conn)} else {name: full}

    def label_name(conn, rng, name, filling):
        have = {r[0] for r in conn.execute("SELECT name FROM labels")}
        return {name: _pick(rng, [n for n in _pool("contact_labels") if n not in have])}

    def with_birthday(conn, rng, name, filling):
        person = _pick(rng, [p["name"] for p in _people(conn) if p["birthday"]])
        return person and {name: person}

    return {
        "contact": contact,
        "new_name": new_name,
        "label_name": label_name,
        "contact_with_birthday": with_birthday,
        "phone": lambda conn, rng, name, filling: {name: _phone(rng)},
        "company": lambda conn, rng, name, filling: {name: _pick(rng, _pool("companies"))},
        "message": lambda conn, rng, name, filling: {name: _pick(rng, _pool("messages"))},
    }


def _phone(rng: np.random.Generator) -> str:
    return "1" + "".join(str(int(d)) for d in rng.integers(0, 10, size=10))


def _contacts_answers() -> dict[str, Callable[[sqlite3.Connection, dict], dict[str, Any] | None]]:
    def person(conn: sqlite3.Connection, name: str) -> dict[str, Any]:
        return next(p for p in _people(conn) if p["name"] == name)

    def phone_of(conn, filling):
        row = conn.execute(
            "SELECT number FROM phones WHERE contact_id = ? ORDER BY id",
            (person(conn, filling["name"])["id"],),
        ).fetchone()
        return row and {"answer": row[0]}

    def birthday_of(conn, filling):
        iso = person(conn, filling["name"])["birthday"]
        return {"answer": formats.long_date(iso), "answer_iso": iso}

    return {"phone_of": phone_of, "birthday_of": birthday_of}


def vary_contacts(conn: sqlite3.Connection, rng: np.random.Generator) -> None:
    """Six other people (first and last names from the pools), each with a mobile number;
    some with a company, a birthday or a work email."""
    names: list[tuple[str, str]] = []
    while len(names) < 6:
        name = (_pick(rng, _pool("first_names")), _pick(rng, _pool("last_names")))
        if name not in names and name[0] not in {n[0] for n in names}:
            names.append(name)
    with conn:
        conn.execute("DELETE FROM contacts")
        for first, last in names:
            company = _pick(rng, _pool("companies")) if rng.integers(2) else ""
            birthday = ""
            if rng.integers(2):
                birthday = (
                    f"{int(rng.integers(1960, 2006))}-{int(rng.integers(1, 13)):02d}-"
                    f"{int(rng.integers(1, 29)):02d}"
                )
            cid = conn.execute(
                "INSERT INTO contacts (first, last, company, birthday) VALUES (?, ?, ?, ?)",
                (first, last, company, birthday),
            ).lastrowid
            conn.execute(
                "INSERT INTO phones (contact_id, number, type) VALUES (?, ?, 'Mobile')",
                (cid, _phone(rng)),
            )
            if rng.integers(3) == 0:
                conn.execute(
                    "INSERT INTO emails (contact_id, address, type) VALUES (?, ?, 'Work')",
                    (cid, f"{first.lower()}.{last.lower()}@gmail.com"),
                )


# -- grounding ----------------------------------------------------------------------------


def ground_slots(
    conn: sqlite3.Connection,
    rng: np.random.Generator,
    prototype: Prototype,
    kinds: dict[str, Callable[..., dict[str, Any] | None]],
    answers: dict[str, Callable[[sqlite3.Connection, dict], dict[str, Any] | None]],
) -> dict[str, Any] | None:
    """Fill each slot by its kind (in order; a kind may read the slots before it), then the
    query answer from ``params.answer``; None when the data offers no filling."""
    filling: dict[str, Any] = {}
    for name, kind in prototype.slots.items():
        if kind == "answer":
            continue
        value = kinds[kind](conn, rng, name, filling)
        if not value or value.get(name) is None:
            return None
        filling.update(value)
    if "answer" in prototype.params:
        answer = answers[prototype.params["answer"]](conn, filling)
        if not answer:
            return None
        filling.update(answer)
    return filling


def ground_clock(
    conn: sqlite3.Connection, rng: np.random.Generator, prototype: Prototype
) -> dict[str, Any] | None:
    return ground_slots(conn, rng, prototype, _clock_kinds(), _clock_answers())


def ground_contacts(
    conn: sqlite3.Connection, rng: np.random.Generator, prototype: Prototype
) -> dict[str, Any] | None:
    return ground_slots(conn, rng, prototype, _contacts_kinds(), _contacts_answers())


def built_in() -> tuple[TrainApp, ...]:
    """Clock and Contacts, which live in the phone itself rather than in app packages."""
    from vab_gym.envs.mobile.tasks import BUILT_IN

    return (
        TrainApp(
            "clock",
            _data()["clock"]["title"],
            BUILT_IN["clock"],
            _prototypes("clock"),
            ground_clock,
            vary_clock,
        ),
        TrainApp(
            "contacts",
            _data()["contacts"]["title"],
            BUILT_IN["contacts"],
            _prototypes("contacts"),
            ground_contacts,
            vary_contacts,
        ),
    )


def train_apps() -> tuple[TrainApp, ...]:
    """Clock, Contacts and every installed app package (by the protocol of
    :mod:`vab_gym.envs.mobile.apps`), in launcher order."""
    return built_in() + tuple(
        TrainApp(a.key, a.title, a.start, tuple(a.prototypes), a.ground, a.vary)
        for a in installed()
    )


def variant_rng(variant: int, key: str) -> np.random.Generator:
    """The generator an app's ``vary`` gets for ``variant``: one stream per app, so adding an
    app leaves the other apps' variants as they were."""
    return np.random.default_rng([variant, zlib.crc32(key.encode())])


def vary(conn: sqlite3.Connection, variant: int) -> None:
    """Turn the pristine data in ``conn`` into data ``variant`` (``seed.build`` calls it)."""
    for app in train_apps():
        if app.vary is not None:
            app.vary(conn, variant_rng(variant, app.key))


def variant_database(variant: int) -> sqlite3.Connection:
    """The pristine database of ``variant``, in memory."""
    from vab_gym.envs.mobile.phone import seed

    conn = seed.connect(":memory:")
    seed.populate(conn, variant)
    return conn


# -- the builder ------------------------------------------------------------------------------


def build_tasks(
    count: int, seed: int = 0, variants: int = VARIANTS, apps: Sequence[TrainApp] | None = None
) -> list[Task]:
    """``count`` train tasks, round-robin over every app's prototypes (a prototype whose data
    offers no new filling drops out); each grounded in a data variant 1..``variants``, with its
    own judge. The same arguments and apps give the same tasks."""
    rng = np.random.default_rng(seed)
    pairs = [
        (app, proto)
        for app in (train_apps() if apps is None else apps)
        if app.ground is not None
        for proto in app.prototypes
    ]
    databases: dict[int, sqlite3.Connection] = {}
    seen = {_key(t) for t in package_tasks(__package__, "test")}
    numbers: dict[str, int] = {}
    tasks: list[Task] = []
    live = list(range(len(pairs)))
    try:
        while live and len(tasks) < count:
            for index in list(live):
                if len(tasks) >= count:
                    break
                app, proto = pairs[index]
                task = None
                for _ in range(TRIES):
                    variant = 1 + int(rng.integers(variants))
                    if variant not in databases:
                        databases[variant] = variant_database(variant)
                    filling = app.ground(databases[variant], rng, proto)
                    if filling is None:
                        continue
                    numbers[app.key] = numbers.get(app.key, 0) + 1
                    task = _instantiate(app, proto, filling, variant, numbers[app.key])
                    if _key(task) not in seen:
                        break
                    numbers[app.key] -= 1
                    task = None
                if task is None:
                    live.remove(index)
                    continue
                seen.add(_key(task))
                tasks.append(task)
    finally:
        for conn in databases.values():
            conn.close()
    return tasks


def _key(task: Task) -> str:
    """Tasks with the same instruction and judge are one task, whatever their variant."""
    return task.instruction + repr(task.judge)


def _instantiate(
    app: TrainApp, proto: Prototype, filling: dict[str, Any], variant: int, number: int
) -> Task:
    from vab_gym.envs.mobile.env import MobileEnv, instruction

    typed = dataclasses.replace(proto, judge=place_values(proto.judge, filling))
    task = typed.instantiate(
        filling,
        task_id=f"{app.key}_train_{number}",
        env=MobileEnv.env_id,
        split="train",
        setup={"app": app.key, "start": app.start, "variant": variant},
        metadata={
            "source": SOURCE.format(variant=variant),
            "category": proto.judge.get("kind", "state"),
        },
    )
    return dataclasses.replace(task, instruction=instruction(app.title, task.instruction))


def main(argv: list[str]) -> None:
    count = int(argv[0]) if argv else TRAIN_COUNT
    out = Path(str(resources.files(__package__) / "data" / "train.jsonl"))
    print(f"wrote {write_jsonl(build_tasks(count), out)} tasks to {out}")


if __name__ == "__main__":
    main(sys.argv[1:])


def fresh_train_tasks(count: int, shipped: TaskSet, folder: Path) -> list[Task]:
    """``count`` train tasks beyond ``shipped``: more of :func:`build_tasks`' round robin
    over the apps' prototypes (the shipped split is its first 360, seed 0).
    (``VabEnv.fresh_tasks``.)"""
    return [t for t in build_tasks(len(shipped) + count, 0) if t.id not in shipped][:count]
