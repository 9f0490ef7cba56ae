"""The content sections: an article, a gallery, a menu, an info band, news, briefs and docs."""

from __future__ import annotations

from vab_gym.envs.css.pagegen.context import (
    Ctx,
    e,
    font_stack,
    heading,
    section,
    table,
)


def build_article(c: Ctx) -> str:
    """Article with a floated figure, plus a sidebar (grid or float two-column layout)."""
    p, css = c.pal, c.css
    if c.rng.random() < 0.5:
        css.add(
            ".article-layout",
            display="grid",
            gap="56px",
            grid_template_columns="minmax(0, 2fr) minmax(0, 1fr)",
        )
        css.add(".article-body", font_size=c.px(16, 18, 1))
    else:
        css.add(".article-layout", display="flow-root")
        css.add(".article-body", float="left", width="64%", font_size=c.px(16, 18, 1))
        css.add(".sidebar", float="right", width="30%")
    side = c.pick("left", "right")
    css.add(".article-body p", line_height=c.pick("1.7", "1.8"), margin="0 0 18px", color=p.text)
    css.add(
        ".article-meta",
        color=p.muted,
        font_size="14px",
        text_transform=c.pick(None, "uppercase"),
        letter_spacing=c.pick(None, "1px"),
    )
    css.add(
        ".article-figure",
        float=side,
        width=c.px(260, 340, 10),
        margin="4px 28px 16px 0" if side == "left" else "4px 0 16px 28px",
    )
    css.add(".figure-image", height=c.px(180, 240, 10), border_radius=f"{c.radius}px")
    css.add(".figure-caption", font_size="13px", color=p.muted, margin_top="8px")
    css.add(
        ".pull-quote",
        clear="both",
        margin="28px 0",
        padding="4px 0 4px 24px",
        font_size="22px",
        border_left=f"4px solid {p.primary}",
        font_style="italic",
        color=p.text,
        font_family=font_stack(c.pick("DejaVu Serif", "Liberation Serif")),
    )
    css.add(
        ".article-subheading",
        font_family=font_stack(c.head_font),
        font_size="24px",
        margin="32px 0 12px",
    )
    paras = [f"<p>{e(c.fake.paragraph(c.rng.randint(3, 5)))}</p>" for _ in range(4)]
    body = (
        f'<article class="article-body">\n<p class="article-meta">By {e(c.person())} · '
        f'{c.date()} · {c.rng.randint(3, 12)} min read</p>\n<figure class="article-figure">'
        f'<div class="figure-image {c.tile()}"></div><figcaption class="figure-caption">'
        f"{e(c.fake.sentence(8))}</figcaption></figure>\n{paras[0]}\n{paras[1]}\n"
        f'<blockquote class="pull-quote">{e(c.fake.sentence(14))}</blockquote>\n'
        f'<h3 class="article-subheading">{e(c.headline(5))}</h3>\n{paras[2]}\n{paras[3]}\n'
        "</article>"
    )
    css.add(".sidebar-widget", padding="24px", margin_bottom="24px", **c.card())
    css.add(
        ".sidebar-title",
        font_size="13px",
        text_transform="uppercase",
        letter_spacing="1.5px",
        margin="0 0 14px",
        color=p.primary,
    )
    css.add(".sidebar-list", list_style="none", margin="0", padding="0")
    css.add(
        ".sidebar-list li",
        padding="10px 0",
        border_bottom=f"1px solid {p.border}",
        font_size="15px",
    )
    css.add(".tag-list", display="flex", flex_wrap="wrap", gap="8px")
    css.add(
        ".tag",
        padding="4px 12px",
        border_radius="999px",
        background_color=p.primary,
        color=p.on_primary,
        font_size="13px",
    )
    popular = "".join(f"<li>{e(c.headline(6))}</li>" for _ in range(4))
    tags = "".join(f'<span class="tag">{e(c.fake.word())}</span>' for _ in range(7))
    widgets = [
        ("About the author", f"<p>{e(c.fake.paragraph(2))}</p>"),
        ("Popular", f'<ul class="sidebar-list">{popular}</ul>'),
        ("Topics", f'<div class="tag-list">{tags}</div>'),
    ]
    aside = "".join(
        f'<div class="sidebar-widget"><h4 class="sidebar-title">{t}</h4>{w}</div>\n'
        for t, w in widgets
    )
    return section(
        c,
        "article-section",
        f'<div class="article-layout">\n{body}\n<aside class="sidebar">\n{aside}</aside>\n</div>',
    )


