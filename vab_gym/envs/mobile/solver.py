"""The program solver of the phone's tasks: knows the task's judge (privileged) and acts
only through AndroidLab's public actions.

Each judge goal has a plan, a generator of action texts. Between two actions the plan reads
the screen's labelled elements again (``env.elements``), so it finds buttons, fields and
rows by their text or description at every step, as a person reading the labels would.
Each step's rationale (:attr:`MobileSolver.last_step`) is said from the action and the
element it acts on (a switch turned on, a field typed into, a row opened), or by the plan's
search when it scrolls for something.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import gymnasium as gym

from vab_gym.core.actions import format_call
from vab_gym.envs.mobile.judge import minutes_of
from vab_gym.envs.mobile.phone import formats
from vab_gym.envs.mobile.phone.seed import DAY_NAMES, DAYS
from vab_gym.envs.mobile.screen import Node

Plan = Iterator[str]
MAX_SCROLLS = 3


class NotOnScreen(LookupError):
    """The plan needs an element the screen does not show, even after scrolling."""


class MobileSolver:
    """An :class:`~vab_gym.agents.base.Agent` for the phone's tasks."""

    def __init__(self) -> None:
        self.env: Any = None
        self._plan: Plan = iter(())
        self._note = ""  # a plan's own rationale for the step it yields next
        self.last_step: dict[str, Any] = {}

    def reset(self, env: gym.Env, obs: dict[str, Any], info: dict[str, Any]) -> None:
        self.env = env.unwrapped
        spec = self.env.task.judge
        if spec["kind"] == "query":
            self._plan = iter([format_call("finish", [spec["answer"]])])
        else:
            self._plan = all_plans()[spec["goal"]](self, **spec.get("params", {}))
        self.last_step = {}

    def act(self, obs: dict[str, Any], info: dict[str, Any]) -> str:
        self._note = ""
        try:
            action = next(self._plan)
        except StopIteration:
            action = "finish('done')"
        except NotOnScreen as exc:
            action = format_call("finish", [f"cannot solve: {exc}"])
            self._note = f"I cannot find {exc} on this screen, so I give up."
        self.last_step = {"thought": self._note or self.rationale(action)}
        return action

    def rationale(self, action: str) -> str:
        """Why ``action``, in the agent's words, from the element it acts on."""
        call = self.env.action_set.parse(action)
        args, elements = call.args, self.elements()
        if call.name in ("tap", "long_press", "swipe"):
            element = elements[args["index"] - 1]
            name = element.label[:60] or element.cls
            if (
                element.cls == "Switch" and name.startswith(("On,", "Off,")) and args["index"] > 1
            ):  # a switch described by its state: its row's title
                name = elements[args["index"] - 2].label[:60]
            if call.name == "swipe":
                return f"I swipe {args['direction']} on '{name}' to see more of it."
            if call.name == "long_press":
                return f"I long-press '{name}' to select it."
            return tap_rationale(element, name)
        if call.name == "text":
            field = next((e for e in elements if e.focused and e.editable), None)
            where = f"The {field.desc} field" if field is not None and field.desc else "The field"
            return f"{where} has the focus; I type '{args['input_str']}'."
        if call.name == "finish":
            message = args["message"]
            if self.env.task.judge["kind"] == "query":
                return f"The answer to the question is {message}, so I finish with it."
            return "Everything the task asks for is done, so I finish."
        return {
            "back": "I press Back to return to the previous screen.",
            "home": "I press Home to leave the app.",
        }.get(call.name, "")

    # -- reading the screen ---------------------------------------------------------------
    def elements(self) -> list[Node]:
        return list(self.env.elements)

    def index(self, accept: Callable[[Node], bool], after: int = 0) -> int | None:
        """The number (from 1) of the first element past ``after`` that ``accept`` takes."""
        for number, element in enumerate(self.elements(), 1):
            if number > after and accept(element):
                return number
        return None

    def find(self, accept: Callable[[Node], bool], what: str) -> Iterator[str]:
        """Scroll down (then up) until an element passes ``accept``; returns its number."""
        for direction in ["up"] * MAX_SCROLLS + ["down"] * (2 * MAX_SCROLLS) + [None]:
            number = self.index(accept)
            if number is not None:
                return number
            scroller = self.index(lambda e: e.scrollable) or self._inside_content()
            if direction is None or scroller is None:
                break
            self._note = f"I do not see {what} on this screen; I swipe {direction} to look for it."
            yield format_call("swipe", [scroller, direction, "medium"])
        raise NotOnScreen(what)

    def _inside_content(self) -> int | None:
        """When no labelled element is scrollable (a list's container has no label), the
        element in the middle of the screen: a swipe there scrolls the list it is in."""
        elements = self.elements()
        if not elements:
            return None
        middle = sorted(elements, key=lambda e: e.center[1])[len(elements) // 2]
        return elements.index(middle) + 1

    def tap(self, accept: Callable[[Node], bool], what: str) -> Plan:
        number = yield from self.find(accept, what)
        yield format_call("tap", [number])

    def tap_named(self, name: str) -> Plan:
        yield from self.tap(
            lambda e: not e.editable and name in (e.text, e.desc, e.content), repr(name)
        )

    def fill(self, field: str, text: str) -> Plan:
        """Tap the field described ``field`` and type ``text`` into it."""
        yield from self.tap(lambda e: e.editable and e.desc == field, f"field {field!r}")
        yield format_call("text", [text])

    def pick_time(self, minutes: int) -> Plan:
        """Fill a time-picker dialog and press OK."""
        hour, minute = divmod(minutes, 60)
        yield from self.fill("Hour", str(hour % 12 or 12))
        yield from self.fill("Minute", f"{minute:02d}")
        yield from self.tap_named("PM" if hour >= 12 else "AM")
        yield from self.tap_named("OK")

    def on_screen(self, name: str) -> bool:
        return self.index(lambda e: name in (e.text, e.desc)) is not None

    # -- Clock ----------------------------------------------------------------------------
    def alarm(
        self,
        time: str,
        enabled: bool = True,
        label: str | None = None,
        days: list[str] | None = None,
        vibrate: bool | None = None,
        ringtone: str | None = None,
    ) -> Plan:
        minutes = minutes_of(time)
        shown = formats.clock_time(minutes)
        switch = f"Alarm {shown}"
        details = any(v is not None for v in (label, days, vibrate, ringtone))
        if not self.on_screen(shown):
            yield from self.tap_named("Add alarm")
            yield from self.pick_time(minutes)  # the new alarm opens expanded, switched on
        elif details:
            time_at = self.index(lambda e: e.text == shown)
            chevron = self.index(lambda e: e.desc == "Expand alarm", after=time_at)
            if chevron is not None:
                yield format_call("tap", [chevron])
        if label is not None:
            yield from self.tap(
                lambda e: e.text in ("Add label", f"Label {label}") or e.text.startswith("Label "),
                "label row",
            )
            yield from self.fill("Label", label)
            yield from self.tap_named("OK")
        if days is not None:
            for day, name in zip(DAYS, DAY_NAMES, strict=True):
                # a new alarm low on a long list opens below the fold: scroll to its chips
                chip = yield from self.find(lambda e, n=name: e.desc == n, name)
                if self.elements()[chip - 1].checked != (day in days):
                    yield format_call("tap", [chip])
        if ringtone is not None:
            yield from self.tap(lambda e: e.text.startswith("Ringtone "), "ringtone row")
            yield from self.tap_named(ringtone)
        if vibrate is not None:
            box = yield from self.find(
                lambda e: e.text == "Vibrate" or (e.cls == "CheckBox" and e.text == "Vibrate"),
                "Vibrate",
            )
            row = self.index(lambda e: e.cls == "CheckBox" and e.checkable, after=box - 2)
            state = self.elements()[(row or box) - 1].checked
            if state != vibrate:
                yield format_call("tap", [row or box])
        number = yield from self.find(lambda e: e.desc == switch, switch)
        if self.elements()[number - 1].checked != enabled:
            yield format_call("tap", [number])
        yield "finish()"

    def alarms_all_off(self) -> Plan:
        for _ in range(10):
            on = self.index(
                lambda e: e.cls == "Switch" and e.desc.startswith("Alarm ") and e.checked
            )
            if on is None:
                break
            yield format_call("tap", [on])
        yield "finish()"

    def no_alarms_after(self, time: str, keep: list[str]) -> Plan:
        limit = minutes_of(time)
        for _ in range(10):
            late = self.index(
                lambda e: (
                    e.cls == "Switch"
                    and e.desc.startswith("Alarm ")
                    and _alarm_minutes(e.desc) > limit
                )
            )
            if late is None:
                break
            chevron = self.index(lambda e: e.desc == "Expand alarm", after=late)
            yield format_call("tap", [chevron])
            yield from self.tap_named("Delete")
        yield "finish()"

    def world_clocks(self, include: list[str] = (), exclude: list[str] = ()) -> Plan:
        yield from self.tab("Clock")
        for city in include:
            if self.on_screen(city):
                continue
            yield from self.tap_named("Add city")
            yield from self.fill("Search for a city", city)
            yield from self.tap_named(city)
        for city in exclude:
            row = yield from self.find(lambda e, c=city: e.text == c, city)
            yield format_call("long_press", [row])
            yield from self.tap_named("Delete")
        yield "finish()"

    def timer(self, hours: int, minutes: int, seconds: int, started: bool) -> Plan:
        yield from self.tab("Timer")
        digits = f"{hours:02d}{minutes:02d}{seconds:02d}".lstrip("0")
        for digit in digits:
            yield from self.tap(lambda e, d=digit: e.cls == "Button" and e.text == d, digit)
        if started:
            yield from self.tap_named("Start")
        yield "finish()"

    def bedtime(self, bedtime: str, wake_up: str) -> Plan:
        yield from self.tab("Bedtime")
        for row, value in (("Bedtime", bedtime), ("Wake-up", wake_up)):
            card = self.index(lambda e: e.text == "BEDTIME") or 0
            number = self.index(lambda e, r=row: e.text == r and e.cls == "TextView", after=card)
            if number is None:
                raise NotOnScreen(row)
            yield format_call("tap", [number])
            yield from self.pick_time(minutes_of(value))
        yield "finish()"

    def tab(self, name: str) -> Plan:
        """Tap one of Clock's bottom tabs (its label is the last element with that text)."""
        tabs = [
            n for n, e in enumerate(self.elements(), 1) if e.text == name and e.cls == "TextView"
        ]
        if not tabs:
            raise NotOnScreen(f"{name} tab")
        yield format_call("tap", [tabs[-1]])

    def setting(self, app: str, key: str, value: str) -> Plan:
        if key in ("sleep_sound", "wake_up_enabled"):
            yield from self.tab("Bedtime")
            if key == "sleep_sound":
                yield from self.tap_named("Listen to sleep sounds")
                yield from self.tap_named(value)
            else:
                number = yield from self.find(lambda e: e.desc == "Wake-up alarm", "switch")
                if self.elements()[number - 1].checked != (value == "1"):
                    yield format_call("tap", [number])
            yield "finish()"
            return
        yield from self.tap_named("More options")
        yield from self.tap_named("Settings")
        row = {
            "style": "Style",
            "home_time_zone": "Home time zone",
            "silence_after": "Silence after",
        }[key]
        yield from self.tap_named(row)
        if key == "home_time_zone":
            yield from self.fill("Search for a city", value)
        yield from self.tap_named(value)
        yield "finish()"

    def in_app(self, app: str) -> Plan:
        yield "finish()"

    # -- Contacts -------------------------------------------------------------------------
    def open_contact(self, name: str) -> Plan:
        yield from self.tap(lambda e: e.text == name and e.cls == "TextView", name)

    def contact(
        self,
        name: str,
        phones: list[dict[str, str]] = (),
        emails: list[dict[str, str]] = (),
        company: str | None = None,
        birthday: str | None = None,
        website: str | None = None,
    ) -> Plan:
        if self.on_screen(name) and self.index(lambda e: e.text == name) is not None:
            yield from self.open_contact(name)
            yield from self.tap_named("Edit contact")
        else:
            yield from self.tap_named("Create contact")
            first, _, last = name.partition(" ")
            yield from self.fill("First name", first)
            if last:
                yield from self.fill("Last name", last)
        if company is not None:
            yield from self.fill("Company", company)
        for kind, rows, key, adder in (
            ("Phone", phones, "number", "+ Add phone"),
            ("Email", emails, "address", "+ Add email"),
        ):
            for wanted in rows:
                if self.index(lambda e, k=kind: e.editable and e.desc == k and not e.text) is None:
                    yield from self.tap_named(adder)
                yield from self.tap(
                    lambda e, k=kind: e.editable and e.desc == k and not e.text, f"empty {kind}"
                )
                field = self.index(lambda e, k=kind: e.editable and e.desc == k and not e.text)
                yield format_call("text", [wanted[key]])
                typer = self.index(lambda e, k=kind: e.desc.startswith(f"{k} type "), after=field)
                if typer is not None and not self.elements()[typer - 1].desc.endswith(
                    wanted["type"]
                ):
                    yield format_call("tap", [typer])
                    yield from self.tap(
                        lambda e, t=wanted["type"]: e.text == t and e.cls == "TextView",
                        wanted["type"],
                    )
        if birthday is not None:
            yield from self.fill("Birthday", formats.long_date(birthday))
        if website is not None:
            yield from self.fill("Website", website)
        yield from self.tap_named("Save")
        yield "finish()"

    def label(self, name: str, members: list[str]) -> Plan:
        yield from self.tap_named("Open navigation drawer")
        yield from self.tap_named("+ Create label")
        yield from self.fill("Label name", name)
        yield from self.tap_named("OK")
        yield from self.tap_named("Add contacts")
        for member in members:
            yield from self.tap(lambda e, m=member: e.cls == "CheckBox" and e.desc == m, member)
        yield from self.tap_named("Add")
        yield "finish()"

    def message_draft(self, name: str, text: str) -> Plan:
        yield from self.open_contact(name)
        yield from self.tap_named("Text")
        yield from self.fill("Text message", text)
        yield "finish()"

    def called(self, name: str) -> Plan:
        yield from self.open_contact(name)
        yield from self.tap_named("Call")
        yield "finish()"

    def deleted(self, name: str, keep: list[str] = ()) -> Plan:
        yield from self.open_contact(name)
        yield from self.tap_named("More options")
        yield from self.tap_named("Delete")
        yield from self.tap(lambda e: e.text == "Delete" and e.cls == "Button", "Delete button")
        yield "finish()"


def tap_rationale(element: Node, name: str) -> str:
    """Why tap ``element``: type into a field, flip a switch or box, or open what it names."""
    if element.editable:
        return f"I tap the {element.desc or 'text'} field to type into it."
    if element.checkable:
        state, turn = ("on", "off") if element.checked else ("off", "on")
        if element.cls == "Switch":
            return f"The {name} switch is {state}; I tap it to turn it {turn}."
        if element.cls == "CheckBox":
            return f"I tap '{name}' to {'untick' if element.checked else 'tick'} it."
        return f"I choose '{name}'."
    return {
        "Button": f"I press '{name}'.",
        "ImageButton": f"I press '{name}'.",
        "TabView": f"I switch to the '{name}' tab.",
        "LinearLayout": f"I open '{name}'.",
    }.get(element.cls, f"I tap '{name}'.")


def _alarm_minutes(desc: str) -> int:
    """Minutes after midnight of an alarm switch described ``Alarm 4:00\u200aPM``."""
    clock, _, half = desc.removeprefix("Alarm ").partition(formats.HAIR_SPACE)
    hour, minute = (int(v) for v in clock.split(":"))
    return (hour % 12 + (12 if half == "PM" else 0)) * 60 + minute


PLANS: dict[str, Callable[..., Plan]] = {
    name: getattr(MobileSolver, name)
    for name in (
        "alarm",
        "alarms_all_off",
        "no_alarms_after",
        "world_clocks",
        "timer",
        "bedtime",
        "setting",
        "in_app",
        "contact",
        "label",
        "message_draft",
        "called",
        "deleted",
    )
}


def all_plans() -> dict[str, Callable[..., Plan]]:
    """Clock's and Contacts' plans above and those of every installed app package."""
    from vab_gym.envs.mobile.apps import installed

    return {**PLANS, **{name: plan for app in installed() for name, plan in app.plans.items()}}
