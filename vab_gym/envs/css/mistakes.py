"""VAB-CSS's mistake model: the wrong selector or the wrong value, then ``revert_last_edit()``.

VAB's own recovery data has this shape (``src/server/tasks/css_agent/
process_trajectories.py``: a failed run's first edits, "I need to revert the previous
action." with ``revert_last_edit()``, then a successful run). Here the mistake is drawn from
the page's real stylesheet: the broken property set on a sibling rule (one whose selector
shares a name with the broken one, else any other rule), or the broken rule given a wrong
value of its property (a value the task prototypes know for it, or its lengths rescaled).
The revert restores the stylesheet exactly, so the solver goes on with its plan.
"""

from __future__ import annotations

import re
from typing import Any

import gymnasium as gym
import numpy as np

from vab_gym.core.mistakes import Mistake
from vab_gym.envs.css.actions import canonical
from vab_gym.envs.css.corruptions import categorical_values, human_name, scale_lengths
from vab_gym.envs.css.solver import aspect
from vab_gym.envs.css.stylesheet import Rule, Stylesheet

REVERT = "revert_last_edit()"
SCALES = (0.25, 0.5, 2.0, 4.0)


def propose(
    env: gym.Env, obs: dict[str, Any], info: dict[str, Any], rng: np.random.Generator
) -> Mistake | None:
    """A wrong edit of the page's stylesheet while the broken rule is still broken."""
    css = env.unwrapped
    record = css.task.setup.get("corruption") if css.task else None
    sheet: Stylesheet = css.stylesheet
    if not record or _repaired(sheet, record):
        return None
    makers = [_wrong_selector]
    if record["operation"] != "delete_rule":
        makers.append(_wrong_value)
    for index in rng.permutation(len(makers)):
        mistake = makers[index](sheet, record, rng)
        if mistake is not None:
            return mistake
    return None


def _repaired(sheet: Stylesheet, record: dict[str, Any]) -> bool:
    rule = sheet.find(record["selector"])
    if record["operation"] == "delete_rule":
        return rule is not None
    return rule is not None and rule.declarations.get(record["property"]) == record["old_value"]


def _wrong_selector(
    sheet: Stylesheet, record: dict[str, Any], rng: np.random.Generator
) -> Mistake | None:
    """The repair (the right property and value) on another rule, a sibling if there is one."""
    selector = record["selector"]
    if record["operation"] == "delete_rule":
        prop, value = list(record["declarations"].items())[
            int(rng.integers(len(record["declarations"])))
        ]
    else:
        prop, value = record["property"], record["old_value"]
    others = [
        r for r in sheet.rules if r.selector != selector and r.declarations.get(prop) != value
    ]
    if not others:
        return None
    siblings = [r for r in others if _stems(r.selector) & _stems(selector)]
    pool = siblings or others
    other: Rule = pool[int(rng.integers(len(pool)))]
    meant, hit = human_name(selector), human_name(other.selector)
    return Mistake(
        action=canonical("edit_rule", other.selector, prop, value),
        thought=(
            f"The {aspect(prop)} of {meant} is off compared with the target. The rule "
            f"'{other.selector}' looks like the one that styles it, so I set {prop} to "
            f"{value} there."
        ),
        kind="wrong_selector",
        recovery=(
            (
                REVERT,
                f"Setting {prop} to {value} on '{other.selector}' changed {hit}, "
                f"not {meant}, and the page is no closer to the target. I need "
                "to revert that edit.",
            ),
        ),
        details={
            "selector": other.selector,
            "property": prop,
            "value": value,
            "meant_selector": selector,
        },
    )


def _wrong_value(
    sheet: Stylesheet, record: dict[str, Any], rng: np.random.Generator
) -> Mistake | None:
    """The broken rule's property set to a value that is neither the right nor the current one."""
    selector, prop, right = record["selector"], record["property"], record["old_value"]
    rule = sheet.find(selector)
    if rule is None:
        return None
    current = rule.declarations.get(prop)
    options = list(categorical_values().get(prop, []))
    options += [scale_lengths(right, f) for f in SCALES]
    options = list(dict.fromkeys(v for v in options if v not in (right, current)))
    if not options:
        return None
    value = options[int(rng.integers(len(options)))]
    element = human_name(selector)
    return Mistake(
        action=canonical("edit_rule", selector, prop, value),
        thought=(
            f"The {aspect(prop)} of {element} does not match the target. I set {prop} "
            f"of '{selector}' to {value}."
        ),
        kind="wrong_value",
        recovery=(
            (
                REVERT,
                f"{prop}: {value} on '{selector}' did not make {element} look "
                "like the target; that value is wrong. I need to revert the "
                "edit.",
            ),
        ),
        details={"selector": selector, "property": prop, "value": value, "right_value": right},
    )


def _stems(selector: str) -> set[str]:
    """The names a selector is made of, cut at their first dash (``.gallery-item img`` ->
    gallery, img)."""
    return {word.split("-")[0].lower() for word in re.findall(r"[A-Za-z][\w-]*", selector)}
