"""The marketing sections: features, client logos, testimonials, a stats band, a call to
action, a newsletter sign-up, pricing, a plan comparison and an FAQ.
"""

from __future__ import annotations

from vab_gym.envs.css.pagegen.context import (
    Ctx,
    avatar,
    button,
    container,
    e,
    font_stack,
    heading,
    section,
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
