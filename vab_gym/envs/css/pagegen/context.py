"""What every section builder shares: the stylesheet being written (``Sheet``), the page's
state (``Ctx``: its seeded draws, palette, fonts and vocabulary) and the small parts most
sections are made of (a heading, a button, the container, a section, a table).
"""

from __future__ import annotations

import datetime as dt
import html
import random
from dataclasses import dataclass
from typing import TypeVar

from faker import Faker

from vab_gym.envs.css.pagegen.vocabulary import Palette, Vocabulary, vocabulary

T = TypeVar("T")


class Sheet:
    """Ordered CSS rules with unique selectors."""

    def __init__(self) -> None:
        self.rules: dict[str, list[tuple[str, str]]] = {}

    def add(self, selector: str, **decls: str | int | None) -> None:
        """Add a rule; `font_size=...` becomes `font-size`, None values are skipped."""
        if selector in self.rules:
            raise ValueError(f"duplicate selector {selector!r}")
        self.rules[selector] = [
            (k.replace("_", "-"), str(v)) for k, v in decls.items() if v is not None
        ]

    def once(self, selector: str, **decls: str | int | None) -> None:
        """Add a shared rule unless it already exists."""
        if selector not in self.rules:
            self.add(selector, **decls)

    def render(self) -> str:
        """Serialise: 2-space indent, one declaration per line, blank line between rules."""
        return "\n".join(
            f"{sel} {{\n" + "".join(f"  {k}: {v};\n" for k, v in decls) + "}\n"
            for sel, decls in self.rules.items()
        )


def e(text: object) -> str:
    """HTML-escape text."""
    return html.escape(str(text), quote=True)


def font_stack(name: str) -> str:
    """CSS font-family value with a generic fallback."""
    return f'"{name}", {vocabulary().fonts[name]}'


def svg_uri(svg: str) -> str:
    """Encode an SVG (single-quoted attributes) as a CSS url() data URI."""
    for char, code in (("%", "%25"), ("#", "%23"), ("<", "%3C"), (">", "%3E")):
        svg = svg.replace(char, code)
    return f'url("data:image/svg+xml,{svg}")'


@dataclass
class Ctx:
    """Per-page state shared by the section builders."""

    rng: random.Random
    fake: Faker
    words: Vocabulary
    pal: Palette
    css: Sheet
    kind: str
    brand: str
    head_font: str
    radius: int
    shadow: str | None
    align: str
    pad: int
    flip: bool = False

    def pick(self, *options: T) -> T:
        """Choose one option."""
        return self.rng.choice(options)

    def px(self, lo: int, hi: int, step: int = 2) -> str:
        """Random pixel length in [lo, hi]."""
        return f"{self.rng.randrange(lo, hi + 1, step)}px"

    def date(self) -> str:
        """A calendar date (fixed range, so output never depends on today)."""
        day = dt.date(2024, 1, 1) + dt.timedelta(days=self.rng.randrange(700))
        return day.strftime("%b %d, %Y")

    def headline(self, words: int = 7) -> str:
        """A headline without trailing period."""
        return self.fake.sentence(nb_words=words).rstrip(".")

    def phrase(self) -> str:
        """A title-cased catch phrase."""
        return self.fake.catch_phrase().title()

    def person(self) -> str:
        """A first and last name."""
        return f"{self.fake.first_name()} {self.fake.last_name()}"

    def tile(self) -> str:
        """Register (once) a random gradient tile class and return its name."""
        name = self.rng.choice(sorted(self.words.tiles))
        a, b, c = self.words.tiles[name].split()
        angle = self.rng.choice([120, 135, 160])
        self.css.once(f".tile-{name}", background=f"linear-gradient({angle}deg, {a}, {b} 55%, {c})")
        return f"tile-{name}"

    def card(self, bg: str | None = None) -> dict[str, str | None]:
        """Declarations for a card inside the next section (contrasting its background)."""
        return {
            "background_color": bg or (self.pal.surface if self.flip else self.pal.bg),
            "border_radius": f"{self.radius}px",
            "box_shadow": self.shadow,
            "border": self.pick(f"1px solid {self.pal.border}", None),
        }


