"""The frame every page has: the site header (logo, navigation, sometimes a top bar), the hero
in its variants (split, centered, overlay; a compact intro for dashboards) and the footer.
"""

from __future__ import annotations

from collections.abc import Callable

from vab_gym.envs.css.pagegen.context import Ctx, button, container, e, font_stack, svg_uri


def build_header(c: Ctx) -> str:
    """Top bar (sometimes) and the site header with logo and navigation."""
    p, css = c.pal, c.css
    centered = c.rng.random() < 0.3
    top = ""
    if c.rng.random() < 0.35:
        css.add(
            ".top-bar",
            background_color=p.primary,
            color=p.on_primary,
            text_align="center",
            font_size="13px",
            padding="8px 16px",
            letter_spacing=c.pick(None, "0.5px"),
        )
        note = c.pick(c.date(), "New: " + c.phrase(), f"{c.brand} is hiring — see open roles")
        top = f'<div class="top-bar">{e(note)}</div>\n'
    css.add(
        ".site-header",
        display="flex",
        flex_direction="column" if centered else None,
        justify_content="space-between",
        align_items="center",
        gap="16px" if centered else None,
        padding=f"{c.px(16, 26)} {c.px(32, 48, 8)}",
        background_color=c.pick(p.bg, p.surface),
        border_bottom=f"1px solid {p.border}",
    )
    css.add(
        ".logo",
        display="flex",
        align_items="center",
        gap="10px",
        color=p.text,
        text_decoration="none",
        font_family=font_stack(c.head_font),
        font_size=c.px(22, 30) if centered else c.px(18, 24),
        font_weight=c.pick(700, 800),
        letter_spacing=c.pick(None, "-0.5px", "1px"),
        text_transform=c.pick(None, None, "uppercase"),
    )
    css.add(
        ".logo-mark",
        display="inline-block",
        width="28px",
        height="28px",
        border_radius=c.pick("50%", f"{c.radius}px", "6px 18px"),
        background=f"linear-gradient(135deg, {p.primary}, {p.accent})",
    )
    css.add(
        ".nav-links",
        display="flex",
        gap=c.px(20, 36, 4),
        list_style="none",
        margin="0",
        padding="0",
    )
    css.add(
        ".nav-links a",
        color=c.pick(p.text, p.muted),
        text_decoration="none",
        font_size=c.px(13, 16, 1),
        font_weight=c.pick(500, 600),
        text_transform=c.pick(None, "uppercase"),
        letter_spacing=c.pick(None, "0.5px", "1px"),
    )
    links = c.rng.sample(c.words.kinds[c.kind].nav, k=c.rng.randint(4, 5))
    nav = '<ul class="nav-links">' + "".join(f'<li><a href="#">{e(x)}</a></li>' for x in links)
    nav += "</ul>"
    if not centered and c.rng.random() < 0.6:
        css.add(".nav-actions", display="flex", align_items="center", gap="24px")
        nav = f'<div class="nav-actions">{nav}{button(c, c.words.kinds[c.kind].actions[0])}</div>'
    return (
        f'{top}<header class="site-header">\n<a class="logo" href="#"><span class="logo-mark">'
        f"</span>{e(c.brand)}</a>\n<nav>{nav}</nav>\n</header>"
    )


HERO_COPY: dict[str, Callable[[Ctx], tuple[str, str, str]]] = {
    "product": lambda c: (
        f"Introducing {c.brand.split()[0].strip(',')} "
        + c.pick("Cloud", "One", "Studio", "Flow", "Pulse", "Sync"),
        c.phrase(),
        c.fake.paragraph(2),
    ),
    "blog": lambda c: (
        c.pick("Essay", "Guide", "Field notes") + " · " + c.date(),
        c.headline(6),
        c.fake.sentence(12),
    ),
    "pricing": lambda c: (
        "Pricing",
        c.pick("Simple pricing for teams of every size", "Plans that grow with you"),
        c.fake.sentence(16),
    ),
    "portfolio": lambda c: ("Design studio · " + c.fake.city(), c.phrase(), c.fake.paragraph(2)),
    "restaurant": lambda c: (
        "Kitchen & bar · " + c.fake.city(),
        c.pick("Seasonal food, ", "Honest cooking, ") + c.pick("open fire", "good wine"),
        c.fake.sentence(15),
    ),
    "dashboard": lambda c: ("", "Overview", f"Performance for {c.brand} · last 30 days"),
    "docs": lambda c: ("Documentation", c.brand + " developer guide", c.fake.sentence(14)),
    "event": lambda c: (
        c.date() + " · " + c.fake.city(),
        f"{c.brand} Summit {c.rng.randint(2024, 2026)}",
        c.fake.paragraph(2),
    ),
    "about": lambda c: (
        "About us",
        c.pick("We build ", "We design ", "We craft ") + c.fake.bs(),
        c.fake.paragraph(3),
    ),
}


