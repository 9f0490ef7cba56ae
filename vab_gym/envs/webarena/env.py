"""VAB-WebArena-Lite-v0: web tasks in Chromium with Set-of-Marks, judged by WebArena's
evaluators."""

from __future__ import annotations

import contextlib
from collections.abc import Callable
from dataclasses import dataclass, field
from importlib import resources
from typing import Any, Literal, TypeVar

import gymnasium as gym
import numpy as np

from vab_gym.core.actions import ActionCall, ActionError
from vab_gym.core.browser import HANG_TIMEOUT_S, BrowserHung, browser_replaced, open_chromium
from vab_gym.core.env import EarlyStop, ModelView, Outcome, Streaks, VabEnv
from vab_gym.core.images import fit, png_bytes
from vab_gym.core.judge import Verdict
from vab_gym.core.tasks import Task, TaskSet, read_jsonl, setup_record
from vab_gym.envs.webarena import judge as evaluators  # WebArena's evaluators
from vab_gym.envs.webarena.actions import WEBARENA_ACTIONS
from vab_gym.envs.webarena.grounding import PageState, grounded_calls, page_state
from vab_gym.envs.webarena.magento import MagentoRestSite
from vab_gym.envs.webarena.session import (
    LOCAL_TIMEOUTS_S,
    VAB_TIMEOUT_S,
    BrowserSession,
    vab_keys,
)
from vab_gym.envs.webarena.sites import (
    LOGINS,
    SITE_VARIABLES,
    WEBARENA_ACCOUNTS,
    SiteUnavailable,
    allowed_extra_hosts,
    from_alias,
    host_of,
    login_sites,
    to_alias,
    webarena_hosts,
    webarena_urls,
)
from vab_gym.envs.webarena.som import SOM_MODES, Mark, draw_marks, marks_text

LOCAL_SITES = ("shopping", "shopping_admin")


@dataclass(frozen=True)
class RunPyEarlyStop(EarlyStop):
    """VAB's ``run.py:early_stop``: its words, and no stall rule (run.py has none). Invalid
    actions are replies VAB cannot parse (:meth:`WebArenaEnv._track_streaks`)."""

    def reason(self, streaks: Streaks) -> str | None:
        if self.max_invalid and streaks.invalid >= self.max_invalid:
            return f"Failed to parse actions for {self.max_invalid} times"
        if self.max_repeats and streaks.repeats >= self.max_repeats:
            return f"Same action for {self.max_repeats} times"
        return None


# run.py: --parsing_failure_th 3 and --repeating_action_failure_th 5, checked before each
# turn (early_stop, with the action strings passed, so its "Same typing action" rule never
# runs).
VAB_EARLY_STOP = RunPyEarlyStop(max_invalid=3, max_repeats=5, no_progress=None)
T = TypeVar("T")
VAB_SLEEP_AFTER_S = 3.0  # run.py's __main__: args.sleep_after_execution = 3.0
# get_action_description's text for a reply VAB cannot parse (action_splitter "```").
PARSE_FAILURE = (
    'The previous prediction you issued was "{reply}". However, the format was '
    "incorrect. Ensure that the action is wrapped inside a pair of ``` and "
    "enclose arguments within [] as follows: ```action [arg] ...```."
)
NO_SUCH_ELEMENT = (
    'Attempt to perfom "{name}" on element "[{id}]" but no matching element '
    "found. Please check the observation more carefully."
)
# The multimodal SoM prompt's template (p_som_cot_id_actree_3s.json).
TEMPLATE = (
    "OBSERVATION: {observation}\nURL: {url}\nOBJECTIVE: {objective}\nPREVIOUS ACTION: {previous}"
)


@setup_record
class WebArenaSetup:
    """A VAB-WebArena-Lite task's start: the first page (``__SITE__`` placeholders, tabs
    joined by `` |AND| ``), the sites it uses, whether it logs in first (VAB's
    ``require_login``), the backend its tasks were written for, the local shop's seed; and
    VAB's ``require_reset`` and ``geolocation``, kept as VAB's configs give them."""

    start_url: str
    sites: list[str] = field(default_factory=list)
    require_login: bool = False
    backend: Literal["local", "webarena"] = "local"
    shop_seed: int = 0
    require_reset: bool = False
    geolocation: Any = None


