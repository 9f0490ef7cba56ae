"""Judges of the phone's tasks, from the apps' own state (their database) and, for query
tasks, from the answer given to ``finish``.

A task's ``judge`` is data: ``{"kind": "state", "goal": ..., "params": {...}}`` names one of
the goal checks below, each returning AndroidLab-style sub-goals (its judges' ``"1"``,
``"2"``, ... keys); ``{"kind": "query", "answer": ..., "match": {...}}`` holds AndroidLab's
standard answer and the rule that recognises it in a reply. AndroidLab's own judges read the
screen's XML (``evaluation/tasks/<app>/<app>.py``) and an LLM for answers; differences are
listed per task in docs/mobile.md and the apps' docs. An answer the typed rules do not
recognise goes to the suite's LLM judge (:class:`vab_gym.core.llm.ChatClient`) with
AndroidLab's prompt when one is configured, and is reported unjudged (not passed) when none
is.
"""

from __future__ import annotations

import re
import sqlite3
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from typing import Any, Protocol

from vab_gym.core.llm import ChatClient, JudgeError
from vab_gym.envs.mobile.phone import formats, seed
from vab_gym.envs.mobile.phone.seed import DAYS

SubGoals = list[tuple[str, bool]]


class State(Protocol):
    """What a judge may read: the live database and the screen the episode ended on."""

    def sql(self, query: str, params: tuple | dict = ()) -> list[dict[str, Any]]: ...

    @property
    def screen_app(self) -> str: ...


@dataclass(frozen=True)
class Outcome:
    """AndroidLab's judge result: sub-goals and completion; ``progress`` is its Sub-SR."""

    subgoals: SubGoals
    complete: bool
    reason: str
    unjudged: bool = False  # an answer only an LLM judge could decide, and none is configured

    @property
    def progress(self) -> float:
        if self.complete:
            return 1.0
        if not self.subgoals:
            return 0.0
        return sum(ok for _, ok in self.subgoals) / len(self.subgoals)


def minutes_of(hhmm: str) -> int:
    hour, minute = hhmm.split(":")
    return int(hour) * 60 + int(minute)


# -- Clock ---------------------------------------------------------------------------------


def alarm(
    state: State,
    time: str,
    enabled: bool = True,
    label: str | None = None,
    days: list[str] | None = None,
    vibrate: bool | None = None,
    ringtone: str | None = None,
) -> SubGoals:
    """An alarm at ``time`` with the given attributes (the best-matching one counts)."""
    at = minutes_of(time)
    shown = formats.clock_time(at, " ")
    wanted: list[tuple[str, Callable[[dict[str, Any]], bool]]] = []
    if label is not None:
        wanted.append((f"label {label!r}", lambda a: a["label"].strip() == label))
    if days is not None:
        order = [d for d in DAYS if d in days]
        wanted.append(
            (
                f"repeats {', '.join(order) or 'never'}",
                lambda a: formats.parse_days(a["days"]) == order,
            )
        )
    if vibrate is not None:
        wanted.append(
            (f"vibrate {'on' if vibrate else 'off'}", lambda a: bool(a["vibrate"]) == vibrate)
        )
    if ringtone is not None:
        wanted.append((f"ringtone {ringtone}", lambda a: a["ringtone"] == ringtone))
    wanted.append((f"{'on' if enabled else 'off'}", lambda a: bool(a["enabled"]) == enabled))
    rows = state.sql("SELECT * FROM alarms WHERE minutes = ?", (at,))
    best = max(rows, key=lambda a: sum(check(a) for _, check in wanted), default=None)
    return [(f"alarm at {shown}", best is not None)] + [
        (f"{shown} {name}", best is not None and check(best)) for name, check in wanted
    ]


def alarms_all_off(state: State) -> SubGoals:
    rows = state.sql("SELECT enabled FROM alarms")
    return [
        ("alarms remain", bool(rows)),
        ("every alarm is off", bool(rows) and not any(r["enabled"] for r in rows)),
    ]