def build_gallery(c: Ctx) -> str:
    """Grid of project tiles (one spanning two columns) with absolute captions and tags."""
    p, css = c.pal, c.css
    cols = c.pick(3, 4)
    css.add(
        ".gallery-filters",
        display="flex",
        justify_content=c.pick("center", "flex-start"),
        gap="10px",
        margin_bottom="32px",
    )
    css.add(
        ".filter-button",
        padding="8px 16px",
        border=f"1px solid {p.border}",
        border_radius="999px",
        font_size="14px",
        color=p.text,
    )
    css.add(".filter-active", background_color=p.text, color=p.bg)
    css.add(
        ".gallery-grid",
        display="grid",
        grid_template_columns=f"repeat({cols}, 1fr)",
        gap=c.px(12, 24, 4),
    )
    css.add(
        ".gallery-item",
        position="relative",
        height=c.px(180, 220, 10),
        overflow="hidden",
        border_radius=f"{c.radius}px",
    )
    css.add(".gallery-wide", grid_column="span 2")
    css.add(".gallery-image", height="100%")
    css.add(
        ".gallery-caption",
        position="absolute",
        left="0",
        right="0",
        bottom="0",
        padding="14px 16px",
        background_color="rgba(0, 0, 0, 0.55)",
        color="#ffffff",
        font_weight=600,
    )
    css.add(
        ".gallery-tag",
        position="absolute",
        top="12px",
        left="12px",
        padding="3px 10px",
        border_radius="999px",
        background_color=p.accent,
        color="#111111",
        font_size="12px",
        font_weight=700,
        text_transform="uppercase",
    )
    cats = ("Branding", "Web", "Print", "Product", "Motion")
    filters = "".join(
        f'<span class="filter-button{" filter-active" if i == 0 else ""}">{x}</span>'
        for i, x in enumerate(["All", *c.rng.sample(cats, 3)])
    )
    items = ""
    for i in range(cols * 2 - 1):
        project = f"{c.fake.last_name()} {c.pick('rebrand', 'website', 'packaging', 'campaign')}"
        items += (
            f'<div class="gallery-item{" gallery-wide" if i == 0 else ""}"><div '
            f'class="gallery-image {c.tile()}"></div><span class="gallery-tag">'
            f'{c.pick(*cats)}</span><div class="gallery-caption">{e(project)}</div></div>\n'
        )
    head = heading(c, c.pick("Selected work", "Recent projects", "Portfolio"), c.fake.sentence(12))
    return section(
        c,
        "gallery",
        f'{head}\n<div class="gallery-filters">{filters}</div>\n'
        f'<div class="gallery-grid">\n{items}</div>',
    )


