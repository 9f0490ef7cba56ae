"""The content sections a page kind is made of (``pagegen.yaml``'s ``kinds``): each builder
writes its markup and registers the CSS rules it uses, so every rule styles an element that
exists. Marketing parts (features, logos, testimonials, pricing, FAQ...), content (article,
news, briefs, docs, menu, gallery), dashboards (stats, insights, orders), events and teams.
"""

from __future__ import annotations

from vab_gym.envs.css.pagegen.context import (
    Ctx,
    button,
    container,
    e,
    font_stack,
    heading,
    section,
    svg_uri,
    table,
)


def build_features(c: Ctx) -> str:
    """Grid of feature cards."""
    p, css = c.pal, c.css
    n, cols = c.pick((3, 3), (4, 4), (6, 3), (4, 2))
    title = c.pick("Everything you need", f"Why teams choose {c.brand}", "Built for your work")
    css.add(
        ".feature-grid",
        display="grid",
        grid_template_columns=f"repeat({cols}, 1fr)",
        gap=c.px(20, 32, 4),
    )
    css.add(
        ".feature-card",
        padding=c.px(24, 32, 4),
        text_align=c.pick("left", "left", "center"),
        **c.card(),
    )
    css.add(
        ".feature-icon",
        display="inline-flex",
        align_items="center",
        justify_content="center",
        width="44px",
        height="44px",
        border_radius=c.pick("50%", f"{c.radius}px"),
        background_color=p.primary,
        color=p.on_primary,
        font_weight=700,
        margin_bottom="16px",
    )
    css.add(".feature-title", font_size=c.px(18, 21, 1), margin="0 0 8px", color=p.text)
    css.add(".feature-text", color=p.muted, line_height="1.6", margin="0")
    cards = ""
    for _ in range(n):
        name = c.fake.bs().title()
        cards += (
            f'<div class="feature-card"><span class="feature-icon">{e(name[0])}</span>'
            f'<h3 class="feature-title">{e(name)}</h3><p class="feature-text">'
            f"{e(c.fake.sentence(14))}</p></div>\n"
        )
    head = heading(c, title, c.fake.sentence(14))
    return section(c, "features", f'{head}\n<div class="feature-grid">\n{cards}</div>')