def no_alarms_after(state: State, time: str, keep: list[str]) -> SubGoals:
    rows = state.sql("SELECT minutes FROM alarms")
    left = {r["minutes"] for r in rows}
    limit = minutes_of(time)
    return [
        (f"no alarm after {formats.clock_time(limit, ' ')}", all(m <= limit for m in left)),
        ("the earlier alarms are kept", all(minutes_of(k) in left for k in keep)),
    ]


def world_clocks(state: State, include: list[str] = (), exclude: list[str] = ()) -> SubGoals:
    cities = {r["city"] for r in state.sql("SELECT city FROM world_clocks")}
    return [(f"{c} on the world clock", c in cities) for c in include] + [
        (f"{c} not on the world clock", c not in cities) for c in exclude
    ]


def _settings(state: State, app: str) -> dict[str, str]:
    return {
        r["key"]: r["value"]
        for r in state.sql("SELECT key, value FROM settings WHERE app = ?", (app,))
    }


def timer(state: State, hours: int, minutes: int, seconds: int, started: bool) -> SubGoals:
    settings = _settings(state, "clock")
    digits = settings.get("timer_digits", "").rjust(6, "0")
    running = settings.get("timer_running") == "1"
    return [
        (f"{hours} hour", int(digits[:2]) == hours),
        (f"{minutes} minutes", int(digits[2:4]) == minutes),
        (f"{seconds} seconds", int(digits[4:]) == seconds),
        ("started" if started else "not started", running == started),
    ]


def bedtime(state: State, bedtime: str, wake_up: str) -> SubGoals:
    settings = _settings(state, "clock")
    return [
        (f"bedtime {bedtime}", int(settings["bedtime"]) == minutes_of(bedtime)),
        (f"wake-up {wake_up}", int(settings["wake_up"]) == minutes_of(wake_up)),
    ]


def setting(state: State, app: str, key: str, value: str) -> SubGoals:
    return [(f"{app} {key} = {value}", _settings(state, app).get(key) == value)]


def in_app(state: State, app: str) -> SubGoals:
    return [(f"{app} is open", state.screen_app == app)]


# -- Contacts ------------------------------------------------------------------------------


def _people(state: State, name: str) -> list[dict[str, Any]]:
    wanted = name.casefold()
    found = []
    for row in state.sql("SELECT * FROM contacts"):
        full = " ".join(p for p in (row["first"], row["last"]) if p).casefold()
        if full == wanted:
            found.append(row)
    return found


def contact(
    state: State,
    name: str,
    phones: list[dict[str, str]] = (),
    emails: list[dict[str, str]] = (),
    company: str | None = None,
    birthday: str | None = None,
    website: str | None = None,
) -> SubGoals:
    """A contact called ``name`` with these details (the best-matching one counts)."""

    def details(row: dict[str, Any]) -> SubGoals:
        cid = row["id"]
        have_phones = {
            (r["number"], r["type"])
            for r in state.sql("SELECT number, type FROM phones WHERE contact_id = ?", (cid,))
        }
        have_emails = {
            (r["address"].casefold(), r["type"])
            for r in state.sql("SELECT address, type FROM emails WHERE contact_id = ?", (cid,))
        }
        goals = [
            (f"{p['type']} phone {p['number']}", (p["number"], p["type"]) in have_phones)
            for p in phones
        ]
        goals += [
            (
                f"{e['type']} email {e['address']}",
                (e["address"].casefold(), e["type"]) in have_emails,
            )
            for e in emails
        ]
        if company is not None:
            goals.append((f"company {company}", row["company"].casefold() == company.casefold()))
        if birthday is not None:
            goals.append((f"birthday {birthday}", row["birthday"] == birthday))
        if website is not None:
            goals.append((f"website {website}", _site(row["website"]) == _site(website)))
        return goals

    rows = _people(state, name)
    scored = [details(r) for r in rows]
    best = max(scored, key=lambda g: sum(ok for _, ok in g), default=None)
    if best is None:
        best = [
            (label, False)
            for label, _ in details({"id": -1, "company": "", "birthday": "", "website": ""})
        ]
    return [(f"contact {name}", bool(rows)), *best]


