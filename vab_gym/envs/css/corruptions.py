"""VAB-CSS task prototypes (``corruptions.yaml``): break one rule of a real stylesheet.

A corruption is a small record (operation, selector, property, old and new value); it is
applied to a parsed :class:`Stylesheet` at reset, and it tells the program solver how to
repair the page through the public actions.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Any

import numpy as np
import yaml

from vab_gym.core.templates import Prototype
from vab_gym.envs.css.actions import canonical
from vab_gym.envs.css.stylesheet import Rule, Stylesheet

INSTRUCTION = "Fix the css rules used in the html file to match the target screenshot."  # VAB
JUDGE_SPEC = {"type": "ssim_distance", "threshold": 0.1}
_LENGTH = re.compile(r"(-?\d*\.?\d+)(px|em|rem|%|vh|vw)")
_TAG_NAMES = {
    "body": "the page body",
    "a": "the links",
    "p": "the paragraphs",
    "img": "the images",
    "ul": "the lists",
    "li": "the list items",
    "table": "the table",
    "th": "the table headers",
    "td": "the table cells",
    "button": "the buttons",
    "nav": "the navigation",
    "header": "the page header",
    "footer": "the page footer",
    "main": "the main content",
}


@dataclass(frozen=True)
class CorruptionPrototype:
    """A prototype plus the data its grounding needs."""

    prototype: Prototype
    operation: str
    weight: float
    properties: tuple[str, ...]
    values: Any
    factors: tuple[float, ...]


@cache
def load_prototypes() -> tuple[tuple[CorruptionPrototype, ...], dict[str, Any]]:
    """The prototypes of ``corruptions.yaml`` and its shared data (colours, aspects)."""
    text = resources.files(__package__).joinpath("corruptions.yaml").read_text("utf-8")
    data = yaml.safe_load(text)
    prototypes = tuple(
        CorruptionPrototype(
            prototype=Prototype(
                id=p["id"],
                instruction=f"{INSTRUCTION} {p['description']}",
                slots={
                    "element": "selector-name",
                    "Element": "selector-name",
                    "aspect": "property-name",
                },
                judge=JUDGE_SPEC,
            ),
            operation=p["operation"],
            weight=float(p.get("weight", 1)),
            properties=tuple(p.get("properties", ())),
            values=p.get("values"),
            factors=tuple(p.get("factors", ())),
        )
        for p in data["prototypes"]
    )
    return prototypes, {"colors": data["colors"], "aspects": data["aspects"]}


def categorical_values() -> dict[str, list[str]]:
    """The literal values the prototypes know per property (``display``: block, flex...)."""
    known: dict[str, list[str]] = {}
    for proto in load_prototypes()[0]:
        values = proto.values
        if isinstance(values, list):
            values = dict.fromkeys(proto.properties, values)
        if isinstance(values, dict):
            for prop, options in values.items():
                known.setdefault(prop, []).extend(v for v in options if v not in known[prop])
    return known


def human_name(selector: str) -> str:
    """Words for the elements a selector styles: ``.nav-links a`` -> "the links in the nav
    links"."""
    parts = [p for p in re.split(r"\s*[>+~\s]\s*", selector) if p]
    names = [_compound_name(p) for p in parts[-2:]]
    return names[-1] if len(names) == 1 else f"{names[1]} in {names[0]}"


def _compound_name(compound: str) -> str:
    compound = re.sub(r"::?[\w-]+(\(.*?\))?", "", compound)
    words = re.findall(r"[.#]([\w-]+)", compound)
    if words:
        return "the " + " ".join(w.replace("-", " ").replace("_", " ") for w in words)
    tag = re.match(r"[a-zA-Z][\w-]*", compound)
    if tag:
        return _TAG_NAMES.get(tag.group(0).lower(), f"the <{tag.group(0).lower()}> elements")
    return f"the elements matching {compound!r}"


