"""Human annotation: one env per session, played by a person through the browser.

A session's env lives on its own thread, which plays the episode with the suite's one
episode loop (``run_episode``) and a :class:`HumanAgent` whose ``act`` waits for the
annotator's next action; so a human episode is recorded, judged and stored exactly as every
other writer does it (``episode_document`` + ``ImageRecorder`` + ``EpisodeStore``), with
strategy ``human`` and the annotator's thought on each step. The thread closes its env when
the episode ends, when the session is ended or idle too long, and at shutdown.
"""

from __future__ import annotations

import contextlib
import queue
import threading
import time
import uuid
from collections.abc import Callable
from concurrent.futures import Future
from dataclasses import dataclass, field
from typing import Any

import gymnasium as gym
import numpy as np

from vab_gym.agents.base import run_episode
from vab_gym.bench.jobs import env_metrics, episode_document
from vab_gym.bench.store import EpisodeStore, ImageRecorder
from vab_gym.core.images import fit_scale, png_bytes

ACTION_MAX_CHARS = 20_000  # a typed call (CSS's longest edits are far shorter)
THOUGHT_MAX_CHARS = 20_000
CLICKABLE_ENVS = ("VAB-WebArena-Lite-v0", "VAB-Mobile-v0")


class SessionEnded(Exception):
    """Raised inside the episode loop when the session is ended before the episode is."""


# -- the element under the pointer ----------------------------------------------------------
@dataclass(frozen=True)
class Region:
    """A clickable element of the observation image: its box in image pixels and the
    action that acts on it."""

    box: tuple[float, float, float, float]  # x1, y1, x2, y2 in the observation's pixels
    action: str
    label: str
    preferred: bool = True  # WebArena: every mark; Mobile: clickable elements first

    def contains(self, x: float, y: float) -> bool:
        x1, y1, x2, y2 = self.box
        return x1 <= x <= x2 and y1 <= y <= y2

    @property
    def area(self) -> float:
        return (self.box[2] - self.box[0]) * (self.box[3] - self.box[1])


def webarena_regions(env: Any) -> list[Region]:
    """The Set-of-Marks controls (``session.marks``, webarena/som.py): boxes are CSS px of
    the 1280x720 viewport, scaled as ``core.images.fit`` scales the screenshot into the
    observation; the action is VAB's ``click [id]``."""
    from vab_gym.envs.webarena.session import VIEWPORT

    s = fit_scale(VIEWPORT["height"], VIEWPORT["width"], env.image_size)
    marks = env.session.marks if env.session is not None else []
    return [
        Region(
            (m.box[0] * s, m.box[1] * s, (m.box[0] + m.box[2]) * s, (m.box[1] + m.box[3]) * s),
            f"click [{m.id}]",
            f"[{m.id}] [{m.tag}] [{m.text[:60]}]",
        )
        for m in marks
        if m.interactive and m.shown
    ]


def mobile_regions(env: Any) -> list[Region]:
    """The labelled elements (``env.elements``, mobile/screen.py; element ``i`` is
    ``tap(i)``), bounds scaled from device pixels as ``core.images.fit`` scales. In XML mode
    the action is AndroidLab's ``do(action="Tap", element=[x1, y1, x2, y2])``."""
    from vab_gym.envs.mobile.device import DEVICE_HEIGHT, DEVICE_WIDTH

    sx = sy = fit_scale(DEVICE_HEIGHT, DEVICE_WIDTH, env.image_size)
    regions = []
    for number, node in enumerate(env.elements, 1):
        x1, y1, x2, y2 = node.bounds
        action = (
            f'do(action="Tap", element={[x1, y1, x2, y2]})'
            if env.obs_mode == "xml"
            else f"tap({number})"
        )
        label = f"{number}: {node.cls} {node.label}".strip()
        regions.append(
            Region(
                (x1 * sx, y1 * sy, x2 * sx, y2 * sy), action, label[:80], preferred=node.clickable
            )
        )
    return regions


REGIONS: dict[str, Callable[[Any], list[Region]]] = {
    "VAB-WebArena-Lite-v0": webarena_regions,
    "VAB-Mobile-v0": mobile_regions,
}


def region_at(regions: list[Region], x: float, y: float) -> Region | None:
    """The element under ``(x, y)``: the smallest preferred box holding the point (nested
    controls: the innermost), else the smallest box of any kind, else none."""
    under = [r for r in regions if r.contains(x, y)]
    best = [r for r in under if r.preferred] or under
    return min(best, key=lambda r: r.area) if best else None


# -- the model's view -----------------------------------------------------------------------
# -- the session ----------------------------------------------------------------------------
@dataclass
class Turn:
    """What the page shows between two actions."""

    step: int = 0
    text: str = ""
    instruction: str = ""
    image_png: bytes = b""
    image_size: tuple[int, int] = (0, 0)  # width, height
    extra_pngs: dict[str, bytes] = field(default_factory=dict)  # e.g. CSS's target
    grounded: list[str] = field(default_factory=list)
    regions: list[Region] = field(default_factory=list)
    action_error: str | None = None
    history: list[dict[str, Any]] = field(default_factory=list)
    ended: bool = False  # the env has judged the episode (it is being saved)