def _site(url: str) -> str:
    return re.sub(r"^(https?://)?(www\.)?", "", url.strip().casefold()).rstrip("/")


def label(state: State, name: str, members: list[str]) -> SubGoals:
    rows = state.sql("SELECT id FROM labels WHERE name = ?", (name,))
    inside: set[str] = set()
    if rows:
        inside = {
            " ".join(p for p in (r["first"], r["last"]) if p).casefold()
            for r in state.sql(
                "SELECT c.first, c.last FROM contacts c "
                "JOIN label_members m ON m.contact_id = c.id WHERE m.label_id = ?",
                (rows[0]["id"],),
            )
        }
    return [(f"label {name}", bool(rows))] + [
        (f"{m} in {name}", m.casefold() in inside) for m in members
    ]


def _plain(text: str) -> str:
    """Case-, accent- and punctuation-free text ("Teleferic" reads as "Teléferic")."""
    text = unicodedata.normalize("NFKD", unicodedata.normalize("NFKC", text))
    text = "".join(c for c in text if not unicodedata.combining(c)).casefold()
    return re.sub(r"[^\w@.]+", " ", text).strip()


def message_draft(state: State, name: str, text: str) -> SubGoals:
    rows = _people(state, name)
    ids = tuple(r["id"] for r in rows) or (-1,)
    marks = ",".join("?" * len(ids))
    drafts = state.sql(f"SELECT body FROM messages WHERE sent = 0 AND contact_id IN ({marks})", ids)
    sent = state.sql(f"SELECT body FROM messages WHERE sent = 1 AND contact_id IN ({marks})", ids)
    return [
        (
            f"a message to {name} holds {text!r}",
            any(_plain(d["body"]) == _plain(text) for d in drafts),
        ),
        ("it is not sent", not any(_plain(s["body"]) == _plain(text) for s in sent)),
    ]


def called(state: State, name: str) -> SubGoals:
    rows = _people(state, name)
    ids = tuple(r["id"] for r in rows) or (-1,)
    calls = state.sql(f"SELECT id FROM calls WHERE contact_id IN ({','.join('?' * len(ids))})", ids)
    return [(f"{name} called", bool(calls))]


def deleted(state: State, name: str, keep: list[str] = ()) -> SubGoals:
    return [(f"{name} deleted", not _people(state, name))] + [
        (f"{k} kept", bool(_people(state, k))) for k in keep
    ]


GOALS: dict[str, Callable[..., SubGoals]] = {
    "alarm": alarm,
    "alarms_all_off": alarms_all_off,
    "no_alarms_after": no_alarms_after,
    "world_clocks": world_clocks,
    "timer": timer,
    "bedtime": bedtime,
    "setting": setting,
    "in_app": in_app,
    "contact": contact,
    "label": label,
    "message_draft": message_draft,
    "called": called,
    "deleted": deleted,
}


def all_goals() -> dict[str, Callable[..., SubGoals]]:
    """Clock's and Contacts' goals above and those of every installed app package."""
    from vab_gym.envs.mobile.apps import installed

    return {**GOALS, **{name: goal for app in installed() for name, goal in app.goals.items()}}


# -- answers -------------------------------------------------------------------------------

NUMBER_WORDS = {
    "zero": 0,
    "no": 0,
    "none": 0,
    "one": 1,
    "a": 1,
    "an": 1,
    "single": 1,
    "two": 2,
    "both": 2,
    "three": 3,
    "four": 4,
    "five": 5,
    "six": 6,
    "seven": 7,
    "eight": 8,
    "nine": 9,
    "ten": 10,
    "eleven": 11,
    "twelve": 12,
}


def _numbers(text: str) -> list[float]:
    found = [float(n) for n in re.findall(r"\d+(?:\.\d+)?", text)]
    words = re.findall(r"[a-z]+", text.casefold())
    found += [NUMBER_WORDS[w] for w in words if w in NUMBER_WORDS and w not in ("a", "an", "no")]
    return found