def build_logos(c: Ctx) -> str:
    """Strip of customer names."""
    p, css = c.pal, c.css
    css.add(
        ".logo-strip-label",
        text_align="center",
        color=p.muted,
        font_size="13px",
        text_transform="uppercase",
        letter_spacing="2px",
        margin="0 0 24px",
    )
    css.add(
        ".logo-row",
        display="flex",
        flex_wrap="wrap",
        align_items="center",
        gap="40px",
        justify_content=c.pick("space-between", "center"),
    )
    css.add(
        ".logo-row span",
        font_family=font_stack(c.pick(*c.words.head_fonts)),
        font_size="20px",
        font_weight=700,
        color=p.muted,
        letter_spacing=c.pick("0", "1px"),
    )
    names = "".join(
        f"<span>{e(c.fake.last_name())}{c.pick('', ' Labs', '.io', ' Co')}</span>" for _ in range(6)
    )
    inner = f'<p class="logo-strip-label">Trusted by</p>\n<div class="logo-row">{names}</div>'
    return section(c, "logo-strip", inner, pad=c.pad // 2, border_bottom=f"1px solid {p.border}")


def avatar(c: Ctx, cls: str) -> tuple[str, str]:
    """Initials avatar for a fake person; returns (markup, name)."""
    name = c.person()
    initials = "".join(w[0] for w in name.split())
    return f'<span class="{cls}">{e(initials)}</span>', name


def build_testimonials(c: Ctx) -> str:
    """Row of quote cards."""
    p, css = c.pal, c.css
    css.add(
        ".testimonial-list", display="flex", gap="24px", align_items=c.pick("stretch", "flex-start")
    )
    css.add(
        ".testimonial",
        flex="1",
        margin="0",
        padding="28px",
        **c.card(),
        border_left=f"4px solid {p.accent}",
    )
    css.add(
        ".testimonial-quote",
        font_size="17px",
        line_height="1.6",
        margin="0 0 20px",
        font_style=c.pick("italic", "normal"),
        color=p.text,
    )
    css.add(".testimonial-author", display="flex", align_items="center", gap="12px")
    css.add(
        ".testimonial-avatar",
        display="flex",
        align_items="center",
        justify_content="center",
        width="44px",
        height="44px",
        border_radius="50%",
        background_color=p.accent,
        color=p.bg,
        font_weight=700,
    )
    css.add(".testimonial-name", font_weight=700, color=p.text)
    css.add(".testimonial-role", font_size="13px", color=p.muted)
    items = ""
    for _ in range(c.pick(2, 3)):
        av, name = avatar(c, "testimonial-avatar")
        items += (
            f'<figure class="testimonial"><blockquote class="testimonial-quote">'
            f'“{e(c.fake.paragraph(2))}”</blockquote><figcaption class="testimonial-author">'
            f'{av}<div><div class="testimonial-name">{e(name)}</div><div '
            f'class="testimonial-role">{e(c.fake.job())}</div></div></figcaption></figure>\n'
        )
    head = heading(
        c, c.pick("What people say", "Loved by customers", "Kind words"), c.fake.sentence(10)
    )
    return section(c, "testimonials", f'{head}\n<div class="testimonial-list">\n{items}</div>')


def build_stats_band(c: Ctx) -> str:
    """Coloured band of big numbers (flex, space-around)."""
    p, css = c.pal, c.css
    css.add(
        ".stats-band",
        background_color=p.primary,
        color=p.on_primary,
        padding=f"{c.px(40, 56, 8)} 0",
    )
    css.add(".band-list", display="flex", justify_content="space-around", text_align="center")
    css.add(
        ".band-number",
        font_size=c.px(36, 48, 4),
        font_weight=800,
        font_family=font_stack(c.head_font),
    )
    css.add(
        ".band-label",
        font_size="13px",
        text_transform="uppercase",
        letter_spacing="1.5px",
        opacity="0.85",
    )
    r = c.rng
    stats = [
        ("Satisfaction", f"{r.randint(90, 99)}%"),
        ("Active users", f"{r.randint(10, 900)}k"),
        ("Countries", f"{r.randint(3, 60)}"),
        ("Raised", f"${r.randint(2, 90)}M"),
        ("Awards", f"{r.randint(3, 40)}"),
        ("Projects", f"{r.randint(100, 990)}+"),
    ]
    items = "".join(
        f'<div><div class="band-number">{e(v)}</div><div class="band-label">{k}</div></div>'
        for k, v in r.sample(stats, 4)
    )
    return (
        f'<section class="stats-band">\n<div class="{container(c)} band-list">{items}</div>\n'
        "</section>"
    )


def build_cta(c: Ctx) -> str:
    """Centred call-to-action band on a gradient."""
    p, css = c.pal, c.css
    css.add(
        ".cta-band",
        text_align="center",
        padding=f"{c.px(56, 80, 8)} 0",
        color=p.on_primary,
        background=f"linear-gradient({c.pick(90, 120, 135)}deg, {p.primary}, {p.accent})",
    )
    css.add(
        ".cta-title", font_family=font_stack(c.head_font), font_size=c.px(28, 40), margin="0 0 12px"
    )
    css.add(".cta-text", font_size="18px", margin="0 auto 28px", max_width="560px", opacity="0.9")
    css.add(
        ".cta-button",
        display="inline-block",
        padding="14px 32px",
        background_color=p.bg,
        color=p.text,
        border_radius=c.pick("999px", f"{c.radius}px"),
        font_weight=700,
        text_decoration="none",
    )
    title = c.pick("Ready to get started?", "Let’s work together", "Start your project today")
    return (
        f'<section class="cta-band">\n<div class="{container(c)}">\n<p class="cta-title">'
        f'{e(title)}</p>\n<p class="cta-text">{e(c.fake.sentence(12))}</p>\n'
        f'<a class="cta-button" href="#">{e(c.words.kinds[c.kind].actions[0])}</a>\n'
        "</div>\n</section>"
    )


def build_newsletter(c: Ctx) -> str:
    """Signup box with a static form (flex, space-between)."""
    p, css = c.pal, c.css
    css.add(
        ".newsletter-box",
        display="flex",
        justify_content="space-between",
        align_items="center",
        gap="32px",
        padding=c.px(32, 48, 8),
        **c.card(),
    )
    css.add(".newsletter-title", font_size="24px", margin="0 0 6px", color=p.text)
    css.add(".newsletter-text", color=p.muted, margin="0")
    css.add(".newsletter-form", display="flex", gap="10px")
    css.add(
        ".newsletter-input",
        width="260px",
        padding="12px 14px",
        font_size="15px",
        border=f"1px solid {p.border}",
        border_radius=f"{c.radius}px",
        background_color=p.bg,
        color=p.text,
    )
    css.add(
        ".newsletter-button",
        padding="12px 22px",
        border="0",
        font_size="15px",
        border_radius=f"{c.radius}px",
        background_color=p.primary,
        color=p.on_primary,
        font_weight=700,
    )
    title = c.pick("Get the weekly digest", "Stay in the loop", "Join our newsletter")
    inner = (
        f'<div class="newsletter-box">\n<div><h3 class="newsletter-title">{e(title)}</h3>\n'
        f'<p class="newsletter-text">{e(c.fake.sentence(12))}</p></div>\n'
        '<form class="newsletter-form"><input class="newsletter-input" type="email" '
        'placeholder="you@example.com"><button class="newsletter-button" type="button">'
        "Subscribe</button></form>\n</div>"
    )
    return section(c, "newsletter", inner)


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


def build_pricing(c: Ctx) -> str:
    """Row of pricing cards (flex) with a featured plan and an absolute ribbon."""
    p, css = c.pal, c.css
    event = c.kind == "event"
    names = ("Day pass", "Full pass", "VIP pass") if event else c.pick(*c.words.plan_names)
    css.add(".pricing-grid", display="flex", gap="24px", align_items=c.pick("stretch", "center"))
    css.add(
        ".pricing-card", flex="1", padding="32px", text_align=c.pick("center", "left"), **c.card()
    )
    css.add(
        ".pricing-card-featured",
        position="relative",
        border=f"2px solid {p.primary}",
        box_shadow="0 16px 40px rgba(0, 0, 0, 0.15)",
    )
    css.add(
        ".ribbon",
        position="absolute",
        top="-14px",
        right="24px",
        padding="4px 12px",
        border_radius="999px",
        background_color=p.accent,
        color="#111111",
        font_size="12px",
        font_weight=700,
        text_transform="uppercase",
    )
    css.add(
        ".plan-name",
        font_size="14px",
        text_transform="uppercase",
        letter_spacing="2px",
        color=p.primary,
        margin="0 0 8px",
    )
    css.add(
        ".plan-price",
        font_size=c.px(40, 52, 4),
        font_weight=800,
        color=p.text,
        margin="0 0 20px",
        font_family=font_stack(c.head_font),
    )
    css.add(".plan-period", font_size="15px", font_weight=400, color=p.muted)
    css.add(".plan-features", list_style="none", padding="0", margin="0 0 24px", text_align="left")
    css.add(
        ".plan-features li", padding="9px 0", border_bottom=f"1px dashed {p.border}", color=p.text
    )
    period = " / person" if event else c.pick(" /month", " /mo", " per user")
    cards, price = "", c.rng.randint(49, 199) if event else c.rng.randint(0, 15)
    for i, name in enumerate(names):
        perks = "".join(f"<li>✓ {e(c.fake.bs().capitalize())}</li>" for _ in range(3 + i))
        cls, ribbon = ("pricing-card", "")
        if i == 1:
            cls, ribbon = f"{cls} pricing-card-featured", '<span class="ribbon">Most popular</span>'
        cards += (
            f'<div class="{cls}">{ribbon}<p class="plan-name">{e(name)}</p>'
            f'<p class="plan-price">${price}<span class="plan-period">{period}</span></p>'
            f'<ul class="plan-features">{perks}</ul>{button(c, "Choose " + name, i != 1)}'
            "</div>\n"
        )
        price = price * 2 + c.rng.randint(9, 30)
    title = "Tickets" if event else c.pick("Choose your plan", "Plans & pricing")
    head = heading(c, title, c.fake.sentence(12))
    return section(c, "pricing", f'{head}\n<div class="pricing-grid">\n{cards}</div>')


def build_compare(c: Ctx) -> str:
    """Feature comparison table."""
    marks = ("✓", "—", "✓", "Unlimited", str(c.rng.randint(3, 50)))
    rows = [
        [e(c.fake.bs().capitalize())] + [e(c.pick(*marks)) for _ in range(3)]
        for _ in range(c.rng.randint(5, 7))
    ]
    tbl = table(c, "compare-table", ["Feature", "Starter", "Pro", "Business"], rows, "feature-name")
    return section(c, "compare", f"{heading(c, 'Compare plans', c.fake.sentence(10))}\n{tbl}")


def build_faq(c: Ctx) -> str:
    """Two-column grid of questions and answers."""
    p, css = c.pal, c.css
    css.add(
        ".faq-list",
        display="grid",
        grid_template_columns="1fr 1fr",
        column_gap="48px",
        row_gap="8px",
    )
    css.add(".faq-item", padding="18px 0", border_bottom=f"1px solid {p.border}")
    css.add(".faq-question", font_weight=700, margin="0 0 8px", color=p.text, font_size="17px")
    css.add(".faq-answer", margin="0", color=p.muted, line_height="1.6")
    items = "".join(
        f'<div class="faq-item"><h3 class="faq-question">{e(c.headline(8))}?</h3>'
        f'<p class="faq-answer">{e(c.fake.sentence(18))}</p></div>\n'
        for _ in range(4)
    )
    head = heading(c, "Frequently asked questions", c.fake.sentence(10))
    return section(c, "faq", f'{head}\n<div class="faq-list">\n{items}</div>')


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


def build_stats(c: Ctx) -> str:
    """Dashboard KPI cards in a 4-column grid."""
    p, css = c.pal, c.css
    css.add(".stats", padding="24px 0")
    css.add(".stat-grid", display="grid", grid_template_columns="repeat(4, 1fr)", gap="20px")
    css.add(".stat-card", padding="22px", **c.card(p.surface))
    css.add(
        ".stat-label",
        font_size="12px",
        color=p.muted,
        text_transform="uppercase",
        letter_spacing="1px",
    )
    css.add(
        ".stat-value",
        font_size=c.px(28, 34),
        font_weight=700,
        color=p.text,
        margin="8px 0 4px",
        font_family=font_stack(c.head_font),
    )
    css.add(".stat-change", font_size="13px", font_weight=600, color=p.primary)
    r = c.rng
    kpis = [
        ("Revenue", f"${r.randint(10, 990)},{r.randint(100, 999)}"),
        ("Orders", f"{r.randint(100, 9999):,}"),
        ("New customers", f"{r.randint(20, 900)}"),
        ("Conversion", f"{r.randint(10, 90) / 10}%"),
        ("Avg. order", f"${r.randint(20, 240)}"),
        ("Sessions", f"{r.randint(1000, 99999):,}"),
    ]
    cards = "".join(
        f'<div class="stat-card"><div class="stat-label">{k}</div>'
        f'<div class="stat-value">{v}</div><div class="stat-change">'
        f"{c.pick('+', '−')}{r.randint(1, 30)}% vs last month</div></div>"
        for k, v in r.sample(kpis, 4)
    )
    return (
        f'<section class="stats">\n<div class="{container(c)} stat-grid">{cards}</div>\n</section>'
    )


def build_insights(c: Ctx) -> str:
    """Chart panel (inline SVG data URI) next to an activity feed, in a 2fr/1fr grid."""
    p, css = c.pal, c.css
    bars = "".join(
        f"<rect x='{i * 30 + 6}' y='{200 - h}' width='18' height='{h}' rx='3' fill='{p.primary}'/>"
        for i, h in enumerate(c.rng.sample(range(40, 195), 12))
    )
    svg = (
        "<svg xmlns='http://www.w3.org/2000/svg' viewBox='0 0 360 200' "
        f"preserveAspectRatio='none'>{bars}</svg>"
    )
    css.add(".insights", padding="8px 0 24px")
    css.add(".insights-grid", display="grid", grid_template_columns="2fr 1fr", gap="24px")
    css.add(".panel", padding="24px", **c.card(p.surface))
    css.add(".panel-title", font_size="16px", margin="0 0 16px", color=p.text)
    css.add(
        ".chart-canvas",
        height="260px",
        background_image=svg_uri(svg),
        background_size="100% 100%",
        border_bottom=f"1px solid {p.border}",
    )
    css.add(".activity-list", list_style="none", margin="0", padding="0")
    css.add(
        ".activity-item",
        display="flex",
        align_items="flex-start",
        gap="12px",
        padding="10px 0",
        border_bottom=f"1px solid {p.border}",
        font_size="14px",
        color=p.text,
    )
    css.add(
        ".activity-dot",
        flex="none",
        width="10px",
        height="10px",
        margin_top="5px",
        border_radius="50%",
        background_color=p.accent,
    )
    css.add(".activity-time", display="block", color=p.muted, font_size="12px")
    verbs = ("placed an order", "upgraded their plan", "left a review", "opened a ticket")
    acts = "".join(
        f'<li class="activity-item"><span class="activity-dot"></span><span>'
        f'{e(c.person())} {c.pick(*verbs)}<span class="activity-time">'
        f"{c.rng.randint(2, 59)} min ago</span></span></li>"
        for _ in range(5)
    )
    return (
        f'<section class="insights">\n<div class="{container(c)} insights-grid">\n'
        '<div class="panel"><h3 class="panel-title">Revenue by month</h3>'
        '<div class="chart-canvas"></div></div>\n<div class="panel"><h3 class="panel-title">'
        f'Recent activity</h3><ul class="activity-list">{acts}</ul></div>\n</div>\n</section>'
    )


def build_orders(c: Ctx) -> str:
    """Orders table with status pills."""
    p, css = c.pal, c.css
    css.add(".orders", padding="8px 0 48px")
    css.add(".orders-title", font_size="18px", margin="0 0 14px", color=p.text)
    css.add(
        ".status-pill",
        display="inline-block",
        padding="2px 10px",
        border_radius="999px",
        font_size="12px",
        font_weight=700,
        background_color=p.surface,
        color=p.primary,
        border=f"1px solid {p.primary}",
    )
    statuses = ("Paid", "Pending", "Shipped", "Refunded")
    rows = [
        [
            f"#{c.rng.randint(10000, 99999)}",
            e(c.person()),
            c.date(),
            f"${c.rng.randint(12, 900)}.00",
            f'<span class="status-pill">{c.pick(*statuses)}</span>',
        ]
        for _ in range(c.rng.randint(5, 7))
    ]
    tbl = table(c, "data-table", ["Order", "Customer", "Date", "Total", "Status"], rows, "order-id")
    return (
        f'<section class="orders">\n<div class="{container(c)}">\n<h2 class="orders-title">'
        f"Latest orders</h2>\n{tbl}\n</div>\n</section>"
    )


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


def build_schedule(c: Ctx) -> str:
    """Event programme as a table."""
    rooms = ("Main stage", "Hall B", "Workshop room", "Auditorium")
    rows = [
        [
            f"{9 + i:02d}:{c.pick('00', '30')}",
            f"<strong>{e(c.phrase())}</strong>",
            e(c.person()),
            c.pick(*rooms),
        ]
        for i in range(c.rng.randint(4, 6))
    ]
    tbl = table(c, "schedule-table", ["Time", "Session", "Speaker", "Room"], rows, "schedule-time")
    return section(c, "schedule", f"{heading(c, 'Programme', c.fake.sentence(12))}\n{tbl}")


def build_team(c: Ctx) -> str:
    """Grid of people cards with initials avatars."""
    p, css = c.pal, c.css
    cols = c.pick(3, 4)
    css.add(
        ".team-grid",
        display="grid",
        grid_template_columns=f"repeat({cols}, 1fr)",
        gap=c.px(20, 32, 4),
    )
    css.add(".team-card", text_align="center", padding="28px 20px", **c.card())
    css.add(
        ".avatar",
        display="flex",
        align_items="center",
        justify_content="center",
        width="88px",
        height="88px",
        margin="0 auto 16px",
        font_size="28px",
        font_weight=700,
        border_radius=c.pick("50%", f"{c.radius * 2}px"),
        color="#ffffff",
        background=f"linear-gradient(135deg, {p.primary}, {p.accent})",
    )
    css.add(".team-name", font_size="18px", margin="0 0 4px", color=p.text)
    css.add(
        ".team-role",
        font_size="12px",
        text_transform="uppercase",
        letter_spacing="1.5px",
        color=p.primary,
        margin="0 0 10px",
    )
    css.add(".team-bio", font_size="14px", color=p.muted, margin="0", line_height="1.5")
    cards = ""
    for _ in range(cols):
        av, name = avatar(c, "avatar")
        cards += (
            f'<div class="team-card">{av}<h3 class="team-name">{e(name)}</h3>'
            f'<p class="team-role">{e(c.fake.job())}</p><p class="team-bio">'
            f"{e(c.fake.sentence(10))}</p></div>\n"
        )
    title = "Speakers" if c.kind == "event" else c.pick("Meet the team", f"The people of {c.brand}")
    head = heading(c, title, c.fake.sentence(12))
    return section(c, "team", f'{head}\n<div class="team-grid">\n{cards}</div>')


def build_timeline(c: Ctx) -> str:
    """Company story: text column and a timeline with absolute-positioned dots."""
    p, css = c.pal, c.css
    css.add(
        ".story-grid",
        display="grid",
        grid_template_columns="1fr 1fr",
        gap="64px",
        align_items="start",
    )
    css.add(".story-text", font_size="17px", line_height="1.75", color=p.text)
    css.add(".story-text p", margin="0 0 18px")
    css.add(
        ".timeline",
        position="relative",
        margin="0",
        padding="0 0 0 32px",
        list_style="none",
        border_left=f"2px solid {p.border}",
    )
    css.add(".timeline-entry", position="relative", padding_bottom="24px")
    css.add(
        ".timeline-dot",
        position="absolute",
        left="-41px",
        top="4px",
        width="14px",
        height="14px",
        border_radius="50%",
        background_color=p.primary,
        border=f"3px solid {p.bg}",
    )
    css.add(".timeline-year", font_weight=800, color=p.primary, font_family=font_stack(c.head_font))
    css.add(".timeline-text", margin="4px 0 0", color=p.muted)
    year, entries = c.rng.randint(2005, 2014), ""
    for _ in range(4):
        entries += (
            f'<li class="timeline-entry"><span class="timeline-dot"></span><span '
            f'class="timeline-year">{year}</span><p class="timeline-text">'
            f"{e(c.fake.sentence(12))}</p></li>\n"
        )
        year += c.rng.randint(1, 4)
    story = "".join(f"<p>{e(c.fake.paragraph(4))}</p>" for _ in range(2))
    inner = (
        f'{heading(c, "Our story", c.fake.sentence(10))}\n<div class="story-grid">\n'
        f'<div class="story-text">{story}</div>\n<ol class="timeline">\n{entries}</ol>\n'
        "</div>"
    )
    return section(c, "story", inner)
