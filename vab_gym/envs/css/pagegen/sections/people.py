"""The sections about events and people: a schedule, a team and a timeline."""

from __future__ import annotations

from vab_gym.envs.css.pagegen.context import (
    Ctx,
    avatar,
    e,
    font_stack,
    heading,
    section,
    table,
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
