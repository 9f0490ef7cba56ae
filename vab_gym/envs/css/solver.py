"""VAB-CSS's program solver: undo the task's corruption through the public actions."""

from __future__ import annotations

from vab_gym.core.tasks import Task
from vab_gym.envs.css.corruptions import repair_actions


def plan(task: Task) -> list[str]:
    """Look the broken rule up, repair it, finish. An untouched page needs only ``done()``."""
    corruption = task.setup.get("corruption")
    return repair_actions(corruption) if corruption else ["done()"]
