"""VAB-WebArena-Lite-v0: web tasks in Chromium with Set-of-Marks, judged by WebArena's
evaluators."""

from __future__ import annotations

import contextlib
from importlib import resources
from typing import Any

import numpy as np

from vab_gym.core.actions import ActionCall
from vab_gym.core.browser import ChromiumProcess
from vab_gym.core.env import Outcome, VabEnv
from vab_gym.core.judge import Verdict
from vab_gym.core.tasks import Task, TaskSet, package_tasks, read_jsonl
from vab_gym.envs.webarena import evaluators
from vab_gym.envs.webarena.actions import WEBARENA_ACTIONS
from vab_gym.envs.webarena.session import BrowserSession
from vab_gym.envs.webarena.sites import (
    LOGINS,
    SITE_VARIABLES,
    WEBARENA_ACCOUNTS,
    SiteUnavailable,
    host_of,
    webarena_urls,
)
from vab_gym.envs.webarena.som import draw_marks, marks_text

LOCAL_SITES = ("shopping", "shopping_admin")


class WebArenaEnv(VabEnv):
    """VAB-WebArena-Lite: do a web task in a browser, then ``stop`` with the answer.

    Observation: ``image`` is the 1280x720 viewport with numbered Set-of-Marks boxes;
    ``text`` lists the marks as ``[id] [TAG] [text]``, then the URL, the open tabs, the
    previous action and its error and any blocked navigation; ``instruction`` is the intent.
    The judge (WebArena's evaluators) runs once, when the agent stops or the episode is
    truncated. Backend ``local`` serves a shop and its admin panel on 127.0.0.1;
    ``webarena`` drives WebArena's own sites, found from ``WA_*`` environment variables.
    ``judge`` is an optional LLM judge for ``fuzzy_match`` (else reported as unjudged).
    """

    env_id = "VAB-WebArena-Lite-v0"
    action_set = WEBARENA_ACTIONS
    backends = ("local", "webarena")
    default_image_size = (720, 1280)
    default_max_steps = 20
    solver = "vab_gym.envs.webarena.solver:WebArenaSolver"

    def __init__(self, *, judge: evaluators.LLMJudge | None = None, shop_seed: int = 0,
                 **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.llm_judge = judge
        self.shop_seed = shop_seed
        self.chromium = ChromiumProcess()
        self.session: BrowserSession | None = None
        self.urls: dict[str, str] = {}
        self._shop = None
        self._image = np.zeros((*self.image_size, 3), np.uint8)
        self._previous = "None"

    @classmethod
    def default_tasks(cls, split: str) -> TaskSet:
        """The local shop's tasks (``test`` / ``train``)."""
        return package_tasks(__package__, split)

    def _resolve_tasks(self, tasks: str | TaskSet | None, split: str) -> TaskSet:
        if tasks is None and self.backend_name == "webarena":  # VAB's 165, on WebArena's sites
            path = resources.files(__package__) / "data" / "webarena_lite.jsonl"
            return TaskSet(t for t in read_jsonl(str(path)) if t.split == split)
        return super()._resolve_tasks(tasks, split)

    # -- sites ----------------------------------------------------------------------------
    def _site_urls(self, task: Task) -> dict[str, str]:
        sites = list(task.setup.get("sites", []))
        if self.backend_name == "webarena":
            return webarena_urls(sites)
        unknown = set(sites) - set(LOCAL_SITES)
        if unknown:
            raise SiteUnavailable(
                f"backend 'local' serves {', '.join(LOCAL_SITES)}; task {task.id} needs "
                f"{', '.join(sorted(unknown))} (use backend='webarena')")
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
        return {"shopping": (creds["customer"]["username"], creds["customer"]["password"]),
                "shopping_admin": (creds["admin"]["username"], creds["admin"]["password"])}

    # -- episode --------------------------------------------------------------------------
    def _start(self, task: Task) -> str:
        self.urls = self._site_urls(task)
        start_urls = evaluators.substitute_sites(task.setup["start_url"], self.urls)
        hosts = {host_of(u) for u in self.urls.values()}
        accounts = self._accounts()

        def open_episode(browser: Any) -> None:
            if self.session is not None:
                self.session.close()
            self.session = BrowserSession(browser, hosts)
            if task.setup.get("require_login"):
                for site in task.setup.get("sites", []):
                    if site in LOGINS and site in accounts:
                        LOGINS[site].perform(self.session.page, self.urls[site], *accounts[site])
            for i, url in enumerate(start_urls.split(" |AND| ")):
                if i:
                    self.session.open_tab()
                self.session.page.goto(url.strip())

        try:
            self.chromium.run(open_episode)
        except SiteUnavailable:
            raise
        except Exception as exc:
            first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
            where = ", ".join(f"{SITE_VARIABLES[s]}={self.urls[s]}" for s in task.setup.get(
                "sites", []) if s in SITE_VARIABLES and s in self.urls)
            raise SiteUnavailable(f"cannot open {start_urls} ({where}): {first}") from exc
        self._previous = "None"
        return self._snapshot(None)

    def _execute(self, call: ActionCall) -> Outcome:
        if call.name == "stop":
            return Outcome(self._snapshot(None, str(call)), finished=True,
                           answer=call.args["answer"])
        message = self.chromium.run(lambda _browser: self.session.act(call))
        return Outcome(self._snapshot(None, str(call), message))

    def _error_feedback(self, action: Any, error: str) -> str:
        shown = action if isinstance(action, str) else repr(action)
        return self._snapshot(error, shown[:200])

    def _observe(self) -> dict[str, np.ndarray]:
        return {"image": self._image}

    def _snapshot(self, error: str | None, action: str | None = None,
                  message: str | None = None) -> str:
        """Observe the page: the marked screenshot (kept for ``_observe``) and the text."""
        def look(_browser: Any) -> tuple[bytes, list, list, str, list[str]]:
            session = self.session
            blocked, session.blocked = session.blocked, []
            png, marks = session.observe()
            return png, marks, session.tabs(), session.page.url, blocked

        png, marks, tabs, url, blocked = self.chromium.run(look)
        image = draw_marks(png, marks)
        self._image = _fit(image, self.image_size)
        if action is not None:
            self._previous = action
        lines = [marks_text(marks), "", f"URL: {url}", "TABS:"]
        lines += [f"  [{i}] {title or '(untitled)'} - {tab_url}"
                  + (" (current)" if tab_url == url else "") for i, (title, tab_url) in
                  enumerate(tabs)]
        lines.append(f"PREVIOUS ACTION: {self._previous}"
                     + (f" -> {message}" if message else ""))
        if error:
            lines.append(f"ERROR: {error}")
        if blocked:
            lines.append("BLOCKED (outside the task's websites): " + ", ".join(
                b[:120] for b in blocked[:5]))
        return "\n".join(lines)

    # -- judging --------------------------------------------------------------------------
    def _judge(self, answer: str | None) -> Verdict:
        assert self.task is not None
        config = evaluators.substitute_sites(self.task.judge, self.urls)
        site = None
        if self._shop is not None:
            from vab_gym.envs.webarena.shop.site import LocalShopSite

            site = LocalShopSite(self._shop)

        def judge(_browser: Any) -> evaluators.EvalResult:
            return evaluators.evaluate(config, answer=answer, page=self.session.page,
                                       judge=self.llm_judge, intent=self.task.instruction,
                                       site=site)

        try:
            result = self.chromium.run(judge)
        except (evaluators.Unsupported, ValueError) as exc:
            return Verdict(success=False, score=0.0, reason=f"cannot judge: {exc}",
                           details={"unjudged": True})
        unjudged = result.score is None
        reason = ("unjudged: " + "; ".join(d.get("reason", "") for d in result.details
                                           if d.get("passed") is None)) if unjudged else \
            f"score {result.score:g}"
        return Verdict(success=result.score == 1.0, score=result.score or 0.0, reason=reason,
                       details={"unjudged": unjudged, "checks": list(result.details),
                                "answer": answer})

    def _close_backend(self) -> None:
        if self.session is not None:
            session, self.session = self.session, None
            with contextlib.suppress(Exception):  # the browser is already gone
                self.chromium.run(lambda _browser: session.close())
        self.chromium.close()
        if self._shop is not None:
            self._shop.release()
            self._shop = None


def _fit(image: np.ndarray, size: tuple[int, int]) -> np.ndarray:
    """The screenshot at the env's image size (cropped or padded; the viewport is fixed)."""
    height, width = size
    out = np.zeros((height, width, 3), np.uint8)
    h, w = min(height, image.shape[0]), min(width, image.shape[1])
    out[:h, :w] = image[:h, :w, :3]
    return out
