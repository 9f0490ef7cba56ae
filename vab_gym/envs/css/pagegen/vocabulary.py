"""The page generator's vocabularies: ``css/pagegen.yaml`` read into palettes, page kinds and
word lists.

They are data so that a palette, a page kind or a footer column can be added or reworded
without touching the builders; the order of every list is part of the data (a seeded draw
picks by position), so one file and one seed always give the same page.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Any

import yaml


@dataclass(frozen=True)
class Palette:
    """A coherent colour scheme."""

    name: str
    bg: str
    surface: str
    text: str
    muted: str
    primary: str
    accent: str
    on_primary: str
    border: str
    dark: bool

    @classmethod
    def of(cls, name: str, colors: str, dark: bool = False) -> Palette:
        """From 8 colours: bg, surface, text, muted, primary, accent, on_primary, border."""
        bg, surface, text, muted, primary, accent, on_primary, border = colors.split()
        return cls(name, bg, surface, text, muted, primary, accent, on_primary, border, dark)


@dataclass(frozen=True)
class Kind:
    """A page kind: nav labels, button labels, hero variants and section slots.

    Each slot is a tuple of alternatives; None means the slot may be left out.
    """

    nav: tuple[str, ...]
    actions: tuple[str, str]
    heroes: tuple[str, ...]
    slots: tuple[tuple[str | None, ...], ...]


@dataclass(frozen=True)
class Menu:
    """A restaurant menu's words: course titles, and dishes made of three parts."""

    courses: tuple[str, ...]
    adjectives: tuple[str, ...]
    mains: tuple[str, ...]
    sides: tuple[str, ...]


@dataclass(frozen=True)
class Vocabulary:
    """Everything ``pagegen.yaml`` holds, as the builders use it."""

    fonts: dict[str, str]  # family -> generic fallback
    body_fonts: tuple[str, ...]
    head_fonts: tuple[str, ...]
    palettes: tuple[Palette, ...]
    tiles: dict[str, str]  # name -> three gradient stops
    menu: Menu
    plan_names: tuple[tuple[str, ...], ...]
    footer_links: dict[str, tuple[str, ...]]
    doc_topics: dict[str, tuple[str, ...]]
    doc_params: tuple[tuple[str, str], ...]  # (name, type)
    news_desks: tuple[str, ...]
    kinds: dict[str, Kind]
    est_height: dict[str, int]  # hero or section -> rough rendered height, px
    page_budget: int  # px the heroes and sections may take together


def _kind(entry: dict[str, Any]) -> Kind:
    primary, secondary = entry["actions"]
    return Kind(
        nav=tuple(entry["nav"]),
        actions=(primary, secondary),
        heroes=tuple(entry["heroes"]),
        slots=tuple(tuple(slot) for slot in entry["slots"]),
    )


@cache
def vocabulary() -> Vocabulary:
    """``pagegen.yaml``, read once per process."""
    text = resources.files("vab_gym.envs.css").joinpath("pagegen.yaml").read_text("utf-8")
    data = yaml.safe_load(text)
    return Vocabulary(
        fonts=dict(data["fonts"]),
        body_fonts=tuple(data["body_fonts"]),
        head_fonts=tuple(data["head_fonts"]),
        palettes=tuple(
            Palette.of(name, p["colors"], p.get("dark", False))
            for name, p in data["palettes"].items()
        ),
        tiles=dict(data["tiles"]),
        menu=Menu(**{part: tuple(words) for part, words in data["menu"].items()}),
        plan_names=tuple(tuple(names) for names in data["plan_names"]),
        footer_links={head: tuple(links) for head, links in data["footer_links"].items()},
        doc_topics={group: tuple(topics) for group, topics in data["doc_topics"].items()},
        doc_params=tuple(data["doc_params"].items()),
        news_desks=tuple(data["news_desks"]),
        kinds={name: _kind(entry) for name, entry in data["kinds"].items()},
        est_height=dict(data["est_height"]),
        page_budget=data["page_budget"],
    )
