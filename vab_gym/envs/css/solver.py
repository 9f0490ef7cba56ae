"""VAB-CSS's program solver: undo the task's corruption through the public actions, each step
with a rationale in the agent's voice (VAB's ``Thought:`` line)."""

from __future__ import annotations

from typing import Any

from vab_gym.core.tasks import Task
from vab_gym.envs.css.corruptions import human_name, load_prototypes, repair_actions


def plan(task: Task) -> list[tuple[str, str]]:
    """Look the broken rule up, repair it, finish. An untouched page needs only ``done()``."""
    corruption = task.setup.get("corruption")
    if not corruption:
        return [("done()", "The page already matches the target screenshot; nothing to fix.")]
    return list(zip(repair_actions(corruption), repair_thoughts(corruption), strict=True))


def aspect(prop: str) -> str:
    """Words for what a property decides (``display`` -> "layout")."""
    return load_prototypes()[1]["aspects"].get(prop, prop.replace("-", " "))


def repair_thoughts(record: dict[str, Any]) -> list[str]:
    """One rationale per action of :func:`repair_actions`, from the corruption's own values."""
    selector, element = record["selector"], human_name(record["selector"])
    done = "The page now matches the target screenshot, so the css style is fixed."
    if record["operation"] == "delete_rule":
        shown = "; ".join(f"{k}: {v}" for k, v in record["declarations"].items())
        return [
            f"{element[:1].upper()}{element[1:]} lost their styling compared with the "
            f"target, and the stylesheet has no rule '{selector}'. I insert it with {shown}.",
            done,
        ]
    prop, old = record["property"], record["old_value"]
    look = (
        f"The {aspect(prop)} of {element} differs from the target screenshot. I look at "
        f"the rule '{selector}' to see its properties."
    )
    if record["operation"] == "delete_property":
        edit = (
            f"The rule '{selector}' has no {prop} declaration, but the target needs one; "
            f"I set {prop} to {old}."
        )
    else:
        edit = (
            f"The rule '{selector}' sets {prop} to {record['new_value']}, which does not "
            f"match the target; I set it to {old}."
        )
    return [look, edit, done]
