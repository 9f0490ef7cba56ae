"""What each kind of object is: its size, build, mass and abilities.

Abilities (cookable, openable, sceneObject = fixed furniture, ...) come from the BEHAVIOR
object taxonomy in ``bddl``; sizes and builds from ``data/objects.yaml``.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Any

import yaml
from bddl.object_taxonomy import ObjectTaxonomy

FURNITURE_SIZE = (0.8, 0.6, 0.9)
SMALL_SIZE = (0.12, 0.12, 0.1)
KINDS = ("solid", "legs", "hollow", "container", "door", "flat")


@dataclass(frozen=True)
class Category:
    """One kind of object, e.g. ``electric_refrigerator`` (``electric_refrigerator.n.01``)."""

    name: str
    synset: str
    size: tuple[float, float, float]
    kind: str
    mass: float
    abilities: frozenset[str]

    @property
    def fixed(self) -> bool:
        """Scene furniture: never moved by the robot (VAB's ``scene.fixed_objects``)."""
        return "sceneObject" in self.abilities

    @property
    def label(self) -> str:
        """VAB's name in ids: the last word (``electric_refrigerator`` -> ``refrigerator``)."""
        return self.name.split("_")[-1]

    def can(self, ability: str) -> bool:
        return ability in self.abilities


@cache
def taxonomy() -> ObjectTaxonomy:
    return ObjectTaxonomy()


@cache
def _data() -> dict[str, Any]:
    return yaml.safe_load((resources.files(__package__) / "data" / "objects.yaml").read_text())


def skipped_scene_categories() -> frozenset[str]:
    """Scene dressing that the house never places (walls, pictures, doors...)."""
    return frozenset(_data()["skip"])


@cache
def category(synset: str) -> Category:
    """The category of a BDDL synset such as ``apple.n.01``."""
    tax = taxonomy()
    if not tax.is_valid_synset(synset):
        raise KeyError(f"unknown synset {synset!r}")
    abilities = frozenset(tax.get_abilities(synset))
    name = synset.split(".")[0]
    spec = _lookup(name)
    fixed = "sceneObject" in abilities
    size = tuple(spec.get("size", FURNITURE_SIZE if fixed else SMALL_SIZE))
    kind = spec.get("kind", "solid")
    if "openable" in abilities and kind in ("solid", "hollow"):
        kind = "container"
    if kind not in KINDS:
        raise ValueError(f"objects.yaml: {name}: unknown kind {kind!r}")
    volume = size[0] * size[1] * size[2]
    mass = float(spec.get("mass", max(0.2, 100.0 * volume)))
    return Category(name, synset, size, kind, mass, abilities)  # type: ignore[arg-type]


@cache
def category_of_scene_object(name: str) -> Category | None:
    """The category of an OmniGibson scene object name (``countertop``), if it has a synset.

    Cached: bddl's lookup scans every synset of the taxonomy, and a house build asks it for
    each piece of the scene's furniture (most of a reset's time before the cache)."""
    synset = taxonomy().get_synset_from_category(name)
    return category(synset) if synset else None


def _lookup(name: str) -> dict[str, Any]:
    """The yaml entry for a category: by its name, else by its last word(s)."""
    table = _data()["categories"]
    if name in table:
        return table[name]
    words = name.split("__of__")[0].split("_")  # "bottle__of__beer" is a bottle
    for start in range(len(words)):
        key = "_".join(words[start:])
        if key in table:
            return table[key]
    return {}
