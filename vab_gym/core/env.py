"""The base env: DESIGN.md's contract, written once for all five environments.

A subclass supplies the world (``_start``, a ``_do_<name>`` handler per declared action,
``_observe``, ``_judge``); this class owns everything the suite promises to be the same
everywhere: spaces, task choice, seeding, step accounting, the routing of each parsed call
to its handler, invalid actions as feedback, the sparse terminal reward, early stops and
the ``info`` keys. :class:`VabEnv`'s docstring lists every hook an env implements or may
override.
"""

from __future__ import annotations

import difflib
import inspect
from abc import abstractmethod
from dataclasses import dataclass, replace
from typing import Any, ClassVar, cast

import gymnasium as gym
import numpy as np
from gymnasium import spaces

from vab_gym.core import arguments
from vab_gym.core.actions import ActionCall, ActionError, ActionSet, ActionSpec
from vab_gym.core.errors import TaskError
from vab_gym.core.images import png_bytes
from vab_gym.core.judge import Verdict
from vab_gym.core.spaces import UnicodeText, image_space
from vab_gym.core.tasks import Task, TaskSet, package_tasks, read_jsonl, setup_of

TEXT_MAX_CHARS = 1_000_000
REWARD_MODES = ("sparse", "progress")
HANDLER_PREFIX = "_do_"  # an action's handler is the method named _do_<action name>


def check_difficulty(task_id: str, difficulty: Any) -> None:
    """A task's ``metadata["difficulty"]`` must be ``{"tier": int >= 0, "kind": str, ...}``;
    say which task and what is wrong otherwise."""
    if not isinstance(difficulty, dict):
        raise ValueError(
            f"task {task_id!r}: metadata['difficulty'] must be a dict, got {difficulty!r}"
        )
    tier, kind = difficulty.get("tier"), difficulty.get("kind")
    if isinstance(tier, bool) or not isinstance(tier, int) or tier < 0:
        raise ValueError(f"task {task_id!r}: difficulty tier must be an int >= 0, got {tier!r}")
    if not isinstance(kind, str):
        raise ValueError(f"task {task_id!r}: difficulty kind must be a str, got {kind!r}")


@dataclass(frozen=True)
class Streaks:
    """What the early-stop policy reads after each step: invalid actions in a row, the same
    action in a row (this one included), and steps since ``info["progress"]`` last rose."""

    invalid: int = 0
    repeats: int = 0
    stalled: int = 0


@dataclass(frozen=True)
class EarlyStop:
    """The early-stop policy, off unless given: end the episode (truncated) after
    ``max_invalid`` invalid actions in a row, ``max_repeats`` identical actions in a row, or
    ``no_progress`` steps without ``info["progress"]`` rising. :meth:`reason` words the
    rule that fired; an env's preset may subclass it to word its rules as VAB does
    (WebArena: ``run.py:early_stop``)."""

    max_invalid: int | None = 3
    max_repeats: int | None = 3
    no_progress: int | None = None

    def reason(self, streaks: Streaks) -> str | None:
        """Why the episode stops after a step with these ``streaks``, or ``None``."""
        if self.max_invalid and streaks.invalid >= self.max_invalid:
            return f"{streaks.invalid} invalid actions in a row"
        if self.max_repeats and streaks.repeats >= self.max_repeats:
            return f"the same action {streaks.repeats} times in a row"
        if self.no_progress and streaks.stalled >= self.no_progress:
            return f"no progress in {streaks.stalled} steps"
        return None


@dataclass(frozen=True)
class ModelView:
    """What VAB shows the model this turn: its text and its images as PNG bytes, at VAB's
    resolution (the observation's ``image`` is a fixed-size array for RL instead)."""

    text: str
    images: tuple[bytes, ...] = ()


@dataclass
class Outcome:
    """What executing one valid action did: feedback text, and whether it ends the episode."""

    feedback: str
    finished: bool = False
    answer: str | None = None