class WebArenaEnv(VabEnv):
    """VAB-WebArena-Lite: do a web task in a browser, then ``stop`` with the answer.

    Observation: ``image`` is the 1280x720 viewport with numbered Set-of-Marks boxes;
    ``text`` is what VAB's SoM prompt shows beside it: ``OBSERVATION:`` with the marks as
    ``[id] [TAG] [text]``, ``URL:`` (VAB's aliases, e.g. http://onestopmarket.com),
    ``OBJECTIVE:`` and ``PREVIOUS ACTION:`` in VAB's words. ``hints=True`` adds what VAB
    never shows: the action's outcome, the open tabs, its error and blocked navigations.
    ``instruction`` is the intent. The judge (WebArena's evaluators) runs once, when the
    agent stops or the episode is truncated. Backend ``local`` serves a shop and its admin
    panel on 127.0.0.1; ``webarena`` drives WebArena's own sites, found from ``WA_*``
    environment variables. ``judge`` is an optional LLM judge for ``fuzzy_match``.

    VAB's run is the default: 30 steps, its early stops (3 unparsable replies, or 5
    identical actions, in a row, in VAB's words: :data:`VAB_EARLY_STOP`; ``early_stop=None``
    turns them off, a plain ``EarlyStop`` applies the suite's), its Set-of-Marks
    (``som="suite"`` for this project's visible-and-topmost filter), 120 s timeouts and a
    3 s pause after each action on WebArena's sites (``timeout_s``, ``sleep_after_s``).
    ``extra_hosts`` (or $WA_EXTRA_HOSTS) lets the browser reach more host[:port]s.
    ``browser="shared"`` (the default) opens the episode's context in this process's shared
    Chromium (envs reaching the same remote hosts share one); ``"own"``: a Chromium of its own.
    """

    env_id = "VAB-WebArena-Lite-v0"
    action_set = WEBARENA_ACTIONS
    backends = ("local", "webarena")
    default_image_size = (720, 1280)
    default_max_steps = 30  # run.py: --max_steps 30

    solver = "vab_gym.envs.webarena.solver:WebArenaSolver"
    task_package = __package__  # the local shop's tasks; _shipped_tasks has WebArena's
    setup_type = WebArenaSetup
    fresh_tasks = "vab_gym.envs.webarena.tasks:fresh_train_tasks"
    action_handlers = BrowserSession  # all but stop act in the browser
    mistakes = "vab_gym.envs.webarena.mistakes:propose"
    mistake_window = 2  # most plans are 2-4 steps: the mistake goes in at step 1 or 2

    def __init__(
        self,
        *,
        judge: evaluators.LLMJudge | None = None,
        shop_seed: int = 0,
        early_stop: EarlyStop | None = VAB_EARLY_STOP,
        som: str = "vab",
        timeout_s: float | None = None,
        sleep_after_s: float | None = None,
        extra_hosts: tuple[str, ...] = (),
        browser: str = "shared",
        **kwargs: Any,
    ) -> None:
        super().__init__(early_stop=early_stop, **kwargs)
        if som not in SOM_MODES:
            raise ValueError(f"som={som!r}: choose one of {SOM_MODES}")
        self.som = som
        real_sites = self.backend_name == "webarena"
        self.timeouts_s = (
            (timeout_s, timeout_s)
            if timeout_s is not None
            else ((VAB_TIMEOUT_S, VAB_TIMEOUT_S) if real_sites else LOCAL_TIMEOUTS_S)
        )
        self.sleep_after_s = (
            sleep_after_s
            if sleep_after_s is not None
            else (VAB_SLEEP_AFTER_S if real_sites else 0.0)
        )
        self.extra_hosts = allowed_extra_hosts(extra_hosts)
        self.llm_judge = judge
        self.shop_seed = shop_seed
        bypass = self.extra_hosts + (tuple(webarena_hosts()) if real_sites else ())
        # A step may take an action's timeout, then a page load's, then VAB's pause.
        self.browser = browser
        self.chromium = open_chromium(
            browser,
            tuple(sorted({h.split(":")[0] for h in bypass})),
            hang_timeout_s=HANG_TIMEOUT_S + sum(self.timeouts_s) + self.sleep_after_s,
        )
        self.session: BrowserSession | None = None
        self.urls: dict[str, str] = {}
        self._shop = None
        self._logins: dict[tuple, dict[str, Any]] = {}  # (server start, sites) -> storage state
        self._image = np.zeros((*self.image_size, 3), np.uint8)
        self._som_image: np.ndarray | None = None  # the marked screenshot of the last look
        self._som_png: bytes | None = None  # its PNG, made when model_view asks
        self._previous = "None"
        self._failed: tuple[str, str] | None = None  # (call, VAB's words) of a failed action
        self._shown_call = ""  # VAB's words for the action being carried out
        self._reply: Any = None
        self._page_state: PageState | None = None  # read by valid_actions, once a snapshot
        self._tabs: list[tuple[str, str]] = []  # (title, url) of each tab, at the last look
        self._active_tab = 0
        self.browser_restarts = 0  # episodes carried on in a new context (crash or hang)
        self._page_crashed = False  # a tab's renderer crashed: the session is reopened

    def fidelity(self) -> dict[str, Any]:
        return {
            **super().fidelity(),
            "som": self.som,
            "max_steps": self.max_steps,
            "early_stop": None
            if self.early_stop is None
            else {
                "parse_failures": self.early_stop.max_invalid,
                "repeats": self.early_stop.max_repeats,
            },
            "timeouts_s": list(self.timeouts_s),
            "sleep_after_s": self.sleep_after_s,
            "extra_hosts": list(self.extra_hosts),
        }

    @classmethod
    def difficulty(cls, task: Task) -> dict[str, Any]:
        """Task kind, from what the judge checks (the local tasks' ``metadata["kind"]``
        says the same): ``nav`` (reach a page: url_match) tier 0, ``info`` (answer from the
        page: string_match) 1, ``change`` (change the site's state: program_html) 2; one
        more tier for a task over several sites or judged on several kinds of evidence."""
        checks = set(task.judge.get("eval_types", []))
        kind = task.metadata.get("kind") or (
            "change" if "program_html" in checks else "info" if "string_match" in checks else "nav"
        )
        sites = list(task.setup.get("sites", []))
        tier = {"nav": 0, "info": 1, "change": 2}.get(kind, 2)
        tier += len(sites) > 1 or len(checks) > 1
        return {"tier": tier, "kind": kind, "sites": sites, "eval_types": sorted(checks)}

    def _shipped_tasks(self, split: str) -> TaskSet:
        """The local shop's tasks, or on WebArena's own sites VAB's 165."""
        if self.backend_name == "webarena":
            path = resources.files(__package__) / "data" / "webarena_lite.jsonl"
            return TaskSet(t for t in read_jsonl(str(path)) if t.split == split)
        return super()._shipped_tasks(split)

    # -- sites ----------------------------------------------------------------------------
    def _site_urls(self, task: Task) -> dict[str, str]:
        sites = list(task.setup.get("sites", []))
        if self.backend_name == "webarena":
            return webarena_urls(sites)
        unknown = set(sites) - set(LOCAL_SITES)
        if unknown:
            raise SiteUnavailable(
                f"backend 'local' serves {', '.join(LOCAL_SITES)}; task {task.id} needs "
                f"{', '.join(sorted(unknown))} (use backend='webarena')"
            )
        if self._shop is None:
            from vab_gym.envs.webarena.shop.server import ShopServer

            self._shop = ShopServer.shared(self.shop_seed)
            self._shop.acquire()
        self._shop.reset()
        base = self._shop.base_url
        return {"shopping": base, "shopping_admin": base + "/admin"}

    def _accounts(self) -> dict[str, tuple[str, str]]:
        if self._shop is None:
            return WEBARENA_ACCOUNTS
        creds = self._shop.credentials
        return {
            "shopping": (creds["customer"]["username"], creds["customer"]["password"]),
            "shopping_admin": (creds["admin"]["username"], creds["admin"]["password"]),
        }

    # -- episode --------------------------------------------------------------------------
    def _start(self, task: Task) -> str:
        self.urls = self._site_urls(task)
        start_urls = evaluators.substitute_sites(self.setup.start_url, self.urls)
        tabs = [url.strip() for url in start_urls.split(" |AND| ")]
        try:
            try:
                self.chromium.run(lambda browser: self._open_session(browser, tabs))
            except BrowserHung:  # the watchdog ended that browser: once more, on a new one
                self.chromium.run(lambda browser: self._open_session(browser, tabs))
        except SiteUnavailable:
            raise
        except Exception as exc:
            first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
            where = ", ".join(
                f"{SITE_VARIABLES[s]}={self.urls[s]}"
                for s in task.setup.get("sites", [])
                if s in SITE_VARIABLES and s in self.urls
            )
            raise SiteUnavailable(f"cannot open {start_urls} ({where}): {first}") from exc
        self._previous = "None"
        self._failed = None
        return self._snapshot(None)

    def _open_session(self, browser: Any, tabs: list[str], active: int = 0) -> None:
        """A new browser session, logged in as the task says, with a tab at each URL."""
        assert self.task is not None
        if self.session is not None:
            self.session.close()
        hosts = {host_of(u) for u in self.urls.values()} | set(self.extra_hosts)
        self.session = BrowserSession(
            browser,
            hosts,
            timeouts_s=self.timeouts_s,
            sleep_after_s=self.sleep_after_s,
            storage_state=self._login_state(browser, hosts),
        )
        self._page_crashed = False
        for page in self.session.pages:
            page.on("crash", self._note_crash)
        self.session.context.on("page", lambda page: page.on("crash", self._note_crash))
        self.session.som_mode = self.som
        for i, url in enumerate(tabs):
            if i:
                self.session.open_tab()
            self.session.page.goto(url)
        # envs.py:setup: "set the first page as the current page"
        self.session.active = min(active, len(self.session.pages) - 1)
        self.session.page.bring_to_front()

    def _login_state(self, browser: Any, hosts: set[str]) -> dict[str, Any] | None:
        """The cookies of the task's log-ins, as VAB's run.py gets them: ``auto_login.py``
        logs in to the sites in a browser context of its own and saves its storage state,
        which the task's context starts with (so the tabs' history holds no log-in page).
        The local shop's sessions are signed cookies, valid while the same server runs,
        so its log-ins are made once per server start; a real site's each reset, as VAB."""
        assert self.task is not None
        if not self.setup.require_login:
            return None
        accounts = self._accounts()
        sites = tuple(
            site
            for site in login_sites(self.task.id, self.setup.sites)
            if site in LOGINS and site in accounts
        )
        if not sites:
            return None
        key = None
        if self._shop is not None:
            key = (self._shop.starts, sites)
            if key in self._logins:
                return self._logins[key]
        login = BrowserSession(browser, hosts, timeouts_s=self.timeouts_s)
        try:
            for site in sites:
                LOGINS[site].perform(login.page, self.urls[site], *accounts[site])
            state = login.context.storage_state()
        finally:
            login.close()
        if key is not None:  # those of an earlier server start are dropped
            self._logins = {k: v for k, v in self._logins.items() if k[0] == key[0]}
            self._logins[key] = state
        return state

    def _note_crash(self, _page: Any) -> None:
        """Close the session's context now (a crashed page never answers); the next call
        reopens the tabs."""
        self._page_crashed = True
        if self.session is not None:
            self.session.close()

    def in_session(self, fn: Callable[[BrowserSession], T]) -> T:
        """``fn(session)`` on the Chromium thread. If the browser crashed or was ended as
        hung since the last call, the episode goes on in a new one: logged in again, each
        tab reopened at its last address (what the sites store is kept; the pages' own
        state, such as a half-filled form, is not). A tab whose renderer crashed is
        recovered the same way, in a new context of the same browser (other envs sharing
        it are not touched); a call that failed because the tab or the browser crashed
        meanwhile runs once more there."""

        def call(browser: Any) -> T:
            assert self.session is not None
            if self.session.browser is not browser or self._page_crashed:
                tabs = [url for _title, url in self._tabs] or ["about:blank"]
                self._open_session(browser, tabs, active=self._active_tab)
                self.browser_restarts += 1
            return fn(self.session)

        try:
            return self.chromium.run(call)
        except BrowserHung:
            raise
        except Exception:
            if not (
                self._page_crashed
                or (
                    self.session is not None
                    and browser_replaced(self.chromium, self.session.browser)
                )
            ):
                raise
            return self.chromium.run(call)

    def step(self, action: str) -> tuple[dict[str, Any], float, bool, bool, dict[str, Any]]:
        self._reply = action  # VAB's history quotes the reply as the model wrote it
        if isinstance(action, str) and self.urls:  # prompt_constructor.py:extract_action
            action = from_alias(action, self.urls)
        return super().step(action)

    def _execute(self, call: ActionCall) -> Outcome:
        # VAB's history shows the action as described before it runs (a browser restarted
        # while acting has no marks yet)
        self._shown_call = self._described(call)
        return super()._execute(call)

    def _do_stop(self, answer: str) -> Outcome:
        return Outcome(self._snapshot(None, self._shown_call), finished=True, answer=answer)

    def _delegate(self, call: ActionCall) -> str:
        """The browser's actions: the session's handlers, on Chromium's thread."""
        try:
            try:
                return self.in_session(lambda session: session.act(call))
            except BrowserHung:
                raise ActionError(
                    f"{call.name} got no answer: the browser hung and was "
                    "restarted, with the tabs at their last addresses"
                ) from None
        except ActionError:
            self._failed = (str(call), self._shown_call)  # parsed: VAB's history shows it
            raise

    def _outcome_from(self, feedback: str) -> Outcome:
        return Outcome(self._snapshot(None, self._shown_call, feedback))

    def _error_feedback(self, action: Any, error: str) -> str:
        if self._failed is not None:
            return self._snapshot(error, self._failed[1])
        reply = self._reply
        shown = reply if isinstance(reply, str) else repr(reply)
        return self._snapshot(error, PARSE_FAILURE.format(reply=shown))

    def _described(self, call: ActionCall) -> str:
        """The action as VAB's history shows it (helper_functions.py:get_action_description
        with actions.py:action2str, action set "som")."""
        args = call.args
        if call.name in ("click", "hover", "type") and not self._has_mark(args["id"]):
            return NO_SUCH_ELEMENT.format(name=call.name, id=args["id"])
        match call.name:
            case "click" | "hover":
                return f"{call.name} [{args['id']}] where [{args['id']}]"
            case "type":
                text = args["text"] + ("\n" if args["press_enter"] else "")
                return f"type [{args['id']}] [{text}] where [{args['id']}]"
            case "clear":
                return f"clear [{args['id']}] where [{args['id']}] is "
            case "press":
                return f"press [{vab_keys(args['keys'])}]"
            case "scroll":
                return f"scroll [{args['direction']}]"
            case "goto":
                return f"goto [{args['url']}]"
            case "tab_focus":
                return f"page_focus [{args['index']}]"
            case "stop":
                return f"stop [{args['answer']}]"
        return call.name

    def _has_mark(self, mark_id: int) -> bool:
        marks: list[Mark] = self.session.marks if self.session else []
        return any(m.id == mark_id and m.interactive for m in marks)

    # -- VAB's early stops (run.py:early_stop; the words: RunPyEarlyStop) ----------------
    def _track_streaks(self, action: Any, error: str | None, progress: float) -> None:
        """Only a reply VAB cannot parse counts as a failure (VAB's NONE action); a parsed
        action that fails in the browser counts as that action, for repeats too."""
        if self._failed is not None:
            action, error, self._failed = self._failed[0], None, None
        super()._track_streaks(action, error, progress)

    def _observe(self) -> dict[str, np.ndarray]:
        return {"image": self._image}

    def _snapshot(
        self, error: str | None, action: str | None = None, message: str | None = None
    ) -> str:
        """Observe the page: the marked screenshot (kept for ``_observe`` and
        ``model_view``) and the text: VAB's prompt, with the suite's lines under ``hints``."""

        def look(session: BrowserSession) -> tuple[bytes, list, list, str, list[str]]:
            blocked, session.blocked = session.blocked, []
            png, marks = session.observe()
            return png, marks, session.tabs(), session.page.url, blocked

        assert self.task is not None
        try:
            png, marks, tabs, url, blocked = self.in_session(look)
        except BrowserHung:  # once more, on the new browser
            png, marks, tabs, url, blocked = self.in_session(look)
        self._tabs, self._active_tab = tabs, self.session.active
        self._page_state = None
        image = draw_marks(png, marks, first_id=1 if self.som == "vab" else 0)
        self._som_image, self._som_png = image, None
        self._image = fit(image, self.image_size)
        if action is not None:
            self._previous = action
        self._vab_text = TEMPLATE.format(
            observation=marks_text(marks),
            url=to_alias(url, self.urls),
            objective=self.task.instruction,
            previous=self._previous,
        )
        if not self.hints:
            return self._vab_text
        lines = [self._vab_text + (f" -> {message}" if message else ""), "TABS:"]
        lines += [
            f"  [{i}] {title or '(untitled)'} - {tab_url}"
            + (" (current)" if tab_url == url else "")
            for i, (title, tab_url) in enumerate(tabs)
        ]
        if error:
            lines.append(f"ERROR: {error}")
        if blocked:
            lines.append(
                "BLOCKED (outside the task's websites): " + ", ".join(b[:120] for b in blocked[:5])
            )
        return "\n".join(lines)

    def valid_actions(self) -> list[str]:
        """Grounding (:mod:`~vab_gym.envs.webarena.grounding`): clicks, typing, scrolls,
        stops with candidate answers, navigation, tabs and hovers for the page the last
        observation shows; at most ``grounding.MAX_CALLS`` (256), the same list for the
        same state. Costs one page read per observation (cached)."""
        if self.session is None or self.task is None or self._last_obs is None:
            raise gym.error.ResetNeeded("call reset() before valid_actions()")
        if self._page_state is None:
            self._page_state = self.in_session(lambda session: page_state(session.page))
        session = self.session  # after the read: a restarted browser has a new session
        homes = [self.urls[s] for s in self.task.setup.get("sites", []) if s in self.urls]
        return grounded_calls(
            session.marks,
            self.task.instruction,
            self._page_state,
            tabs=len(session.pages),
            active=session.active,
            homes=homes,
        )

    def model_view(self) -> ModelView:
        """VAB's turn: the SoM prompt's text and the marked 1280x720 screenshot (PNG)."""
        if self._last_obs is None:
            raise gym.error.ResetNeeded("call reset() before model_view()")
        if self._som_png is None:
            assert self._som_image is not None
            self._som_png = png_bytes(self._som_image)
        return ModelView(self._vab_text, (self._som_png,))

    # -- judging --------------------------------------------------------------------------
    def _judge(self, answer: str | None) -> Verdict:
        assert self.task is not None
        config = evaluators.substitute_sites(self.task.judge, self.urls)
        if self._shop is not None:  # the local shop answers the helpers from its SQLite
            from vab_gym.envs.webarena.shop.site import LocalShopSite

            site, visits = LocalShopSite(self._shop), evaluators.LOCAL_VISITS
        else:  # WebArena's Magento, through its REST API as VAB's helpers call it
            site, visits = MagentoRestSite.for_urls(self.urls), evaluators.PageVisits()

        def judge(session: BrowserSession) -> evaluators.EvalResult:
            return evaluators.evaluate(
                config,
                answer=answer,
                page=session.page,
                judge=self.llm_judge,
                intent=self.task.instruction,
                site=site,
                vab_quirks=self.vab_quirks,
                visits=visits,
            )

        if answer is None:  # run.py: an early stop is VAB's stop action with this answer
            reason = self._early_stop_reason() or f"Reach max steps {self.max_steps}"
            answer = f"Early stop: {reason}"
        try:
            result = self.in_session(judge)
        except Exception as exc:  # evaluate() never raises; the browser may: fail, with why
            first = str(exc).strip().splitlines()[0] if str(exc).strip() else ""
            return Verdict(
                success=False,
                score=0.0,
                reason=f"judge failed: {type(exc).__name__}: {first[:300]}",
                details={"unjudged": False, "error": type(exc).__name__, "answer": answer},
            )
        unjudged = result.score is None
        reason = (
            (
                "unjudged: "
                + "; ".join(d.get("reason", "") for d in result.details if d.get("passed") is None)
            )
            if unjudged
            else f"score {result.score:g}"
        )
        return Verdict(
            success=result.score == 1.0,
            score=result.score or 0.0,
            reason=reason,
            details={"unjudged": unjudged, "checks": list(result.details), "answer": answer},
        )

    def _close_backend(self) -> None:
        if self.session is not None:
            session, self.session = self.session, None
            with contextlib.suppress(Exception):  # the browser is already gone
                self.chromium.run(lambda _browser: session.close())
        self.chromium.close()
        if self._shop is not None:
            self._shop.release()
            self._shop = None
