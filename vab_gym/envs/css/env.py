"""VAB-CSS-v0: fix a page's stylesheet until it matches the target screenshot.

One step is one reply, as one round of VAB's ``task.py:CSSAgent.start_sample``: every call
on its action line runs in order (:mod:`vab_gym.envs.css.reply`), each answering in VAB's
words, and the answers are joined with blank lines (VAB sends each as its own user message).
``vab_quirks=True`` reproduces VAB's bugs: ``insert_rule`` reports success and does nothing
(VAB never awaits it), ``revert_last_edit`` undoes one edit without a new screenshot (so the
judged screenshot is the last edit's), arguments end at the first ``)``, and
``get_selectors_by_html_elements`` uses VAB's own selector matcher.
"""

from __future__ import annotations

import ast
import hashlib
import io
from collections import OrderedDict
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any

import numpy as np
from bs4 import BeautifulSoup
from PIL import Image

from vab_gym.core import arguments
from vab_gym.core.actions import MAX_ACTION_CHARS, ActionCall, ActionError
from vab_gym.core.browser import open_chromium
from vab_gym.core.env import ModelView, Outcome, VabEnv
from vab_gym.core.judge import Verdict
from vab_gym.core.tasks import Task, setup_record
from vab_gym.envs.css import corruptions, judge, matching, reply
from vab_gym.envs.css.actions import CSS_ACTIONS, Reply, canonical
from vab_gym.envs.css.renderer import Shot, SiteRenderer
from vab_gym.envs.css.reply import Invocation, not_valid
from vab_gym.envs.css.stylesheet import (
    CssError,
    Rule,
    Stylesheet,
    check_declaration,
    check_selector,
)

EDITED = (
    "You have successfully {what}. Here is the updated screenshot. If you think this "
    "edit is not useful, you can revert the last edit by calling revert_last_edit()."
)
REVERTED = "You have successfully reverted the last edit."
NOTHING_TO_REVERT = "No edit to revert."
MEDIA_MODES = ("viewport", "none")
_TARGET_CACHE = 8
_CURRENT = "current page"  # an image slot still showing the page as it is now
_VAB_FILE = "new_screenshot.png"  # an image slot that VAB's client reads when it sends it


class _Reported(ActionError):
    """A call VAB answers with a normal message (no exception): the line goes on."""


def sites_root() -> Path:
    """The folder of the sites the package ships (the test split's pages)."""
    return Path(str(resources.files(__package__) / "data" / "sites"))


def site_path(site: str) -> Path:
    """A task's site folder: absolute, or relative to the shipped sites."""
    path = Path(site)
    return path if path.is_absolute() else sites_root() / path


@dataclass
class _Target:
    shot: Shot
    gray: np.ndarray
    image: np.ndarray
    applicable: frozenset[str] = frozenset()  # the media queries that apply
    initial_distances: dict[str, float] = field(default_factory=dict)  # by initial CSS


@setup_record
class CssSetup:
    """A VAB-CSS task's world: ``site`` (a shipped site's name or a folder holding
    ``index.html``), the stylesheet the page loads, and the corruption that broke it (none:
    the page is already right)."""

    site: str
    css_file: str = "style.css"
    corruption: dict[str, Any] | None = None