def _amounts(text: str) -> set[float]:
    """Sums of money in a reply, thousands separators allowed (``11,400.00``, ``60.12``)."""
    return {
        round(float(n.replace(",", "")), 2)
        for n in re.findall(r"\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?", text)
    }


def _times(text: str) -> set[int]:
    """Clock times in a reply, as minutes after midnight (``7:30 AM``, ``7:30AM``, ``19:30``,
    ``7 AM``)."""
    found = set()
    for hour, minute, half in re.findall(
        r"\b(\d{1,2})(?:[:.](\d{2}))?\s*([AaPp]\.?\s?[Mm]\.?)?(?![\d:])", text
    ):
        h, m = int(hour), int(minute or 0)
        if half:
            if not 1 <= h <= 12:
                continue
            h = h % 12 + (12 if half[0] in "Pp" else 0)
        elif not minute:
            continue
        if h < 24 and m < 60:
            found.add(h * 60 + m)
    return found


def _yes_no(text: str) -> str | None:
    words = re.findall(r"[a-z']+", text.casefold())
    for word in words:
        if word in ("yes", "yeah", "true", "correct"):
            return "yes"
        if word in ("no", "not", "false", "none", "isn't", "doesn't", "hasn't", "haven't"):
            return "no"
    return None


def _seconds(length: str) -> int:
    """``1:21:03`` or ``11:50`` as seconds."""
    return sum(int(part) * 60**i for i, part in enumerate(reversed(length.split(":"))))


def _durations(text: str) -> set[int]:
    """Lengths written in a reply, in seconds: ``1:21:03``, ``11:50``, ``1 hour, 21 minutes
    and 3 seconds``, ``11 min 50 s``."""
    found = {_seconds(t) for t in re.findall(r"\b\d+(?::\d{2}){1,2}\b", text)}
    unit = {"h": 3600, "m": 60, "s": 1}
    total = sum(
        int(amount) * unit[word[0]]
        for amount, word in re.findall(
            r"(\d+)\s*(hours?|hrs?|h|minutes?|mins?|m|seconds?|secs?|s)\b", text.casefold()
        )
    )
    return found | ({total} if total else set())


def answer_matches(reply: str, rule: dict[str, Any]) -> bool:
    """Whether ``reply`` gives the answer ``rule`` describes."""
    kind = rule["type"]
    if kind == "all_of":
        return all(answer_matches(reply, r) for r in rule["of"])
    if kind == "any_of":  # an answer with several right spellings (a time zone's names)
        return any(answer_matches(reply, r) for r in rule["of"])
    if kind == "yes_no":
        return _yes_no(reply) == rule["value"]
    if kind == "number":
        return float(rule["value"]) in _numbers(reply)
    if kind == "amount":  # money: "11,400.00 CNY" is 11400 (the stored value may be grouped too)
        return round(float(str(rule["value"]).replace(",", "")), 2) in _amounts(reply)
    if kind == "time":
        return minutes_of(rule["value"]) in _times(reply)
    if kind == "duration":
        return _seconds(rule["value"]) in _durations(reply)
    if kind == "digits":
        return rule["value"] in formats.digits_of(reply)
    if kind == "date":
        iso = rule["value"]
        return iso in {formats.parse_date(m) for m in _date_candidates(reply)}
    if kind == "text":
        return _plain(rule["value"]) in _plain(reply)
    raise ValueError(f"unknown answer rule {kind!r}")


def _date_candidates(reply: str) -> list[str]:
    """Dates written in a reply, in forms :func:`formats.parse_date` reads."""
    patterns = (
        r"\d{4}[-/.]\d{1,2}[-/.]\d{1,2}",
        r"\d{1,2}/\d{1,2}/\d{4}",
        r"[A-Z][a-z]+\.? \d{1,2},? \d{4}",
        r"\d{1,2} [A-Z][a-z]+ \d{4}",
    )
    found = [m for pattern in patterns for m in re.findall(pattern, reply)]
    # "Oct. 24 1996" -> "Oct 24, 1996"
    return [
        re.sub(r"(\d{1,2}),? (\d{4})$", r"\1, \2", f.replace(".", "")) if f[0].isalpha() else f
        for f in found
    ]