class HumanAgent:
    """An Agent whose actions come from the browser: ``act`` waits for :meth:`submit`.
    While it waits, the env's thread also runs :meth:`call` requests (reads of env state)."""

    def __init__(self, inbox: queue.Queue, idle_timeout: float) -> None:
        self.inbox = inbox
        self.idle_timeout = idle_timeout
        self.last_step: dict[str, Any] = {}

    def reset(self, env: gym.Env, obs: dict[str, Any], info: dict[str, Any]) -> None:
        self.last_step = {}

    def act(self, obs: dict[str, Any], info: dict[str, Any]) -> str:
        while True:
            try:
                item = self.inbox.get(timeout=self.idle_timeout)
            except queue.Empty:
                raise SessionEnded("idle timeout") from None
            kind = item[0]
            if kind == "stop":
                raise SessionEnded("ended")
            if kind == "call":
                _, fn, future = item
                try:
                    future.set_result(fn())
                except Exception as exc:
                    future.set_exception(exc)
                continue
            _, action, thought = item
            self.last_step = {"thought": thought or None}
            return action


class AnnotationSession:
    """One annotated episode of ``env_id``'s ``task_id`` (``None``: a random task of the
    split, not fixed by ``seed``, which seeds the reset), saved to ``store`` with strategy
    ``human`` when it ends."""

    def __init__(
        self,
        store: EpisodeStore,
        env_id: str,
        split: str,
        task_id: str | None,
        seed: int,
        *,
        idle_timeout: float = 1800.0,
        env_kwargs: dict[str, Any] | None = None,
        annotator: str | None = None,
    ) -> None:
        self.id = uuid.uuid4().hex[:12]
        self.store, self.env_id, self.split, self.seed = store, env_id, split, seed
        self.task_id = task_id
        self.annotator = annotator
        self.env_kwargs = env_kwargs or {}
        self.env: gym.Env | None = None
        self.turn = Turn()
        self.observation: tuple[dict[str, Any], dict[str, Any]] | None = None  # (obs, info)
        self.done = False  # the episode ended (judged) or the session did
        self.error: str | None = None
        self.verdict: dict[str, Any] | None = None
        self.saved: str | None = None  # the episode's path in the store
        self.last_active = time.monotonic()
        self._inbox: queue.Queue = queue.Queue()
        self._agent = HumanAgent(self._inbox, idle_timeout)
        self._changed = threading.Condition()
        self._version = 0
        self._pending = False  # an action is on its way to the env
        self._thread = threading.Thread(target=self._play, name=f"vab-ui-{self.id}", daemon=True)
        self._thread.start()

    # -- the env's thread ---------------------------------------------------------------
    def _play(self) -> None:
        recorder = ImageRecorder()
        history: list[dict[str, Any]] = []
        try:
            self.env = env = gym.make(self.env_id, split=self.split, **self.env_kwargs)
            if self.task_id is None:
                ids = env.unwrapped.tasks.ids
                self.task_id = ids[np.random.default_rng().integers(len(ids))]  # any task
            recorder.start()

            def on_step(
                step: int, action: str, obs: dict[str, Any], reward: float, info: dict[str, Any]
            ) -> None:
                recorder.add(step, obs)
                view = env.unwrapped.model_view()
                recorder.add_view(view.text, view.images)
                if step:
                    history.append(
                        {
                            "step": step,
                            "action": action,
                            "text": obs["text"],
                            "error": info.get("action_error"),
                            "thought": self._agent.last_step.get("thought"),
                        }
                    )
                self._publish(env, obs, info, step, list(history))

            result = run_episode(
                env, self._agent, task_id=self.task_id, seed=self.seed, on_step=on_step
            )
            refs, blobs = recorder.finish()
            agent = {"kind": "human", **({"annotator": self.annotator} if self.annotator else {})}
            episode = episode_document(
                env,
                result,
                episode_id=f"{result.task_id}.human.{self.id}",
                split=self.split,
                strategy="human",
                agent=agent,
                metrics=env_metrics(self.env_id, result, env),
                refs=refs,
                views=recorder.views,
            )
            self.saved = self.store.write(episode, blobs)
            self.verdict = {"success": result.success, **result.judge}
        except SessionEnded:
            pass
        except Exception as exc:  # the env failed: show why, keep the server up
            self.error = f"{type(exc).__name__}: {exc}"[:2000]
        finally:
            recorder.close()
            if self.env is not None:
                with contextlib.suppress(Exception):
                    self.env.close()
            self.done = True
            self._bump()

    def _publish(
        self,
        env: gym.Env,
        obs: dict[str, Any],
        info: dict[str, Any],
        step: int,
        history: list[dict[str, Any]],
    ) -> None:
        base = env.unwrapped
        self.observation = (obs, info)
        ended = "judge" in info
        grounded: list[str] = []
        if not ended:
            with contextlib.suppress(NotImplementedError):
                grounded = base.valid_actions()
        regions = REGIONS[self.env_id](base) if self.env_id in REGIONS and not ended else []
        image = obs["image"]
        self.turn = Turn(
            step=step,
            text=obs["text"],
            instruction=obs.get("instruction", ""),
            image_png=png_bytes(image),
            image_size=(image.shape[1], image.shape[0]),
            extra_pngs={
                key: png_bytes(obs[key])
                for key in getattr(base, "extra_images", ())
                if isinstance(obs.get(key), np.ndarray)
            },
            grounded=grounded,
            regions=regions,
            action_error=info.get("action_error"),
            history=history,
            ended=ended,
        )
        self._bump()

    def _bump(self) -> None:
        with self._changed:
            self._pending = False
            self._version += 1
            self._changed.notify_all()

    # -- the server's side --------------------------------------------------------------
    def wait_ready(self, timeout: float = 300.0) -> None:
        """Until the first observation is shown (or the session ended)."""
        with self._changed:
            self._changed.wait_for(lambda: self.turn.image_png or self.done, timeout)

    def submit(
        self, action: str, thought: str | None, at_step: int, timeout: float = 300.0
    ) -> bool:
        """Play one action, given on the page of step ``at_step``; return once the env has
        answered it. A second post for the same step (a double click, a reloaded form) is
        ignored (``False``): each action is played once, on the state it was chosen on."""
        self.last_active = time.monotonic()
        with self._changed:
            if self.done or self._pending or at_step != self.turn.step:
                return False
            self._pending = True
            version = self._version
            self._inbox.put(
                (
                    "act",
                    action[:ACTION_MAX_CHARS],
                    (thought or "")[:THOUGHT_MAX_CHARS].strip() or None,
                )
            )
            # the next turn; after the last action, the saved episode
            self._changed.wait_for(
                lambda: self.done or (self._version != version and not self.turn.ended), timeout
            )
        return True

    def call(self, fn: Callable[[], Any], timeout: float = 300.0) -> Any:
        """Run ``fn()`` on the env's thread between two actions (reads of the env's state)."""
        future: Future = Future()
        self._inbox.put(("call", fn, future))
        return future.result(timeout)

    def click(self, x: float, y: float) -> Region | None:
        """The element under a point of the current observation image."""
        self.last_active = time.monotonic()
        return region_at(self.turn.regions, x, y)

    def request_end(self) -> None:
        """Ask the env's thread to stop (it closes the env); see :meth:`end`."""
        self._inbox.put(("stop",))

    def end(self, timeout: float = 60.0) -> None:
        """End the session (an unfinished episode is not saved); the env is closed."""
        self.request_end()
        self._thread.join(timeout)

    @property
    def alive(self) -> bool:
        return self._thread.is_alive()