def candidates(
    sheet: Stylesheet, rng: np.random.Generator
) -> list[tuple[CorruptionPrototype, dict[str, Any]]]:
    """Every (prototype, corruption record) this stylesheet affords, with values drawn."""
    return [(proto, record) for proto, record, _ in rule_candidates(sheet, rng)]


def rule_candidates(
    sheet: Stylesheet, rng: np.random.Generator
) -> list[tuple[CorruptionPrototype, dict[str, Any], Rule]]:
    """Every (prototype, corruption record, rule) this stylesheet's editable rules afford,
    with values drawn. A record of a rule inside ``@media`` names its query (``media``)."""
    prototypes, shared = load_prototypes()
    found = []
    for proto in prototypes:
        for rule in sheet.rules:
            where = {"media": rule.media} if rule.media else {}
            if proto.operation == "delete_rule":
                found.append(
                    (
                        proto,
                        {
                            "operation": "delete_rule",
                            "selector": rule.selector,
                            "declarations": dict(rule.declarations),
                            **where,
                        },
                        rule,
                    )
                )
                continue
            for prop in proto.properties:
                if prop not in rule.declarations:
                    continue
                old = rule.declarations[prop]
                record = {
                    "operation": proto.operation,
                    "selector": rule.selector,
                    "property": prop,
                    "old_value": old,
                }
                if proto.operation == "change_value":
                    new = _new_value(proto, prop, old, shared["colors"], rng)
                    if new is None:
                        continue
                    record["new_value"] = new
                found.append((proto, {**record, **where}, rule))
    return found


def _new_value(
    proto: CorruptionPrototype, prop: str, old: str, colors: list[str], rng: np.random.Generator
) -> str | None:
    if proto.values == "scale":
        factor = float(rng.choice(proto.factors))
        new = scale_lengths(old, factor)
    else:
        pool = colors if proto.values == "color" else proto.values
        if isinstance(pool, dict):
            pool = pool.get(prop, [])
        options = [v for v in pool if v.lower() != old.lower()]
        new = str(rng.choice(options)) if options else old
    return None if new == old else new


def scale_lengths(value: str, factor: float) -> str:
    """``value`` with every length in it times ``factor`` (``8px 4px``, 2 -> ``16px 8px``)."""
    return _LENGTH.sub(lambda m: f"{float(m.group(1)) * factor:g}{m.group(2)}", value)


def apply(sheet: Stylesheet, record: dict[str, Any]) -> Stylesheet:
    """A copy of ``sheet`` with the corruption applied."""
    broken = sheet.copy()
    rule = broken.find(record["selector"])
    if rule is None:
        raise ValueError(f"no rule {record['selector']!r} to corrupt")
    operation = record["operation"]
    if operation == "delete_rule":
        broken.remove(rule)
    elif operation == "delete_property":
        del rule.declarations[record["property"]]
    elif operation == "change_value":
        rule.declarations[record["property"]] = record["new_value"]
    else:
        raise ValueError(f"unknown corruption {operation!r}")
    return broken


def describe(proto: CorruptionPrototype, record: dict[str, Any]) -> dict[str, str]:
    """The slot filling of a corruption: the element's and the property's names."""
    _, shared = load_prototypes()
    prop = record.get("property", "")
    element = human_name(record["selector"])
    return {
        "element": element,
        "Element": element[:1].upper() + element[1:],
        "aspect": shared["aspects"].get(prop, prop.replace("-", " ") or "styling"),
    }


def repair_actions(record: dict[str, Any]) -> list[str]:
    """The public actions that undo a corruption, ending with ``done()``."""
    selector = record["selector"]
    if record["operation"] == "delete_rule":
        fix = [canonical("insert_rule", selector, record["declarations"])]
    else:
        fix = [
            canonical("select_rule", selector),
            canonical("edit_rule", selector, record["property"], record["old_value"]),
        ]
    return [*fix, "done()"]