class CssEnv(VabEnv):
    """VAB-CSS: the page's CSS was broken; edit its rules until it matches ``target``.

    Observation: ``image`` (the current full page, fitted into ``image_size``),
    ``target`` (the target, fitted the same way), ``text`` (action feedback; at reset the
    page's HTML, as VAB shows it) and ``instruction`` (VAB's task text plus the bug
    description). What VAB sends the model (its text, full-resolution PNGs):
    :meth:`model_view`; the current page and the target: :meth:`screenshot_png`,
    :meth:`target_png`.

    ``dense_progress=True`` computes the judge's distance after every edit, so
    ``info["progress"]`` moves during the episode (costs an SSIM per edit); by default it
    is computed when the episode ends. ``assets`` is a folder of local copies of what
    sites fetch from outside (``assets/HOST/PATH`` answers ``https://HOST/PATH``).

    ``media="viewport"`` (the default) makes the rules of the ``@media`` blocks that apply
    at the viewport editable like top-level rules (found by ``select_rule``, edited by
    ``edit_rule``, listed by ``get_selectors_by_html_elements``); ``media="none"`` is
    VAB's behaviour, where only top-level rules can be found.

    ``browser="shared"`` (the default) renders in this process's shared Chromium, in a
    browser context of the env's own; ``"own"`` starts a Chromium for this env alone.
    """

    env_id = "VAB-CSS-v0"
    action_set = CSS_ACTIONS
    backends = ("playwright",)
    default_image_size = (1024, 768)
    default_max_steps = 10
    extra_images = ("target",)
    solver = "vab_gym.envs.css.solver:plan"
    task_package = __package__
    setup_type = CssSetup
    fresh_tasks = "vab_gym.envs.css.tasks:fresh_train_tasks"
    # A step is one reply whose calls run in order, read VAB's way (argument strings, VAB's
    # own method table with its finalize): _execute and _invoke carry them out, not _do_*.
    routes_actions = False
    mistakes = "vab_gym.envs.css.mistakes:propose"
    mistake_window = 2  # the solver repairs in 2-3 steps: the mistake goes in at step 1 or 2

    def __init__(
        self,
        *,
        dense_progress: bool = False,
        media: str = "viewport",
        assets: str | Path | None = None,
        browser: str = "shared",
        **kwargs: Any,
    ) -> None:
        arguments.choice("media", media, MEDIA_MODES)
        super().__init__(**kwargs)
        self.media = media
        self.action_set = CSS_ACTIONS.configured(quirks=self.vab_quirks, hints=self.hints)
        self.dense_progress = dense_progress
        self.assets = Path(assets) if assets is not None else None
        self._vab_file: bytes | str | None = None  # VAB's new_screenshot.png
        self._turn_images: list[bytes | str] = []
        self._reply_feedback: str | None = None
        self.browser = browser
        self._chromium = open_chromium(browser)
        self._renderer = SiteRenderer(self._chromium)
        self._targets: OrderedDict[str, _Target] = OrderedDict()
        self._target: _Target | None = None
        self._sheet = Stylesheet([])
        self._undo: list[tuple[str, Any]] = []
        self._image: np.ndarray | None = None
        self._distance: float | None = None
        self.html = ""

    @classmethod
    def difficulty(cls, task: Task) -> dict[str, Any]:
        """Corruption kind: tier 0 a value changed to another keyword of a short list
        (``display: block`` for ``grid``), 1 any other changed value (a length, a colour),
        2 a deleted property, 3 a deleted rule (every declaration to restore); an
        uncorrupted page is tier 0."""
        corruption = task.setup.get("corruption") or {}
        operation = corruption.get("operation", "none")
        restore = len(corruption.get("declarations", {})) if operation == "delete_rule" else 1
        keyword = corruption.get("old_value") in corruptions.categorical_values().get(
            corruption.get("property"), []
        )
        tier = {
            "none": 0,
            "change_value": 0 if keyword else 1,
            "delete_property": 2,
            "delete_rule": 3,
        }.get(operation, 3)
        return {
            "tier": tier,
            "kind": operation,
            "declarations": restore,
            "prototype": task.metadata.get("prototype"),
        }

    # -- episode --------------------------------------------------------------------------
    def _start(self, task: Task) -> str:
        site_dir = site_path(self.setup.site)
        css_file = self.setup.css_file
        self.html = (site_dir / "index.html").read_text("utf-8")
        original = Stylesheet.parse((site_dir / css_file).read_text("utf-8"))
        corruption = self.setup.corruption
        self._undo = []
        self._distance = None
        self._vab_file = None
        self._turn_images = []
        self._reply_feedback = None
        self._soup = BeautifulSoup(self.html, "html.parser")  # VAB's parser
        original_css = original.css()
        key = hashlib.sha256(
            f"{site_dir}\0{css_file}\0{original_css}\0{self.image_size}\0{self.assets}".encode()
        ).hexdigest()
        self._target = self._targets.get(key)
        fresh = self._target is None
        if fresh:  # render the target first, then break the page
            self._renderer.open(site_dir, css_file, original_css, assets=self.assets)
            shot = self._renderer.full_page()
            self._target = _Target(
                shot,
                judge.quantize(judge.gray(shot.array())),
                self._renderer.fitted(*self.image_size),
                self._renderer.applying(original.media_queries if self.media == "viewport" else []),
            )
            self._targets[key] = self._target
            if len(self._targets) > _TARGET_CACHE:
                self._targets.popitem(last=False)
        else:
            self._targets.move_to_end(key)
        original.applicable = self._target.applicable
        self._sheet = self._corrupted(original, corruption) if corruption else original
        self._initial_css = self._sheet.css()
        # The page is a function of its stylesheet text (the env only edits CSS, and the
        # page is captured at rest), so a site already open is shown with a new text rather
        # than reopened: a fresh context costs seconds on a framework stylesheet.
        if self._renderer.shows(site_dir, css_file, self.assets):
            self._renderer.set_css(self._initial_css)
        else:
            self._renderer.open(site_dir, css_file, self._initial_css, assets=self.assets)
        self._image = self._renderer.fitted(*self.image_size)
        return f"Here is the html content.\n{self.html}"

    def _corrupted(self, original: Stylesheet, corruption: dict[str, Any]) -> Stylesheet:
        try:
            return corruptions.apply(original, corruption)
        except ValueError as exc:
            if corruption.get("media") and self.media == "none":
                raise ValueError(
                    f"{exc}: the task corrupts a rule inside '@media {corruption['media']}', "
                    "which media='none' (VAB's behaviour) cannot edit; use media='viewport'"
                ) from None
            raise

    def _observe(self) -> dict[str, np.ndarray]:
        assert self._image is not None and self._target is not None
        return {"image": self._image.copy(), "target": self._target.image.copy()}

    def _execute(self, call: ActionCall) -> Outcome:
        """Run the reply's calls in order, as VAB's loop over the action line does."""
        self._turn_images = []
        if not isinstance(call, Reply):  # VAB's phrase
            return self._finish()
        said: list[str] = []
        failed: list[str] = []
        for invocation in call.calls:
            if invocation.name == "done" and not (invocation.arg_text or "").strip():
                return Outcome("\n\n".join([*said, self._finish().feedback]), finished=True)
            try:
                said.append(self._invoke(invocation))
            except _Reported as exc:
                said.append(str(exc))
                failed.append(str(exc))
            except ActionError as exc:  # VAB: the call raised, so the line stops
                said.append(str(exc))
                failed.append(str(exc))
                break
            if invocation.name == "revert_last_edit":  # VAB: `break` after a revert
                break
        if failed:
            self._reply_feedback = "\n\n".join(said)
            raise ActionError("\n\n".join(failed))
        return Outcome("\n\n".join(said))

    def _error_feedback(self, action: Any, error: str) -> str:
        """VAB's messages as VAB words them, without the base env's prefix; after a reply
        whose calls ran, every call's message."""
        if self._reply_feedback is None:  # nothing ran: the reply had no call
            self._turn_images = []
        feedback, self._reply_feedback = self._reply_feedback or error, None
        return feedback

    def _judge(self, answer: str | None) -> Verdict:
        final = self._current_distance()
        return judge.verdict(self._initial_distance(), final)

    def _progress(self) -> float:
        if self._distance is None or self._target is None:
            return 0.0
        return judge.progress(self._initial_distance(), self._distance)

    def _close_backend(self) -> None:
        self._renderer.close()
        self._chromium.close()

    def fidelity(self) -> dict[str, Any]:
        return {**super().fidelity(), "dense_progress": self.dense_progress, "media": self.media}

    # -- what VAB shows the model -----------------------------------------------------------
    def model_view(self) -> ModelView:
        """What VAB sends the model this turn, its images as full-resolution PNGs.

        At reset, VAB's first message (after its instructions, ``actions.VAB_INSTRUCTIONS``):
        "Here is the target screenshot." + target, "Here is the html content." + the HTML,
        "Here is the current screenshot." + the page, then the task's instruction (VAB
        reads it from the task's instruction.txt). After a step, the calls' messages and
        each edit's screenshot. With ``vab_quirks`` an edit's image is VAB's
        ``new_screenshot.png`` as it is when sent (VAB sends image paths, read at every
        request), so it can show a later edit; after a revert it is not re-taken; an
        ``insert_rule`` before any edit has none (VAB's client fails on the missing file).
        """
        if self._last_obs is None or self.task is None:
            return super().model_view()
        if self._steps == 0:
            text = "\n".join(
                [
                    "Here is the target screenshot.",
                    "Here is the html content.",
                    self.html,
                    "Here is the current screenshot.",
                    self.task.instruction,
                ]
            )
            return ModelView(text, (self.target_png(), self.screenshot_png()))
        images = [self._image_bytes(slot) for slot in self._turn_images]
        return ModelView(self._last_obs["text"], tuple(i for i in images if i is not None))

    @property
    def stylesheet(self) -> Stylesheet:
        """The page's stylesheet as it is now (read it; edit it only through the actions)."""
        return self._sheet

    def screenshot_png(self) -> bytes:
        """The current page as a full-page PNG at its own size."""
        return self._renderer.full_page().png

    @property
    def blocked_requests(self) -> list[str]:
        """URLs the page tried to reach outside its site, 127.0.0.1 and ``assets``; all
        were refused."""
        return self._renderer.blocked

    def target_png(self) -> bytes:
        """The target screenshot as a full-page PNG."""
        assert self._target is not None, "call reset() first"
        return self._target.shot.png

    def judged_png(self) -> bytes:
        """The screenshot the judge compares with the target: the current page, or with
        ``vab_quirks`` VAB's ``new_screenshot.png`` (the last edit's screenshot, or the page
        if no edit was made: VAB's ``finalize``)."""
        if self.vab_quirks and self._vab_file is not None:
            return self._image_bytes(_VAB_FILE) or self.screenshot_png()
        return self.screenshot_png()

    def _image_bytes(self, slot: bytes | str) -> bytes | None:
        if slot == _VAB_FILE:
            slot = self._vab_file
        if slot == _CURRENT:
            return self.screenshot_png()
        return slot  # PNG bytes, or None: the file does not exist

    def _freeze(self) -> None:
        """Before the page changes: capture the image slots that show it as it is."""
        if _CURRENT not in (self._vab_file, *self._turn_images):
            return
        png = self.screenshot_png()
        self._turn_images = [png if s == _CURRENT else s for s in self._turn_images]
        if self._vab_file == _CURRENT:
            self._vab_file = png

    # -- VAB's calls ----------------------------------------------------------------------
    def _invoke(self, call: Invocation) -> str:
        """One call of the action line, as VAB's ``start_sample`` runs it: its message, or
        :class:`_Reported` / :class:`ActionError` (VAB's exception message) when it fails."""
        name = call.name
        if name == "revert_last_edit":  # VAB reads no arguments for it
            return self._revert()
        if name not in reply.VAB_METHODS:
            raise ActionError(
                not_valid(name, [], f"'CSSInteractor' object has no attribute '{name}'")
            )
        if call.arg_text is None:  # VAB: re.findall(...)[0]
            raise ActionError(not_valid(name, [], "list index out of range"))
        if len(call.arg_text) > MAX_ACTION_CHARS:  # shlex takes quadratic time on these
            raise ActionError(
                f"{name}'s arguments are too long ({len(call.arg_text)} characters, "
                f"limit {MAX_ACTION_CHARS})."
            )
        if name == "get_selectors_by_html_elements":
            return self._selectors(call.arg_text)
        if name == "insert_rule" and not self.vab_quirks:
            return self._insert(call.arg_text)
        try:
            args = reply.split_arguments(call.arg_text)
        except ValueError as exc:
            raise ActionError(not_valid(name, [], exc)) from None
        problem = reply.arity_error(name, len(args))
        if problem:
            raise ActionError(not_valid(name, args, problem))
        if name == "select_rule":
            return self._select(args[0])
        if name == "edit_rule":
            return self._edit(*args)
        if name == "insert_rule":  # VAB calls the coroutine and never awaits it
            self._turn_images.append(_VAB_FILE)
            return EDITED.format(what="inserted the rule")
        raise _Reported(
            f"{name} is not a valid function. Please check the function name and try again."
        )  # finalize: VAB's else branch

    def _value(self, raw: str) -> str:
        """edit_rule's value: VAB strips its quotes too (see :func:`reply.strip_quotes`)."""
        return reply.strip_quotes(raw) if self.vab_quirks else raw.strip()

    def _selectors(self, arg_text: str) -> str:
        query = self._find_all_text(arg_text)
        try:
            positional, keywords = matching.find_all_arguments(query)
            elements = self._soup.find_all(*positional, **keywords)
        except Exception as exc:  # VAB reports whatever its eval raised
            raise ActionError(not_valid("get_selectors_by_html_elements", [query], exc)) from None
        if not elements:
            raise _Reported(
                "No html elements found based on the input. Please specify a "
                "different html elements specification."
            )
        match = matching.vab_matches if self.vab_quirks else matching.matches
        selectors = list(
            dict.fromkeys(
                rule.selector
                for rule in self._sheet.rules
                if any(match(rule.selector, element) for element in elements)
            )
        )
        if not selectors:
            raise _Reported(
                "No matched selectors found based on the html elements. Please "
                "specify a different html elements."
            )
        return (
            f"The following {len(selectors)} selectors are matched based on the returned "
            "html elements:\n" + "".join(f"{i}. '{s}'\n" for i, s in enumerate(selectors, 1))
        )

    def _find_all_text(self, arg_text: str) -> str:
        """The find_all argument string. VAB strips one pair of ' and then of " around the
        text, which breaks ``'div', class_='x'``; fixed, the text is unwrapped only when it
        is one string literal holding find_all arguments (VAB's prompt's form)."""
        if self.vab_quirks:
            for mark in "'\"":
                if arg_text.startswith(mark) and arg_text.endswith(mark):
                    arg_text = arg_text[1:-1]
            return arg_text
        try:
            inner = ast.literal_eval(arg_text.strip())
            if isinstance(inner, str):
                matching.find_all_arguments(inner)
                return inner
        except (
            ValueError,
            TypeError,
            SyntaxError,
            RecursionError,
            MemoryError,
            matching.QueryError,
        ):
            pass
        return arg_text

    def _rule(self, raw: str, advice: str) -> Rule:
        """The rule VAB's ``select_rule`` finds, or VAB's "No rule found" with ``advice``
        (VAB names the selector as the agent wrote it)."""
        rule = self._sheet.find(reply.strip_quotes(raw))
        if rule is None:
            raise _Reported(f"No rule found based on selector {raw}. {advice}")
        return rule

    def _select(self, raw: str) -> str:
        rule = self._rule(raw, "Please specify a different selector.")
        shown = {k: v.removesuffix(" !important") for k, v in rule.declarations.items()}
        return (
            f"Here is the rule founded based on selector {raw}: {shown}. "
            "Is this the rule you want to edit?"
        )

    def _edit(self, raw_selector: str, raw_property: str, raw_value: str) -> str:
        rule = self._rule(
            raw_selector, "Please specify a different selector or consider inserting a new rule."
        )
        value = self._value(raw_value)
        try:
            if value:
                name, value = check_declaration(reply.strip_quotes(raw_property), value)
            else:  # cssutils: setting an empty value removes the property
                name = check_declaration(reply.strip_quotes(raw_property), "initial")[0]
        except CssError as exc:
            raise ActionError(
                not_valid("edit_rule", [raw_selector, raw_property, raw_value], exc)
            ) from None
        self._undo.append(("edit", (rule, name, rule.declarations.get(name))))
        if value:
            rule.declarations[name] = value
        else:
            rule.declarations.pop(name, None)
        self._rerender()
        if self.vab_quirks:  # VAB's new_screenshot.png, kept only where it is judged
            self._vab_file = _CURRENT
        self._turn_images.append(_VAB_FILE if self.vab_quirks else _CURRENT)
        return EDITED.format(what="edited the rule")

    def _insert(self, arg_text: str) -> str:
        """The working insert_rule: ``(selector, properties)`` or VAB's documented
        ``({'selector': ..., 'properties': {...}})``, as Python literals."""
        try:
            args = ast.literal_eval(f"({arg_text},)")
            if len(args) == 1 and isinstance(args[0], dict):
                args = (args[0].get("selector"), args[0].get("properties"))
            selector, properties = args
            if not isinstance(selector, str) or not isinstance(properties, dict):
                raise CssError("give a selector and a dict of properties")
            selector = check_selector(selector)
            if not properties:
                raise CssError("give at least one property, e.g. {'display': 'flex'}")
            declarations = dict(check_declaration(str(k), str(v)) for k, v in properties.items())
        except (ValueError, TypeError, SyntaxError, RecursionError, MemoryError) as exc:
            raise ActionError(not_valid("insert_rule", [arg_text], exc)) from None
        rule = Rule(selector, declarations)
        self._sheet.insert(rule)
        self._undo.append(("insert", rule))
        self._rerender()
        self._turn_images.append(_CURRENT)
        return EDITED.format(what="inserted the rule")

    def _revert(self) -> str:
        """Fixed: undo the last change still applied, re-render. VAB (``vab_quirks``):
        re-apply the undo of the last edit, however often, without a new screenshot."""
        if not self._undo:
            raise _Reported(NOTHING_TO_REVERT)
        kind, payload = self._undo[-1] if self.vab_quirks else self._undo.pop()
        if kind == "insert":
            self._sheet.remove(payload)
        else:
            rule, name, old = payload
            if old is None:
                rule.declarations.pop(name, None)
            else:
                rule.declarations[name] = old
        if self.vab_quirks:  # the page changes, the screenshots do not
            self._freeze()
            self._renderer.set_css(self._sheet.css())
        else:
            self._rerender()
            self._turn_images.append(_CURRENT)
        return REVERTED

    def _finish(self) -> Outcome:
        return Outcome("You said the css style is fixed; the page is judged.", finished=True)

    # -- grounding ------------------------------------------------------------------------
    def valid_actions(self) -> list[str]:
        """Concrete calls worth trying now: select each rule, set each of its properties to
        the categorical values the prototypes know or to values the stylesheet itself uses,
        revert if there is an edit, and finish."""
        values = corruptions.categorical_values()
        for rule in self._sheet.rules:
            for prop, value in rule.declarations.items():
                if value not in values.setdefault(prop, []):
                    values[prop].append(value)
        calls = []
        for rule in self._sheet.rules:
            calls.append(canonical("select_rule", rule.selector))
            for prop, current in rule.declarations.items():
                calls.extend(
                    canonical("edit_rule", rule.selector, prop, v)
                    for v in values[prop][:8]
                    if v != current
                )
        if self._undo:
            calls.append("revert_last_edit()")
        calls.append("done()")
        return calls

    # -- internals ------------------------------------------------------------------------
    def _rerender(self) -> None:
        self._freeze()
        self._renderer.set_css(self._sheet.css())
        self._image = self._renderer.fitted(*self.image_size)
        if self.dense_progress:
            self._distance = self._current_distance()

    def _current_distance(self) -> float:
        """The judge's distance of the judged screenshot (:meth:`judged_png`)."""
        assert self._target is not None
        if self.vab_quirks and isinstance(self._vab_file, bytes):
            shot = np.asarray(Image.open(io.BytesIO(self._vab_file)).convert("RGB"))
            output = judge.gray(shot)
        else:
            output = judge.page_gray(self._renderer)
        self._distance = judge.distance(self._target.gray, output)
        return self._distance

    def _initial_distance(self) -> float:
        """Distance of the page as the episode began (re-rendered once per corruption)."""
        assert self._target is not None
        known = self._target.initial_distances
        if self._initial_css not in known:
            current = self._sheet.css()
            self._renderer.set_css(self._initial_css)
            initial = judge.page_gray(self._renderer)
            self._renderer.set_css(current)
            known[self._initial_css] = judge.distance(self._target.gray, initial)
        return known[self._initial_css]