def build_menu(c: Ctx) -> str:
    """Restaurant menu: grid of categories, flex rows of priced dishes."""
    p, css = c.pal, c.css
    css.add(".menu-columns", display="grid", grid_template_columns="1fr 1fr", gap="32px 64px")
    css.add(
        ".menu-category-title",
        font_family=font_stack(c.head_font),
        font_size="22px",
        color=p.primary,
        text_transform=c.pick("uppercase", None),
        letter_spacing=c.pick("2px", None),
        margin="0 0 12px",
        padding_bottom="8px",
        border_bottom=f"2px solid {p.primary}",
    )
    css.add(
        ".menu-item",
        display="flex",
        justify_content="space-between",
        align_items="baseline",
        gap="16px",
        padding="10px 0",
        border_bottom=f"1px dotted {p.border}",
    )
    css.add(".menu-item-name", font_weight=700, color=p.text)
    css.add(".menu-item-description", font_size="14px", color=p.muted, margin_top="2px")
    css.add(".menu-item-price", font_weight=700, color=p.primary, white_space="nowrap")
    menu = c.words.menu
    cats = ""
    n_cats = c.pick(2, 4)
    for cat in c.rng.sample(menu.courses, n_cats):
        items = ""
        for main in c.rng.sample(menu.mains, 8 // n_cats):
            a, b = c.rng.sample(menu.sides, 2)
            items += (
                f'<div class="menu-item"><div><div class="menu-item-name">'
                f'{c.pick(*menu.adjectives)} {main}</div><div class="menu-item-description">'
                f'with {a} and {b}</div></div><span class="menu-item-price">'
                f"${c.rng.randint(7, 38)}</span></div>\n"
            )
        cats += f'<div><h3 class="menu-category-title">{cat}</h3>\n{items}</div>\n'
    head = heading(c, c.pick("Our menu", "Tonight’s menu", "The menu"), c.fake.sentence(12))
    return section(c, "menu", f'{head}\n<div class="menu-columns">\n{cats}</div>')


def build_info_band(c: Ctx) -> str:
    """Three info blocks: hours, address, contact."""
    p, css = c.pal, c.css
    css.add(".info-grid", display="grid", grid_template_columns="repeat(3, 1fr)", gap="24px")
    css.add(".info-block", padding="28px", text_align=c.pick("left", "center"), **c.card())
    css.add(
        ".info-label",
        font_size="12px",
        text_transform="uppercase",
        letter_spacing="2px",
        color=p.primary,
        margin="0 0 10px",
        font_weight=700,
    )
    css.add(".info-value", margin="0", line_height="1.7", color=p.text)
    hours = "Doors 8:30am · Talks 9am – 6pm" if c.kind == "event" else "Tue–Sat · 5pm – 11pm"
    blocks = [
        ("Opening hours", f"{hours}<br>Sunday · 12pm – 4pm"),
        ("Address", f"{e(c.fake.street_address())}<br>{e(c.fake.city())}"),
        ("Contact", f"{e(c.fake.phone_number())}<br>{e(c.fake.email())}"),
    ]
    inner = "".join(
        f'<div class="info-block"><p class="info-label">{k}</p><p class="info-value">{v}</p></div>'
        for k, v in blocks
    )
    head = heading(c, c.pick("Plan your visit", "Getting here"), c.fake.sentence(10))
    return section(c, "info-band", f'{head}\n<div class="info-grid">{inner}</div>')


def build_news(c: Ctx) -> str:
    """News front page: grid template areas (lead, side column, row of cards)."""
    p, css = c.pal, c.css
    css.add(
        ".news-grid",
        display="grid",
        grid_template_columns="2fr 1fr",
        gap="32px 40px",
        grid_template_areas='"lead side" "more more"',
    )
    css.add(".news-lead", grid_area="lead")
    css.add(
        ".news-side", grid_area="side", border_left=f"1px solid {p.border}", padding_left="32px"
    )
    css.add(
        ".news-more",
        grid_area="more",
        display="grid",
        gap="24px",
        padding_top="28px",
        grid_template_columns="repeat(4, 1fr)",
        border_top=f"3px double {p.border}",
    )
    css.add(".news-lead-image", height=c.px(220, 280, 10), margin_bottom="18px")
    css.add(
        ".news-card-image",
        height="120px",
        margin_bottom="12px",
        border_radius=f"{min(c.radius, 6)}px",
    )
    css.add(
        ".news-kicker",
        color=p.primary,
        font_size="12px",
        font_weight=700,
        text_transform="uppercase",
        letter_spacing="1.5px",
    )
    css.add(
        ".news-lead-title",
        font_family=font_stack(c.head_font),
        font_size=c.px(32, 40),
        line_height="1.15",
        margin="8px 0 12px",
    )
    css.add(".news-item", padding="14px 0", border_bottom=f"1px solid {p.border}")
    css.add(
        ".news-item-title",
        font_family=font_stack(c.head_font),
        font_size="19px",
        margin="6px 0 0",
        line_height="1.3",
    )
    css.add(".news-card-title", font_size="16px", margin="6px 0 0", line_height="1.35")
    css.add(".news-byline", color=p.muted, font_size="13px")

    def kicker() -> str:
        return f'<span class="news-kicker">{c.pick(*c.words.news_desks)}</span>'

    side = "".join(
        f'<div class="news-item">{kicker()}<h3 class="news-item-title">'
        f"{e(c.headline(8))}</h3></div>\n"
        for _ in range(4)
    )
    more = "".join(
        f'<article><div class="news-card-image {c.tile()}"></div>{kicker()}'
        f'<h4 class="news-card-title">{e(c.headline(7))}</h4></article>\n'
        for _ in range(4)
    )
    lead = (
        f'<article class="news-lead"><div class="news-lead-image {c.tile()}"></div>{kicker()}'
        f'<h2 class="news-lead-title">{e(c.headline(9))}</h2><p>{e(c.fake.paragraph(3))}</p>'
        f'<span class="news-byline">By {e(c.person())} · {c.date()}</span></article>'
    )
    return section(
        c,
        "news",
        f'<div class="news-grid">\n{lead}\n<aside class="news-side">\n'
        f'{side}</aside>\n<div class="news-more">\n{more}</div>\n</div>',
    )


def build_briefs(c: Ctx) -> str:
    """Short news briefs in CSS multi-column layout."""
    p, css = c.pal, c.css
    css.add(
        ".brief-list",
        column_count=c.pick(2, 3),
        column_gap="40px",
        column_rule=f"1px solid {p.border}",
    )
    css.add(".brief", break_inside="avoid", margin="0 0 20px")
    css.add(".brief-title", font_weight=700, margin="0 0 4px", color=p.text)
    css.add(".brief-text", margin="0", color=p.muted, font_size="15px", line_height="1.55")
    items = "".join(
        f'<div class="brief"><p class="brief-title">{e(c.headline(6))}</p>'
        f'<p class="brief-text">{e(c.fake.sentence(16))}</p></div>\n'
        for _ in range(6)
    )
    head = heading(c, c.pick("In brief", "Around the world", "Catch up"), c.fake.sentence(10))
    return section(c, "briefs", f'{head}\n<div class="brief-list">\n{items}</div>')


def build_docs(c: Ctx) -> str:
    """Documentation: side nav (float, grid or flex) and content with callout, code, table."""
    p, css = c.pal, c.css
    mode = c.pick("float", "grid", "flex")
    layout = {
        "float": {"display": "flow-root"},
        "grid": {"display": "grid", "grid_template_columns": "220px 1fr", "gap": "48px"},
        "flex": {"display": "flex", "align_items": "flex-start", "gap": "48px"},
    }[mode]
    css.add(".docs-layout", **layout)
    css.add(
        ".docs-nav",
        float="left" if mode == "float" else None,
        width="220px",
        flex="none" if mode == "flex" else None,
        padding_right="16px",
        border_right=f"1px solid {p.border}",
    )
    css.add(".docs-content", margin_left="260px" if mode == "float" else None, max_width="760px")
    css.add(
        ".docs-nav-heading",
        font_size="12px",
        text_transform="uppercase",
        letter_spacing="1.5px",
        color=p.muted,
        margin="0 0 8px",
        font_weight=700,
    )
    css.add(".docs-nav-list", list_style="none", padding="0", margin="0 0 24px", line_height="2")
    css.add(".docs-nav-list a", color=p.text, text_decoration="none", font_size="15px")
    css.add(".breadcrumbs", font_size="13px", color=p.muted, margin="0 0 8px")
    css.add(
        ".docs-title",
        font_family=font_stack(c.head_font),
        font_size="32px",
        margin="0 0 12px",
        color=p.text,
    )
    css.add(".docs-content p", line_height="1.7", color=p.text)
    css.add(
        ".callout",
        padding="16px 20px",
        border_left=f"4px solid {p.accent}",
        background_color=p.surface,
        border_radius=f"0 {c.radius}px {c.radius}px 0",
        margin="24px 0",
    )
    css.add(
        ".code-block",
        font_family=font_stack(c.pick("DejaVu Sans Mono", "Liberation Mono")),
        font_size="14px",
        line_height="1.6",
        padding="20px 24px",
        background_color="#0f172a",
        border_radius=f"{c.radius}px",
        color="#e2e8f0",
        overflow="auto",
    )
    css.add(".docs-subheading", font_size="22px", margin="32px 0 12px", color=p.text)
    groups = ""
    for group, topics in c.words.doc_topics.items():
        links = "".join(f'<li><a href="#">{t}</a></li>' for t in c.rng.sample(topics, 4))
        groups += f'<p class="docs-nav-heading">{group}</p><ul class="docs-nav-list">{links}</ul>\n'
    res = c.pick(*c.words.doc_topics["API"]).lower()
    mod = "".join(ch for ch in c.brand.split()[0].lower() if ch.isalpha())
    code = (
        f'import {mod}\n\nclient = {mod}.Client(api_key="sk_live_{c.rng.randint(1000, 9999)}")'
        f"\n{res} = client.{res}.list(limit={c.rng.randint(5, 50)})\nfor item in {res}:\n"
        "    print(item.id, item.created)"
    )
    params = [[n, t, e(c.fake.sentence(8))] for n, t in c.rng.sample(c.words.doc_params, 4)]
    tbl = table(c, "param-table", ["Parameter", "Type", "Description"], params, "param-name")
    content = (
        f'<article class="docs-content">\n<p class="breadcrumbs">Docs / API / '
        f'{res.title()}</p>\n<h2 class="docs-title">List {res}</h2>\n'
        f'<p>{e(c.fake.paragraph(3))}</p>\n<div class="callout"><strong>Note:</strong> '
        f'{e(c.fake.sentence(14))}</div>\n<pre class="code-block">{e(code)}</pre>\n'
        f'<h3 class="docs-subheading">Parameters</h3>\n{tbl}\n'
        f"<p>{e(c.fake.paragraph(2))}</p>\n</article>"
    )
    return section(
        c,
        "docs",
        f'<div class="docs-layout">\n<aside class="docs-nav">\n{groups}</aside>\n{content}\n</div>',
    )