def hero_text(c: Ctx, copy: tuple[str, str, str], size: int, center: bool = False) -> str:
    """Hero eyebrow, title, subtitle and buttons."""
    p, css = c.pal, c.css
    eyebrow, title, sub = copy
    css.once("h1", font_family=font_stack(c.head_font), line_height=c.pick("1.05", "1.1", "1.15"))
    css.add(
        ".hero-eyebrow",
        display="inline-block",
        color=p.primary,
        font_size="13px",
        font_weight=700,
        text_transform="uppercase",
        letter_spacing=c.pick("1px", "2px", "3px"),
        margin_bottom="16px",
    )
    css.add(
        ".hero-title",
        font_size=f"{size}px",
        margin="0 auto 20px" if center else "0 0 20px",
        max_width="860px" if center else None,
        font_weight=c.pick(700, 800),
        letter_spacing=c.pick(None, "-1px", "-0.5px"),
    )
    css.add(
        ".hero-subtitle",
        font_size=c.px(17, 21, 1),
        line_height="1.6",
        margin="0 auto 32px" if center else "0 0 32px",
        max_width="640px" if center else None,
        color=c.pick(p.muted, p.text),
    )
    css.add(
        ".hero-actions", display="flex", justify_content="center" if center else None, gap="14px"
    )
    primary, secondary = c.words.kinds[c.kind].actions
    return (
        f'<span class="hero-eyebrow">{e(eyebrow)}</span>\n<h1 class="hero-title">{e(title)}'
        f'</h1>\n<p class="hero-subtitle">{e(sub)}</p>\n<div class="hero-actions">'
        f"{button(c, primary)}{button(c, secondary, ghost=True)}</div>"
    )


def build_hero(c: Ctx, variant: str) -> str:
    """Hero: split (flex + badge), centered (text-align + SVG pattern) or overlay (absolute)."""
    p, css = c.pal, c.css
    copy = HERO_COPY[c.kind](c)
    if variant == "split":
        css.add(".hero", padding=f"{c.px(56, 88, 8)} 0", background_color=p.bg)
        css.add(".hero-inner", display="flex", align_items="center", gap=c.px(40, 64, 8))
        css.add(".hero-text", flex="1")
        css.add(
            ".hero-visual",
            flex="1",
            position="relative",
            height=c.px(300, 360, 10),
            border_radius=f"{c.radius * 2}px",
            box_shadow=c.shadow,
        )
        css.add(
            ".hero-badge",
            position="absolute",
            bottom="-18px",
            left=c.px(16, 40, 8),
            padding="12px 18px",
            background_color=p.surface,
            color=p.text,
            border_radius=f"{c.radius}px",
            font_weight=600,
            box_shadow="0 8px 24px rgba(0, 0, 0, 0.18)",
        )
        badge = c.pick(
            "★ 4.9 average rating", f"{c.rng.randint(2, 40)}k happy customers", "New this season"
        )
        text = hero_text(c, copy, c.rng.randrange(40, 56, 2))
        return (
            f'<section class="hero">\n<div class="{container(c)} hero-inner">\n'
            f'<div class="hero-text">\n{text}\n</div>\n<div class="hero-visual {c.tile()}">'
            f'<span class="hero-badge">{e(badge)}</span></div>\n</div>\n</section>'
        )
    if variant == "centered":
        dots = svg_uri(
            "<svg xmlns='http://www.w3.org/2000/svg' width='24' height='24'>"
            f"<circle cx='2' cy='2' r='1.5' fill='{p.border}'/></svg>"
        )
        css.add(
            ".hero",
            padding=f"{c.px(64, 96, 8)} 0",
            text_align="center",
            background_color=p.surface,
            background_image=c.pick(dots, f"linear-gradient(180deg, {p.surface}, {p.bg})"),
        )
        text = hero_text(c, copy, c.rng.randrange(44, 62, 2), center=True)
        return f'<section class="hero">\n<div class="{container(c)}">\n{text}\n</div>\n</section>'
    css.add(".hero", position="relative", height=c.px(460, 500, 10), overflow="hidden")
    css.add(".hero-backdrop", position="absolute", top="0", left="0", right="0", bottom="0")
    css.add(
        ".hero-caption",
        position="absolute",
        left=c.px(40, 96, 8),
        bottom=c.px(32, 48, 8),
        max_width="600px",
        padding=c.px(28, 40, 4),
        background_color=p.bg,
        color=p.text,
        border_radius=f"{c.radius}px",
        box_shadow="0 12px 40px rgba(0, 0, 0, 0.25)",
    )
    text = hero_text(c, copy, c.rng.randrange(32, 42, 2))
    return (
        f'<section class="hero">\n<div class="hero-backdrop {c.tile()}"></div>\n'
        f'<div class="hero-caption">\n{text}\n</div>\n</section>'
    )