class Sessions:
    """The server's annotation sessions, at most ``limit`` playing at once."""

    def __init__(
        self,
        store: EpisodeStore,
        *,
        limit: int = 4,
        idle_timeout: float = 1800.0,
        env_kwargs: dict[str, Any] | None = None,
        annotator: str | None = None,
    ) -> None:
        self.store = store
        self.limit = limit
        self.idle_timeout = idle_timeout
        self.env_kwargs = env_kwargs or {}
        self.annotator = annotator
        self._sessions: dict[str, AnnotationSession] = {}
        self._lock = threading.Lock()

    def start(
        self,
        env_id: str,
        split: str,
        task_id: str | None,
        seed: int,
    ) -> AnnotationSession:
        with self._lock:
            self._prune()
            playing = sum(s.alive for s in self._sessions.values())
            if playing >= self.limit:
                raise RuntimeError(
                    f"{playing} sessions are playing (the limit is {self.limit}); end one first"
                )
            session = AnnotationSession(
                self.store,
                env_id,
                split,
                task_id,
                seed,
                idle_timeout=self.idle_timeout,
                env_kwargs=self.env_kwargs,
                annotator=self.annotator,
            )
            self._sessions[session.id] = session
        return session

    def get(self, session_id: str) -> AnnotationSession:
        return self._sessions[session_id]

    def all(self) -> list[AnnotationSession]:
        return list(self._sessions.values())

    def _prune(self) -> None:
        """Forget finished sessions an hour after they were last looked at."""
        now = time.monotonic()
        for key, session in list(self._sessions.items()):
            if session.done and now - session.last_active > 3600:
                del self._sessions[key]

    def close(self) -> None:
        """End every session and close its env (the server is shutting down)."""
        for session in self.all():
            session.request_end()
        for session in self.all():
            session.end()