# evaluation/definition.py detect_answer: its prompt word for word, sent as the only (user)
# message; get_completion_gpt's temperature 0.001 and 512 tokens; up to 6 calls
# (``while call_time <= 5``) until the reply holds "True" (checked first) or "False".
DETECT_PROMPT = (
    "You need to judge the model answer is True or False based on Standard Answer "
    "we provided. You should whether answer [True] or [False]. \n\nQuestion: "
    "{question}\n\nModel Answer: {model_answer}\n\nStandard Answer: "
    "{standard_answer}"
)
DETECT_CALLS = 6
DETECT_PARAMS = {"temperature": 0.001, "max_tokens": 512}


def detect_answer(
    llm: ChatClient, question: str, model_answer: str, standard_answer: str
) -> bool | None:
    """AndroidLab's LLM verdict on an answer; None when no reply says True or False (its
    ``check_answer`` then fails the task). Transport failures raise :class:`JudgeError`."""
    prompt = DETECT_PROMPT.format(
        question=question, model_answer=model_answer, standard_answer=standard_answer
    )
    for _ in range(DETECT_CALLS):
        reply = llm.chat([{"role": "user", "content": prompt}], **DETECT_PARAMS)
        if "True" in reply:
            return True
        if "False" in reply:
            return False
    return None


def _answer(spec: dict[str, Any], answer: str, llm: ChatClient | None, question: str) -> Outcome:
    """A query task: the typed rule first, then the LLM judge (AndroidLab's only judge)."""
    if answer_matches(answer, spec["match"]):
        return Outcome([("answer", True)], True, f"answer matches {spec['answer']!r}")
    if llm is None:
        return Outcome(
            [("answer", False)],
            False,
            f"unjudged: the rules do not recognise {spec['answer']!r} in the answer "
            "and no LLM judge is configured",
            unjudged=True,
        )
    try:
        verdict = detect_answer(llm, question, answer, spec["answer"])
    except JudgeError as exc:
        return Outcome([("answer", False)], False, f"the LLM judge failed: {exc}")
    if verdict is None:
        return Outcome([("answer", False)], False, "the LLM judge gave no verdict")
    return Outcome(
        [("answer", verdict)],
        verdict,
        f"LLM judge: {'True' if verdict else 'False'} against {spec['answer']!r}",
    )


@cache
def _pristine_phone() -> sqlite3.Connection:
    """The test tasks' data (variant 0) in memory, built once per process."""
    conn = seed.connect(":memory:", check_same_thread=False)
    seed.populate(conn, 0)
    return conn


class _PristinePhone:
    """A state with the seed's data and no screen: enough to list a goal's sub-goals, whose
    number does not depend on the data (only whether each holds does)."""

    screen_app = ""

    def sql(self, query: str, params: tuple | dict = ()) -> list[dict[str, Any]]:
        return [dict(row) for row in _pristine_phone().execute(query, params)]


def subgoals(spec: dict[str, Any]) -> int:
    """How many sub-goals a judge spec checks (AndroidLab's Sub-SR denominator): one answer
    for a query, else the goal's own list, read without a phone."""
    if spec["kind"] == "query":
        return 1
    return len(all_goals()[spec["goal"]](_PristinePhone(), **spec.get("params", {})))


def judge(
    spec: dict[str, Any],
    state: State,
    answer: str | None,
    llm: ChatClient | None = None,
    question: str = "",
) -> Outcome:
    """Decide a task from its judge ``spec``; ``llm`` and ``question`` (the instruction, as
    AndroidLab's ``line["target"]``) serve answers the typed rules do not recognise."""
    if spec["kind"] == "query":
        if answer is None:
            return Outcome([("answered with finish(message)", False)], False, "no answer given")
        return _answer(spec, answer, llm, question)
    goals = all_goals()[spec["goal"]](state, **spec.get("params", {}))
    complete = all(ok for _, ok in goals)
    missing = [name for name, ok in goals if not ok]
    return Outcome(
        goals, complete, "all sub-goals hold" if complete else "missing: " + "; ".join(missing)
    )
