"""Agents that misbehave on purpose, for tests/test_bench.py: built by the bench's workers
from ``--agent tests.bench_agents:Misbehaving`` in their own processes."""

from __future__ import annotations

import os
import time
from pathlib import Path
from typing import Any

from vab_gym.agents.base import make_solver


class Misbehaving:
    """The env's program solver, except on the tasks named in ``plan``: ``raise_once`` raises
    in its first episode of that task, ``raise`` always raises, ``exit_once`` kills its
    worker process once, ``hang`` never answers. "Once" is kept in ``marker_dir`` so it
    holds across the fresh worker a retry runs on."""

    def __init__(self, env: Any, plan: dict[str, str], marker_dir: str) -> None:
        self.solver = make_solver(env)
        self.plan = plan
        self.markers = Path(marker_dir)
        self.task_id = ""
        self.last_step: dict[str, Any] | None = None

    def _first_time(self) -> bool:
        marker = self.markers / self.task_id
        if marker.exists():
            return False
        marker.write_text("seen")
        return True

    def reset(self, env: Any, obs: dict, info: dict) -> None:
        self.task_id = info["task_id"]
        self.solver.reset(env, obs, info)

    def act(self, obs: dict, info: dict) -> str:
        behaviour = self.plan.get(self.task_id)
        if behaviour == "raise" or (behaviour == "raise_once" and self._first_time()):
            raise RuntimeError(f"injected crash in {self.task_id}")
        if behaviour == "exit_once" and self._first_time():
            os._exit(3)
        if behaviour == "hang":
            time.sleep(3600)
        self.last_step = {
            "reply": f"Action: (scripted) {self.task_id}",
            "prompt_tokens": 10,
            "completion_tokens": 2,
            "cost": 0.001,
            "seconds": 0.0,
            "retries": 0,
            "error": None,
        }
        return self.solver.act(obs, info)

    def describe(self) -> dict[str, Any]:
        return {"name": "misbehaving solver", "plan": self.plan}