def handler_name(action: str) -> str:
    """The method that carries out the action named ``action``: ``_do_<action>``."""
    return HANDLER_PREFIX + action


def dispatch(owner: object, call: ActionCall) -> Any:
    """Carry ``call`` out on ``owner``: its ``_do_<name>`` with the call's arguments as
    keywords. The suite's one router, used by :meth:`VabEnv._execute` and by an env whose
    handlers live on another object of its world (WebArena's browser session)."""
    return getattr(owner, handler_name(call.name))(**call.args)


def _signature_problem(owner: type, spec: ActionSpec) -> str | None:
    """Why ``owner``'s handler of ``spec`` cannot take the call's arguments (each declared
    parameter, by keyword: the parser fills in defaults), or ``None``."""
    handler = getattr(owner, handler_name(spec.name))
    if not callable(handler):
        return f"{owner.__name__}.{handler_name(spec.name)} is not a method"
    try:
        params = list(inspect.signature(handler).parameters.values())[1:]  # without self
    except (TypeError, ValueError):  # a callable Python cannot inspect: trusted
        return None
    by_name = (inspect.Parameter.POSITIONAL_OR_KEYWORD, inspect.Parameter.KEYWORD_ONLY)
    named = {p.name for p in params if p.kind in by_name}
    declared = {p.name for p in spec.params}
    takes_any = any(p.kind is inspect.Parameter.VAR_KEYWORD for p in params)
    unknown = sorted(declared - named) if not takes_any else []
    undeclared = sorted(
        p.name
        for p in params
        if p.default is inspect.Parameter.empty
        and p.kind not in (inspect.Parameter.VAR_POSITIONAL, inspect.Parameter.VAR_KEYWORD)
        and p.name not in declared
    )
    details = ([f"it takes no {', '.join(unknown)}"] if unknown else []) + (
        [f"it needs {', '.join(undeclared)}, which the action does not declare"]
        if undeclared
        else []
    )
    if not details:
        return None
    return (
        f"{owner.__name__}.{handler_name(spec.name)} does not match {spec.signature()}: "
        + "; ".join(details)
    )


def check_handlers(cls: type[VabEnv]) -> None:
    """Raise :class:`TypeError` unless every action ``cls`` declares has a handler that
    takes its parameters, and every ``_do_<name>`` handler has a declared action (a typo in
    either would otherwise surface only when an agent first calls the action)."""
    actions: ActionSet | None = getattr(cls, "action_set", None)
    if actions is None:  # an abstract intermediate class: checked in its subclasses
        return
    owners: tuple[type, ...] = (
        cls,
        *(() if cls.action_handlers is None else (cls.action_handlers,)),
    )
    problems = []
    for spec in actions:
        owner = next((o for o in owners if hasattr(o, handler_name(spec.name))), None)
        if owner is None:
            if cls.routes_actions:
                where = " or ".join(o.__name__ for o in owners)
                params = ", ".join(["self", *(p.name for p in spec.params)])
                problems.append(
                    f"action {spec.name!r} has no handler: define "
                    f"{handler_name(spec.name)}({params}) on {where}"
                )
            continue
        problem = _signature_problem(owner, spec)
        if problem:
            problems.append(problem)
    for owner in owners:
        for name in dir(owner):
            action = name.removeprefix(HANDLER_PREFIX)
            if name.startswith(HANDLER_PREFIX) and action not in actions:
                problems.append(
                    f"{owner.__name__}.{name} handles no declared action "
                    f"{action!r} (declare it in the action set, or rename it)"
                )
    if problems:
        env = getattr(cls, "env_id", cls.__name__)
        raise TypeError(f"{cls.__name__} ({env}): " + "; ".join(problems))


