"""VAB-CSS-v0: fix a page's stylesheet until it matches the target screenshot."""

from __future__ import annotations

import ast
import hashlib
from collections import OrderedDict
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any

import numpy as np
import soupsieve
from bs4 import BeautifulSoup

from vab_gym.core.actions import ActionCall, ActionError, format_call
from vab_gym.core.browser import ChromiumProcess
from vab_gym.core.env import Outcome, VabEnv
from vab_gym.core.judge import Verdict
from vab_gym.core.tasks import Task, TaskSet, package_tasks
from vab_gym.envs.css import corruptions, judge
from vab_gym.envs.css.actions import CSS_ACTIONS
from vab_gym.envs.css.renderer import Shot, SiteRenderer
from vab_gym.envs.css.stylesheet import (
    CssError,
    Rule,
    Stylesheet,
    check_declaration,
    check_selector,
)

EDITED = ("You have successfully {what}. Here is the updated screenshot. If you think this "
          "edit is not useful, you can revert the last edit by calling revert_last_edit().")
# Matching an element ignores states and pseudo-elements, as VAB's matcher does.
_DYNAMIC = ("::before", "::after", "::placeholder", "::marker", ":hover", ":focus-visible",
            ":focus-within", ":focus", ":active", ":visited")
_MAX_LISTED = 50
_TARGET_CACHE = 8


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
    initial_distances: dict[str, float] = field(default_factory=dict)  # by initial CSS


