"""The dashboard sections: stat cards, insights and an orders table."""

from __future__ import annotations

from vab_gym.envs.css.pagegen.context import (
    Ctx,
    container,
    e,
    font_stack,
    svg_uri,
    table,
)


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