class VabEnv(gym.Env[dict[str, Any], str]):
    """Base class of the VAB environments.

    Observation: ``Dict(image, text, instruction, *extra_images)``. Action: one call as
    text, parsed by ``action_set``. Reward (``reward_mode="sparse"``, VAB's): 1.0 on the last
    step if the judge says success, else 0.0. With ``reward_mode="progress"`` (not VAB's,
    recorded in ``fidelity()``) each step pays the change of ``info["progress"]`` and a
    judged success pays the rest up to 1.0, so an episode returns 1.0 on success and its
    final progress otherwise, less the progress the task starts with. ``terminated`` when
    the agent finishes (or, for envs with ``checks_goal_every_step``, the goal holds);
    ``truncated`` at ``max_steps`` or an early stop. The judge runs in both cases.

    An env is this class plus its world. What it declares (class attributes): ``env_id``,
    ``action_set``, ``backends`` (the first is the default), ``default_image_size``,
    ``default_max_steps``, ``solver``; optionally ``extra_images``,
    ``checks_goal_every_step``, ``task_package`` (the package whose ``data/<split>.jsonl``
    are the shipped tasks, read by :meth:`default_tasks`), ``action_handlers`` and
    ``routes_actions`` (below).

    Hooks the env implements:

    - ``_do_<name>(**args)``, one per declared action, checked when the class is defined
      (:func:`check_handlers`: a missing, misspelt or stray handler is a ``TypeError``).
      :meth:`_execute` routes each parsed call to it with the declared parameters as
      keywords. It returns the feedback text, which :meth:`_outcome_from` makes the
      :class:`Outcome`, or an :class:`Outcome` of its own (to finish the episode or give an
      answer); it raises :class:`ActionError` for a call the world refuses. Handlers that
      live on another object of the world name its class in ``action_handlers`` and run
      there through :meth:`_delegate` (WebArena: the browser session, on Chromium's
      thread).
    - ``_start(task)``: set the world up; the first text observation.
    - ``_observe()``: the images of the current state.
    - ``_judge(answer)``: the verdict, once, when the episode ends.
    - ``_close_backend()``: release processes and files (once, by ``close()``).

    Hooks the env may override (the base's behaviour in brackets):

    - ``_outcome_from(feedback)``: what a handler's text becomes [``Outcome(feedback)``];
      envs wrap it in VAB's turn text.
    - ``_execute(call)``: to add what every action shares before or after routing, calling
      ``super()._execute(call)``; an env whose step is not one declared call sets
      ``routes_actions = False`` and carries the step out itself (VAB-CSS: one reply of
      several calls, read VAB's way, as argument strings).
    - ``_delegate(call)``: run a call whose handler is on ``action_handlers`` [none].
    - ``_error_feedback(action, error)``: the text after an invalid action
      [``"Invalid action: ..."``].
    - ``_progress()``: VAB's partial score, 0..1 [0.0]; ``_goal_reached()`` for envs with
      ``checks_goal_every_step`` [False].
    - ``_track_streaks(action, error, progress)``: called once per step with the canonical
      call (or the raw text of an action that did not parse) and the error; the base counts
      the invalid, repeated and stalled streaks that ``early_stop`` reads. Override to keep
      the histories of VAB's own stop rules, or to change what counts (WebArena: a parsed
      action the browser refused is VAB's action, not a parse failure); call ``super()``.
    - ``_early_stop_reason()``: why the episode stops early now, or ``None``; the base
      asks the ``early_stop`` policy (an env's preset words its rules as VAB does:
      WebArena's). Override to add VAB's per-env rules that read the env's own histories
      and options (OmniGibson's and Minecraft's ``vab_early_stop``), calling ``super()``.
    - ``_shipped_tasks(split)``: the tasks when no ``tasks=`` is given
      [:meth:`default_tasks`]; WebArena runs VAB's own 165 on WebArena's sites.
    - ``default_tasks(split)`` (classmethod) [from ``task_package``], ``difficulty(task)``
      (classmethod) [tier 0], ``valid_actions()`` (grounding) [none], ``model_view()``
      [the observation's text and image], ``fidelity()`` (extend with ``super()``).
    """

    metadata = {"render_modes": ["rgb_array"], "render_fps": 1}  # noqa: RUF012 (Gymnasium's)

    env_id: ClassVar[str]
    action_set: ClassVar[ActionSet]
    backends: ClassVar[tuple[str, ...]]
    default_image_size: ClassVar[tuple[int, int]]  # (height, width)
    default_max_steps: ClassVar[int]
    extra_images: ClassVar[tuple[str, ...]] = ()
    checks_goal_every_step: ClassVar[bool] = False
    solver: ClassVar[str]  # "module:function" giving a task's program-solver plan
    task_package: ClassVar[str | None] = None  # holds data/<split>.jsonl: the shipped tasks
    # The typed record of a task's setup (core.tasks.setup_record): every task is checked
    # against it when the env is made, and the episode's record is ``self.setup``.
    setup_type: ClassVar[type | None] = None
    # "module:function" making train tasks beyond the shipped ones, (count, shipped tasks,
    # folder for files they need) -> list[Task]: what `vab-gym collect` asks for more with.
    fresh_tasks: ClassVar[str | None] = None
    # The class of the world object holding the handlers the env does not define itself;
    # _delegate runs them there.
    action_handlers: ClassVar[type | None] = None
    # False: _execute carries each step out itself, so declared actions need no handlers.
    routes_actions: ClassVar[bool] = True

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        check_handlers(cls)

    def __init__(
        self,
        *,
        backend: str | None = None,
        split: str = "test",
        task_id: str | None = None,
        tasks: str | TaskSet | None = None,
        image_size: tuple[int, int] | None = None,
        max_steps: int | None = None,
        early_stop: EarlyStop | None = None,
        vab_quirks: bool = False,
        hints: bool = False,
        reward_mode: str = "sparse",
        render_mode: str | None = None,
    ) -> None:
        # Arguments are checked before the (slower) task set loads.
        self.backend_name = arguments.choice(
            f"{self.env_id}: backend", backend or self.backends[0], self.backends
        )
        self.reward_mode = arguments.choice("reward_mode", reward_mode, REWARD_MODES)
        self.render_mode = arguments.choice("render_mode", render_mode, (None, "rgb_array"))
        if not isinstance(split, str) or not split:
            raise ValueError(f"split={split!r}: give a split name, e.g. 'test' or 'train'")
        if task_id is not None and not isinstance(task_id, str):
            raise ValueError(f"task_id={task_id!r}: give a task id (a string) or None")
        if early_stop is not None and not isinstance(early_stop, EarlyStop):
            raise ValueError(f"early_stop={early_stop!r}: give an EarlyStop or None")
        self.image_size = arguments.image_size(
            self.default_image_size if image_size is None else image_size
        )
        self.max_steps = (
            self.default_max_steps
            if max_steps is None
            else arguments.integer("max_steps", max_steps, 1)
        )
        self.split = split
        self.task_id = task_id
        resolved = self._resolve_tasks(tasks, split)
        self.tasks = self.with_difficulty(resolved)
        if task_id is not None and task_id not in self.tasks:
            raise self._unknown_task(task_id)
        self.early_stop = early_stop
        # The two departures from VAB's code (DESIGN.md, Principles): fixes of VAB's own bugs
        # are on unless ``vab_quirks``; help VAB does not give is off unless ``hints``.
        self.vab_quirks = bool(vab_quirks)
        self.hints = bool(hints)
        self.observation_space = spaces.Dict(
            {
                "image": image_space(*self.image_size),
                **{key: image_space(*self.image_size) for key in self.extra_images},
                "text": UnicodeText(TEXT_MAX_CHARS),
                "instruction": UnicodeText(TEXT_MAX_CHARS),
            }
        )
        self.action_space = UnicodeText(TEXT_MAX_CHARS)
        self.task: Task | None = None
        self.setup: Any = None  # the task's setup as ``setup_type`` (set by reset)
        self._steps = 0
        self._done = True
        self._last_obs: dict[str, Any] | None = None
        self._invalid_streak = 0
        self._repeat_streak = 0
        self._stalled = 0
        self._best_progress = 0.0
        self._paid_progress = 0.0  # the progress already paid out (reward_mode="progress")
        self._last_action: str | None = None

    # -- to be supplied by each env -------------------------------------------------------
    @abstractmethod
    def _start(self, task: Task) -> str:
        """Set the world up for ``task``; return the first text observation."""

    def _execute(self, call: ActionCall) -> Outcome:
        """Carry out a valid call: its handler ``_do_<name>(**args)`` on the env, else
        through :meth:`_delegate`; a handler's text becomes the outcome by
        :meth:`_outcome_from`. A refused call raises :class:`ActionError`."""
        if hasattr(type(self), handler_name(call.name)):
            result = dispatch(self, call)
        else:
            result = self._delegate(call)
        return result if isinstance(result, Outcome) else self._outcome_from(result)

    def _outcome_from(self, feedback: str) -> Outcome:
        """The outcome of an action whose handler returned ``feedback`` (envs wrap it in
        the text VAB shows after an action)."""
        return Outcome(feedback)

    def _delegate(self, call: ActionCall) -> str | Outcome:
        """Run ``call`` on the world object whose class is ``action_handlers`` (with
        :func:`dispatch`); only envs that name one need it."""
        raise NotImplementedError(
            f"{self.env_id}: no handler {handler_name(call.name)} "
            "on the env, and no action_handlers to delegate to"
        )

    @abstractmethod
    def _observe(self) -> dict[str, np.ndarray]:
        """The images of the current state: ``image`` plus ``extra_images``."""

    @abstractmethod
    def _judge(self, answer: str | None) -> Verdict:
        """Decide success from the final state (and the agent's answer)."""

    def _error_feedback(self, action: Any, error: str) -> str:
        """The text observation after an invalid action (envs may use VAB's wording)."""
        return f"Invalid action: {error}"

    def _progress(self) -> float:
        """The partial score, 0..1 (VAB's per-env measure); 0 unless the env has one."""
        return 0.0

    def _goal_reached(self) -> bool:
        """For envs that check the goal every step: does it hold now?"""
        return False

    def valid_actions(self) -> list[str]:
        """Grounding: the concrete calls that make sense in the current state."""
        raise NotImplementedError(f"{self.env_id} does not ground its actions")

    def _close_backend(self) -> None:
        """Release processes and files; called once by :meth:`close`."""

    def fidelity(self) -> dict[str, Any]:
        """Which departures from VAB's code are on; envs add their own options. Recorded in
        every ``info``, verdict and result, so numbers made under other settings are never
        mistaken for VAB-comparable ones."""
        return {"vab_quirks": self.vab_quirks, "hints": self.hints, "reward_mode": self.reward_mode}

    def model_view(self) -> ModelView:
        """What VAB's harness would show the model now (envs give VAB's own text and
        full-resolution images); by default the observation's text and image."""
        if self._last_obs is None:
            raise gym.error.ResetNeeded("call reset() before model_view()")
        return ModelView(self._last_obs["text"], (png_bytes(self._last_obs["image"]),))

    # -- the contract ---------------------------------------------------------------------
    def reset(
        self, *, seed: int | None = None, options: dict[str, Any] | None = None
    ) -> tuple[dict[str, Any], dict[str, Any]]:
        super().reset(seed=seed)
        options = options or {}
        self.task = self._choose_task(options)
        self._steps = 0
        self._done = False
        self._invalid_streak = self._repeat_streak = self._stalled = 0
        self._last_action = None
        if self.setup_type is not None:
            self.setup = setup_of(self.task, self.setup_type)
        text = self._start(self.task)
        self._best_progress = self._paid_progress = self._progress()
        obs = self._observation(text)
        return obs, self._info(action_error=None, progress=self._best_progress)

    def step(self, action: str) -> tuple[dict[str, Any], float, bool, bool, dict[str, Any]]:
        if self.task is None or self._done:
            raise gym.error.ResetNeeded("call reset() before step() (the episode has ended)")
        self._steps += 1
        error: str | None = None
        outcome = Outcome(feedback="")
        try:
            call = self.action_set.parse(action)
            outcome = self._execute(call)
        except ActionError as exc:
            error = str(exc)
            outcome = Outcome(feedback=self._error_feedback(action, error))
        progress = self._progress()
        self._track_streaks(action if error else str(call), error, progress)

        stop_reason = self._early_stop_reason()
        terminated = outcome.finished or (
            self.checks_goal_every_step and error is None and self._goal_reached()
        )
        truncated = not terminated and (self._steps >= self.max_steps or stop_reason is not None)
        obs = self._observation(outcome.feedback)
        info = self._info(action_error=error, progress=progress)
        reward = 0.0
        if terminated or truncated:
            self._done = True
            verdict = self._judge(outcome.answer)
            reward = 1.0 if verdict.success else 0.0
            progress = self._progress()  # the judge may have measured more
            info.update(
                success=verdict.success,
                judge={**verdict.to_dict(), "fidelity": self.fidelity()},
                progress=progress,
            )
            if stop_reason:
                info["early_stop"] = stop_reason
            if self.reward_mode == "progress":
                reward = self._pay_progress(1.0 if verdict.success else progress)
        elif self.reward_mode == "progress":
            reward = self._pay_progress(progress)
        return obs, reward, terminated, truncated, info

    def _pay_progress(self, level: float) -> float:
        """``reward_mode="progress"``: the change since the last payment, so that rewards
        telescope to the final level (falls cost what rises paid)."""
        reward, self._paid_progress = level - self._paid_progress, level
        return reward

    def render(self) -> np.ndarray | None:
        if self.render_mode == "rgb_array" and self._last_obs is not None:
            return self._last_obs["image"]
        return None

    def close(self) -> None:
        if getattr(self, "_closed", False):
            return
        self._closed = True
        self._close_backend()

    def action_prompt(self) -> str:
        """The action documentation to put in an LMM prompt."""
        return self.action_set.prompt()

    # -- helpers --------------------------------------------------------------------------
    def _resolve_tasks(self, tasks: str | TaskSet | None, split: str) -> TaskSet:
        """The env's tasks, every setup checked against ``setup_type`` before anything reads
        one (``difficulty`` does): a file's while it is read, so a bad line is named."""
        if tasks is not None and not isinstance(tasks, TaskSet):
            return TaskSet(read_jsonl(tasks, self.setup_type))
        resolved = tasks if tasks is not None else self._shipped_tasks(split)
        self._check_setups(resolved)
        return resolved

    def _check_setups(self, tasks: TaskSet) -> None:
        """Every task's setup against ``setup_type``: a bad one is a :class:`TaskError`
        naming the env, the task and the field, before any episode runs."""
        if self.setup_type is None:
            return
        for task in tasks:
            try:
                setup_of(task, self.setup_type)
            except TaskError as exc:
                raise TaskError(f"{self.env_id}: {exc}") from None

    def _shipped_tasks(self, split: str) -> TaskSet:
        """The tasks of ``split`` when no ``tasks=`` is given: :meth:`default_tasks`, unless
        the env's backend ships others."""
        return self.default_tasks(split)

    @classmethod
    def default_tasks(cls, split: str) -> TaskSet:
        """The tasks the env ships for ``split``: ``<task_package>/data/<split>.jsonl``
        (none for a split without a file)."""
        if cls.task_package is None:
            raise NotImplementedError(
                f"{cls.__name__} ships no tasks: set task_package or override default_tasks"
            )
        return package_tasks(cls.task_package, split)

    @classmethod
    def difficulty(cls, task: Task) -> dict[str, Any]:
        """How hard ``task`` is, for curricula: ``{"tier": int >= 0, "kind": str, ...facts}``,
        tier 0 the easiest. Each env overrides it with its own measure (docs/rl.md has the
        table); the base knows nothing of the world, so every task is tier 0."""
        return {"tier": 0, "kind": "task"}

    @classmethod
    def with_difficulty(cls, tasks: TaskSet) -> TaskSet:
        """``tasks`` with ``metadata["difficulty"]`` filled by :meth:`difficulty` where
        absent (new ``Task`` objects: the caller's are left as they were); a difficulty the
        task already has is kept, once checked."""
        rated = []
        for task in tasks:
            given = task.metadata.get("difficulty")
            if given is None:
                task = replace(task, metadata={**task.metadata, "difficulty": cls.difficulty(task)})
            else:
                check_difficulty(task.id, given)
            rated.append(task)
        return TaskSet(rated)

    def _unknown_task(self, task_id: Any) -> TaskError:
        near = difflib.get_close_matches(str(task_id), self.tasks.ids, n=3)
        hint = (
            f"; did you mean {', '.join(near)}?"
            if near
            else (
                f"; its {len(self.tasks)} tasks run from {self.tasks.ids[0]} to "
                f"{self.tasks.ids[-1]}"
                if len(self.tasks)
                else ""
            )
        )
        return TaskError(f"{self.env_id}: no task {task_id!r} in split {self.split!r}{hint}")

    def _choose_task(self, options: dict[str, Any]) -> Task:
        task_id = options.get("task_id", self.task_id)
        if task_id is not None:
            if task_id not in self.tasks:
                raise self._unknown_task(task_id)
            return self.tasks[task_id]
        if len(self.tasks) == 0:
            raise TaskError(f"{self.env_id}: split {self.split!r} has no tasks")
        ids = self.tasks.ids
        return self.tasks[ids[int(self.np_random.integers(len(ids)))]]

    def _observation(self, text: str) -> dict[str, Any]:
        assert self.task is not None
        obs: dict[str, Any] = dict(self._observe())
        obs["text"] = text[:TEXT_MAX_CHARS]
        obs["instruction"] = self.task.instruction[:TEXT_MAX_CHARS]
        self._last_obs = obs
        return obs

    def _info(self, *, action_error: str | None, progress: float) -> dict[str, Any]:
        assert self.task is not None
        return {
            "task_id": self.task.id,
            "backend": self.backend_name,
            "step": self._steps,
            "progress": progress,
            "action_error": action_error,
            "fidelity": self.fidelity(),
        }

    def _track_streaks(self, action: Any, error: str | None, progress: float) -> None:
        """Count the streaks ``early_stop`` reads, once per step (a hook: see the class
        docstring)."""
        self._invalid_streak = self._invalid_streak + 1 if error else 0
        if progress > self._best_progress:
            self._best_progress, self._stalled = progress, 0
        else:
            self._stalled += 1
        # ``action`` is the canonical call when it parsed, so rephrasings of one call repeat.
        key = action if isinstance(action, str) else repr(action)
        self._repeat_streak = self._repeat_streak + 1 if key == self._last_action else 1
        self._last_action = key

    def _early_stop_reason(self) -> str | None:
        """Why ``early_stop``'s policy ends the episode now, or ``None`` (a hook: see the
        class docstring)."""
        if self.early_stop is None:
            return None
        return self.early_stop.reason(
            Streaks(self._invalid_streak, self._repeat_streak, self._stalled)
        )


def vab_env(env: gym.Env) -> VabEnv:
    """The env under ``env``'s wrappers, typed as the suite's, for code that needs more than
    Gymnasium's API (tasks, grounding, the model's view). Not checked: an env of one's own
    with the same attributes works as well."""
    return cast(VabEnv, env.unwrapped)