class CssEnv(VabEnv):
    """VAB-CSS: the page's CSS was broken; edit its rules until it matches ``target``.

    Observation: ``image`` (the current full page, fitted into ``image_size``),
    ``target`` (the target, fitted the same way), ``text`` (action feedback; at reset the
    page's HTML, as VAB shows it) and ``instruction`` (VAB's task text plus the bug
    description). Full-resolution PNGs: :meth:`screenshot_png`, :meth:`target_png`.

    ``dense_progress=True`` computes the judge's distance after every edit, so
    ``info["progress"]`` moves during the episode (costs an SSIM per edit); by default it
    is computed when the episode ends.
    """

    env_id = "VAB-CSS-v0"
    action_set = CSS_ACTIONS
    backends = ("playwright",)
    default_image_size = (1024, 768)
    default_max_steps = 10
    extra_images = ("target",)
    solver = "vab_gym.envs.css.solver:plan"

    def __init__(self, *, dense_progress: bool = False, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.dense_progress = dense_progress
        self._chromium = ChromiumProcess()
        self._renderer = SiteRenderer(self._chromium)
        self._targets: OrderedDict[str, _Target] = OrderedDict()
        self._target: _Target | None = None
        self._sheet = Stylesheet([])
        self._undo: list[tuple[str, Any]] = []
        self._image: np.ndarray | None = None
        self._distance: float | None = None
        self.html = ""

    @classmethod
    def default_tasks(cls, split: str) -> TaskSet:
        return package_tasks(__package__, split)

    # -- episode --------------------------------------------------------------------------
    def _start(self, task: Task) -> str:
        setup = task.setup
        site_dir = site_path(setup["site"])
        css_file = setup.get("css_file", "style.css")
        self.html = (site_dir / "index.html").read_text("utf-8")
        original = Stylesheet.parse((site_dir / css_file).read_text("utf-8"))
        corruption = setup.get("corruption")
        self._sheet = corruptions.apply(original, corruption) if corruption else original
        self._undo = []
        self._distance = None
        self._soup = BeautifulSoup(self.html, "lxml")
        self._initial_css = self._sheet.css()
        original_css = original.css()
        key = hashlib.sha256(
            f"{site_dir}\0{css_file}\0{original_css}\0{self.image_size}".encode()
        ).hexdigest()
        self._target = self._targets.get(key)
        if self._target is None:  # render the target first, then break the page
            self._renderer.open(site_dir, css_file, original_css)
            shot = self._renderer.full_page()
            self._target = _Target(shot, judge.quantize(judge.gray(shot.array())),
                                   self._renderer.fitted(*self.image_size))
            self._targets[key] = self._target
            if len(self._targets) > _TARGET_CACHE:
                self._targets.popitem(last=False)
            self._renderer.set_css(self._initial_css)
        else:
            self._targets.move_to_end(key)
            self._renderer.open(site_dir, css_file, self._initial_css)
        self._image = self._renderer.fitted(*self.image_size)
        return f"Here is the html content.\n{self.html}"

    def _observe(self) -> dict[str, np.ndarray]:
        assert self._image is not None and self._target is not None
        return {"image": self._image.copy(), "target": self._target.image.copy()}

    def _execute(self, call: ActionCall) -> Outcome:
        return getattr(self, f"_do_{call.name}")(**call.args)

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

    # -- full-resolution views ------------------------------------------------------------
    def screenshot_png(self) -> bytes:
        """The current page as a full-page PNG at its own size (what the judge compares)."""
        return self._renderer.full_page().png

    @property
    def blocked_requests(self) -> list[str]:
        """URLs the page tried to reach outside its site and 127.0.0.1; all were refused."""
        return self._renderer.blocked

    def target_png(self) -> bytes:
        """The target screenshot as a full-page PNG."""
        assert self._target is not None, "call reset() first"
        return self._target.shot.png

    # -- actions --------------------------------------------------------------------------
    def _do_get_selectors_by_html_elements(self, name=None, attrs=None, string=None,
                                           class_=None, id=None) -> Outcome:
        query = _find_all_query(name, attrs, string, class_, id)
        try:
            elements = self._soup.find_all(**query, limit=200)
        except (TypeError, ValueError) as exc:
            raise ActionError(f"get_selectors_by_html_elements: bad query ({exc}).") from None
        if not elements:
            raise ActionError("No html elements found based on the input. Please specify a "
                              "different html elements specification.")
        selectors = [rule.selector for rule in self._sheet.rules
                     if any(_matches(rule.selector, el) for el in elements)]
        if not selectors:
            raise ActionError("No matched selectors found based on the html elements. "
                              "Please specify a different html elements.")
        lines = [f"{i}. '{s}'" for i, s in enumerate(selectors[:_MAX_LISTED], 1)]
        return Outcome(f"The following {len(selectors)} selectors are matched based on the "
                       "returned html elements:\n" + "\n".join(lines))

    def _rule(self, selector: str, advice: str) -> Rule:
        """The rule with this selector, or VAB's "No rule found" with ``advice``."""
        rule = self._sheet.find(selector)
        if rule is None:
            raise ActionError(f"No rule found based on selector {selector[:200]}. {advice}")
        return rule

    def _do_select_rule(self, selector: str) -> Outcome:
        rule = self._rule(selector, "Please specify a different selector.")
        return Outcome(f"Here is the rule founded based on selector {rule.selector}: "
                       f"{rule.declarations}. Is this the rule you want to edit?")

    def _do_edit_rule(self, selector: str, property: str, value: str) -> Outcome:
        rule = self._rule(selector, "Please specify a different selector or consider "
                                    "inserting a new rule.")
        name, value = _checked(check_declaration, property, value)
        self._undo.append(("edit", (rule, name, rule.declarations.get(name))))
        rule.declarations[name] = value
        self._rerender()
        return Outcome(EDITED.format(what="edited the rule"))

    def _do_insert_rule(self, selector: str, properties: dict) -> Outcome:
        selector = _checked(check_selector, selector)
        if not properties:
            raise ActionError("insert_rule: give at least one property, e.g. "
                              "{'display': 'flex'}.")
        declarations = dict(_checked(check_declaration, str(k), str(v))
                            for k, v in properties.items())
        rule = Rule(selector, declarations)
        self._sheet.insert(rule)
        self._undo.append(("insert", rule))
        self._rerender()
        return Outcome(EDITED.format(what="inserted the rule"))

    def _do_revert_last_edit(self) -> Outcome:
        if not self._undo:
            raise ActionError("No edit to revert.")
        kind, payload = self._undo.pop()
        if kind == "insert":
            self._sheet.remove(payload)
        else:
            rule, name, old = payload
            if old is None:
                rule.declarations.pop(name, None)
            else:
                rule.declarations[name] = old
        self._rerender()
        return Outcome("You have successfully reverted the last edit.")

    def _do_done(self) -> Outcome:
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
            calls.append(format_call("select_rule", [rule.selector]))
            for prop, current in rule.declarations.items():
                calls.extend(format_call("edit_rule", [rule.selector, prop, v])
                             for v in values[prop][:8] if v != current)
        if self._undo:
            calls.append("revert_last_edit()")
        calls.append("done()")
        return calls

    # -- internals ------------------------------------------------------------------------
    def _rerender(self) -> None:
        self._renderer.set_css(self._sheet.css())
        self._image = self._renderer.fitted(*self.image_size)
        if self.dense_progress:
            self._distance = self._current_distance()

    def _current_distance(self) -> float:
        assert self._target is not None
        self._distance = judge.distance(self._target.gray,
                                        judge.page_gray(self._renderer))
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


def _checked(check, *args):
    try:
        return check(*args)
    except CssError as exc:
        raise ActionError(str(exc)) from None


def _find_all_query(name, attrs, string, class_, id) -> Outcome:
    """``find_all`` keyword arguments from the structured query, or from VAB's argument
    string (``"'a', class_='nav'"``), read as literals only."""
    if name is not None and any(c in name for c in "'\"=,"):
        try:
            call = ast.parse(f"f({name})", mode="eval").body
            assert isinstance(call, ast.Call)
            positional = [ast.literal_eval(a) for a in call.args]
            keywords = {k.arg: ast.literal_eval(k.value) for k in call.keywords}
        except (SyntaxError, ValueError, TypeError, AssertionError, RecursionError):
            raise ActionError(f"Cannot read {name[:100]!r} as find_all arguments (literals "
                              "only).") from None
        allowed = {"name", "attrs", "string", "class_", "id"}
        if len(positional) > 2 or None in keywords or set(keywords) - allowed:
            raise ActionError("find_all arguments: use name, attrs, string, class_, id.")
        merged = dict(zip(("name", "attrs"), positional, strict=False)) | keywords
        return _find_all_query(**{k: merged.get(k) for k in allowed})
    query: dict[str, Any] = {}
    if name is not None:
        query["name"] = name
    if attrs:
        if not all(isinstance(k, str) and isinstance(v, (str, bool)) for k, v in attrs.items()):
            raise ActionError("attrs must map attribute names to strings.")
        query["attrs"] = attrs
    for key, value in (("string", string), ("class_", class_), ("id", id)):
        if value is not None:
            if not isinstance(value, str):
                raise ActionError(f"{key} must be a string.")
            query[key] = value
    return query


def _matches(selector: str, element: Any) -> bool:
    for dynamic in _DYNAMIC:
        selector = selector.replace(dynamic, "")
    try:
        return bool(soupsieve.match(selector, element))
    except Exception:  # a selector soupsieve cannot read matches nothing, as in VAB
        return False
