"""Procedural generator of realistic static web pages (HTML + CSS) for VAB-CSS.

A seed picks a page kind (landing page, blog, pricing, ...), a palette and fonts; the kind
lists section builders. Every builder emits its markup and registers the CSS rules it needs,
so each rule styles elements that exist. The stylesheet has one unique selector per rule and
one declaration per line. No network resources, scripts, animations or media queries.

The words and numbers the generator draws from (palettes, fonts, page kinds, link and menu
vocabularies, rough section heights) are data, in ``css/pagegen.yaml``. The code is a
package along the page's parts: ``vocabulary`` (that file), ``context`` (the stylesheet, the
page's state and the shared parts), ``frame`` (header, hero, footer), ``sections`` (the
content sections) and, here, the assembly of one page.
"""

from __future__ import annotations

import pathlib
import random
from collections.abc import Callable

from faker import Faker

from vab_gym.envs.css.pagegen.context import Ctx, Sheet, e, font_stack
from vab_gym.envs.css.pagegen.frame import build_footer, build_header, build_hero, build_intro
from vab_gym.envs.css.pagegen.sections import (
    build_article,
    build_briefs,
    build_compare,
    build_cta,
    build_docs,
    build_faq,
    build_features,
    build_gallery,
    build_info_band,
    build_insights,
    build_logos,
    build_menu,
    build_news,
    build_newsletter,
    build_orders,
    build_pricing,
    build_schedule,
    build_stats,
    build_stats_band,
    build_team,
    build_testimonials,
    build_timeline,
)
from vab_gym.envs.css.pagegen.vocabulary import vocabulary

__all__ = ["generate_site", "write_site"]

BUILDERS: dict[str, Callable[[Ctx], str]] = {
    "features": build_features,
    "logos": build_logos,
    "testimonials": build_testimonials,
    "stats_band": build_stats_band,
    "cta": build_cta,
    "newsletter": build_newsletter,
    "article": build_article,
    "pricing": build_pricing,
    "compare": build_compare,
    "faq": build_faq,
    "gallery": build_gallery,
    "menu": build_menu,
    "info_band": build_info_band,
    "news": build_news,
    "briefs": build_briefs,
    "stats": build_stats,
    "insights": build_insights,
    "orders": build_orders,
    "docs": build_docs,
    "schedule": build_schedule,
    "team": build_team,
    "timeline": build_timeline,
}


def generate_site(seed: int) -> dict[str, str]:
    """Return {"index.html": ..., "style.css": ...} for the page made from `seed`."""
    rng = random.Random(seed)
    fake = Faker("en_US")
    fake.seed_instance(seed)
    words = vocabulary()
    kind_name = rng.choice(sorted(words.kinds))
    kind, pal = words.kinds[kind_name], rng.choice(words.palettes)
    c = Ctx(
        rng=rng,
        fake=fake,
        words=words,
        pal=pal,
        css=Sheet(),
        kind=kind_name,
        brand=fake.company(),
        head_font=rng.choice(words.head_fonts),
        radius=rng.choice([0, 4, 8, 12, 16]),
        shadow=rng.choice(
            [None, "0 1px 3px rgba(0, 0, 0, 0.12)", "0 10px 30px rgba(0, 0, 0, 0.12)"]
        ),
        align=rng.choice(["center", "left"]),
        pad=rng.randrange(48, 73, 8),
    )
    c.css.add(
        "body",
        margin="0",
        font_family=font_stack(rng.choice(words.body_fonts)),
        font_size=f"{rng.choice([15, 16, 17])}px",
        line_height=rng.choice(["1.5", "1.6"]),
        color=pal.text,
        background_color=pal.bg,
    )
    hero = rng.choice(kind.heroes)
    names = [rng.choice(slot) for slot in kind.slots]
    for i in reversed(range(len(names))):  # drop optional sections while the page is too tall
        total = sum(words.est_height[n] for n in [hero, *names] if n)
        if total > words.page_budget and None in kind.slots[i]:
            names[i] = None
    header = build_header(c)
    main = [build_intro(c)] if hero == "intro" else [] if hero == "none" else [build_hero(c, hero)]
    main += [BUILDERS[n](c) for n in names if n]
    footer = build_footer(c)
    body = "\n".join(main)
    page = (
        '<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n'
        f"<title>{e(c.brand)} · {e(kind.nav[0])}</title>\n"
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        '<link rel="stylesheet" href="style.css">\n</head>\n<body>\n'
        f"{header}\n<main>\n{body}\n</main>\n{footer}\n</body>\n</html>\n"
    )
    return {"index.html": page, "style.css": c.css.render()}


def write_site(seed: int, folder: pathlib.Path) -> pathlib.Path:
    """Write the site into `folder` (created), return folder."""
    folder = pathlib.Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    for name, text in generate_site(seed).items():
        (folder / name).write_text(text, encoding="utf-8")
    return folder