def build_intro(c: Ctx) -> str:
    """Compact page heading with actions (dashboard)."""
    p, css = c.pal, c.css
    _, title, sub = HERO_COPY[c.kind](c)
    css.once("h1", font_family=font_stack(c.head_font), line_height="1.2")
    css.add(".page-intro", padding="40px 0 8px", background_color=p.bg)
    css.add(
        ".page-intro-row", display="flex", justify_content="space-between", align_items="flex-end"
    )
    css.add(".page-title", font_size=c.px(28, 36), margin="0 0 6px")
    css.add(".page-subtitle", color=p.muted, margin="0")
    css.add(".page-actions", display="flex", gap="12px")
    primary, secondary = c.words.kinds[c.kind].actions
    acts = button(c, secondary, ghost=True) + button(c, primary)
    return (
        f'<section class="page-intro">\n<div class="{container(c)} page-intro-row">\n<div>'
        f'<h1 class="page-title">{e(title)}</h1>\n<p class="page-subtitle">{e(sub)}</p></div>\n'
        f'<div class="page-actions">{acts}</div>\n</div>\n</section>'
    )


def build_footer(c: Ctx) -> str:
    """Site footer: a multi-column grid or a single flex row."""
    p, css = c.pal, c.css
    bg, fg = (p.surface, p.muted) if p.dark or c.rng.random() < 0.5 else (p.text, p.bg)
    css.add(
        ".site-footer",
        background_color=bg,
        color=fg,
        padding=f"{c.px(40, 64, 8)} 0",
        font_size="14px",
    )
    css.add(
        ".footer-brand",
        font_family=font_stack(c.head_font),
        font_weight=700,
        font_size="20px",
        margin="0 0 10px",
    )
    css.add(".footer-links a", color=fg, text_decoration="none")
    copy = f"© {c.rng.randint(2023, 2025)} {c.brand}. All rights reserved."
    if c.rng.random() < 0.4:  # one row: flex, or old-school floats
        floated = c.rng.random() < 0.5
        if floated:
            css.add(".footer-row", display="flow-root")
            css.add(".footer-info", float="left")
        else:
            css.add(
                ".footer-row", display="flex", justify_content="space-between", align_items="center"
            )
        css.add(
            ".footer-links",
            display="flex",
            gap="24px",
            list_style="none",
            margin="18px 0 0" if floated else "0",
            padding="0",
            float="right" if floated else None,
        )
        links = "".join(f'<li><a href="#">{x}</a></li>' for x in c.words.footer_links["Legal"][:3])
        info = ' class="footer-info"' if floated else ""
        return (
            f'<footer class="site-footer">\n<div class="{container(c)} footer-row">\n'
            f'<div{info}><p class="footer-brand">{e(c.brand)}</p><span>{e(copy)}</span></div>'
            f'\n<ul class="footer-links">{links}</ul>\n</div>\n</footer>'
        )
    css.add(
        ".footer-columns",
        display="grid",
        gap="40px",
        grid_template_columns=c.pick("2fr 1fr 1fr 1fr", "1.5fr 1fr 1fr 1fr"),
    )
    css.add(
        ".footer-heading",
        font_size="12px",
        text_transform="uppercase",
        letter_spacing="1.5px",
        margin="0 0 14px",
        opacity="0.8",
    )
    css.add(".footer-links", list_style="none", margin="0", padding="0", line_height="2")
    css.add(
        ".footer-bottom",
        display="flex",
        justify_content="space-between",
        margin_top="40px",
        padding_top="20px",
        border_top=f"1px solid {p.border}",
    )
    cols = ""
    for head in c.rng.sample(sorted(c.words.footer_links), 3):
        picks = c.rng.sample(c.words.footer_links[head], 4)
        links = "".join(f'<li><a href="#">{x}</a></li>' for x in picks)
        cols += (
            f'<div><h4 class="footer-heading">{head}</h4><ul class="footer-links">{links}'
            "</ul></div>"
        )
    return (
        f'<footer class="site-footer">\n<div class="{container(c)}">\n'
        f'<div class="footer-columns">\n<div><p class="footer-brand">{e(c.brand)}</p>'
        f"<p>{e(c.fake.sentence(12))}</p></div>\n"
        f'{cols}\n</div>\n<div class="footer-bottom"><span>{e(copy)}</span><span>'
        f"{e(c.fake.street_address())}, {e(c.fake.city())}</span></div>\n</div>\n</footer>"
    )