def heading(c: Ctx, title: str, intro: str) -> str:
    """Shared section title + intro."""
    center = c.align == "center"
    c.css.once("h2", font_family=font_stack(c.head_font), color=c.pal.text, line_height="1.2")
    c.css.once(
        ".section-title",
        font_size=c.px(28, 38),
        margin="0 0 12px",
        text_align=c.align,
        letter_spacing=c.pick(None, "-0.5px", "0.5px"),
    )
    c.css.once(
        ".section-intro",
        color=c.pal.muted,
        max_width="640px",
        text_align=c.align,
        margin="0 auto 40px" if center else "0 0 40px",
        font_size=c.px(16, 19, 1),
    )
    return f'<h2 class="section-title">{e(title)}</h2>\n<p class="section-intro">{e(intro)}</p>'


def button(c: Ctx, text: str, ghost: bool = False) -> str:
    """Shared button markup and rules."""
    c.css.once(
        ".button",
        display="inline-block",
        padding=f"{c.px(10, 14)} {c.px(20, 28)}",
        border_radius=f"{c.radius}px",
        font_weight=c.pick(600, 700),
        font_size="15px",
        text_decoration="none",
        text_transform=c.pick(None, None, "uppercase"),
    )
    if ghost:
        c.css.once(".button-ghost", color=c.pal.text, border=f"2px solid {c.pal.border}")
    else:
        c.css.once(
            ".button-primary",
            color=c.pal.on_primary,
            background_color=c.pal.primary,
            border=f"2px solid {c.pal.primary}",
            box_shadow=c.shadow,
        )
    return f'<a class="button button-{"ghost" if ghost else "primary"}" href="#">{e(text)}</a>'


def container(c: Ctx) -> str:
    """Register the shared centred container class and return it."""
    c.css.once(
        ".container",
        max_width=c.pick("1080px", "1120px", "1160px"),
        margin="0 auto",
        padding="0 32px",
    )
    return "container"


def section(c: Ctx, name: str, inner: str, pad: int | None = None, **decls: str | None) -> str:
    """Wrap content in a padded <section>, alternating page and surface backgrounds."""
    c.flip = not c.flip
    bg = c.pal.surface if c.flip else c.pal.bg
    c.css.add(f".{name}", padding=f"{pad or c.pad}px 0", background_color=bg, **decls)
    return f'<section class="{name}">\n<div class="{container(c)}">\n{inner}\n</div>\n</section>'


def table(c: Ctx, cls: str, header: list[str], rows: list[list[str]], first: str) -> str:
    """A styled table; rows hold escaped HTML; the first cell of each row gets class `first`."""
    p = c.pal
    c.css.add(
        f".{cls}",
        width="100%",
        border_collapse="collapse",
        background_color=p.bg,
        font_size="15px",
        border=f"1px solid {p.border}",
    )
    c.css.add(
        f".{cls} th",
        text_align="left",
        padding="14px 16px",
        background_color=p.surface,
        color=p.muted,
        font_size="12px",
        text_transform="uppercase",
        letter_spacing="1px",
        border_bottom=f"2px solid {p.border}",
    )
    c.css.add(
        f".{cls} td",
        padding=f"{c.px(10, 16)} 16px",
        border_bottom=f"1px solid {p.border}",
        color=p.text,
    )
    c.css.add(f".{first}", font_weight=700, white_space="nowrap", color=c.pick(p.primary, p.text))
    head = "".join(f"<th>{h}</th>" for h in header)
    body = "".join(
        f'<tr><td class="{first}">{r[0]}</td>' + "".join(f"<td>{x}</td>" for x in r[1:]) + "</tr>\n"
        for r in rows
    )
    return (
        f'<table class="{cls}">\n<thead><tr>{head}</tr></thead>\n<tbody>\n{body}</tbody>\n</table>'
    )


def avatar(c: Ctx, cls: str) -> tuple[str, str]:
    """Initials avatar for a fake person; returns (markup, name)."""
    name = c.person()
    initials = "".join(w[0] for w in name.split())
    return f'<span class="{cls}">{e(initials)}</span>', name
