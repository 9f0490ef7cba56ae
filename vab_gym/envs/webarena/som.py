"""Set-of-Marks observation of a web page, as VAB-WebArena-Lite (VisualWebArena) makes it.

``page_marks`` finds the page's controls and text in the viewport with one in-page script
(``som.js``), ``draw_marks`` draws numbered boxes over the controls on a screenshot, and
``marks_text`` lists everything as ``[id] [TAG] [text]`` lines. Text outside controls is
listed as VAB does, ``[] [StaticText] [text]``, without a number or a box. Controls carry a
``data-som-id`` attribute; actions use the mouse at ``mark.center``, as VAB does.

Two modes. ``"vab"`` (the default) is VAB's ``processors.py:ImageObservationProcessor``:
its 19 selectors, ids from 1 in document order, every box in the viewport whether hidden
or covered, controls under 8 px unlisted but numbered, text with ``"`` removed and
newlines/tabs deleted (so a field shows ``[INPUT] []`` whatever it holds), the centre of
the whole box. ``"suite"`` is this project's filter: ids from 0, only what is visible and
topmost, one mark per nest of controls, more selectors, and a field's value, placeholder
or label as its text.
"""

from __future__ import annotations

import functools
import io
from dataclasses import dataclass
from importlib import resources
from typing import TYPE_CHECKING, Any

import numpy as np
from PIL import Image, ImageDraw, ImageFont

if TYPE_CHECKING:
    from playwright.sync_api import Page

STATIC_TAG = "StaticText"
SOM_MODES = ("vab", "suite")
# Matplotlib's default colour cycle ("tab10"), which VAB cycles through for its boxes.
COLORS = (
    "#1f77b4",
    "#ff7f0e",
    "#2ca02c",
    "#d62728",
    "#9467bd",
    "#8c564b",
    "#e377c2",
    "#7f7f7f",
    "#bcbd22",
    "#17becf",
)
# VAB's drawing, in CSS pixels: label font size, label padding, box outline width.
FONT_SIZE, LABEL_PAD, BORDER = 16, 2, 2
# VAB uses Source Code Pro SemiBold; a bold monospace of the system is the nearest stand-in.
FONT_FILES = ("DejaVuSansMono-Bold.ttf", "LiberationMono-Bold.ttf")

Rect = tuple[float, float, float, float]


@dataclass(frozen=True)
class Mark:
    """One element of the observation. Static text has ``id == -1`` (VAB does not number it)."""

    id: int
    tag: str
    text: str
    box: tuple[float, float, float, float]  # x, y, width, height: CSS px, visible part
    center: tuple[float, float]  # where the mouse acts (vab: the box centre; suite: a
    # point of the box where the element is topmost)
    interactive: bool
    shown: bool = True  # listed and drawn (vab: controls under 8 px are neither)
    label: str = ""  # a field's placeholder, aria-label or <label>: for tools, never shown
    typeable: bool = False  # a text field (typing enters text): for grounding, never shown


@functools.cache
def _script() -> str:
    return resources.files(__package__).joinpath("som.js").read_text(encoding="utf-8")


def page_marks(page: Page, mode: str = "vab") -> list[Mark]:
    """The marks of the page's viewport, in document order (one ``page.evaluate``)."""
    if mode not in SOM_MODES:
        raise ValueError(f"som mode {mode!r}: choose one of {SOM_MODES}")
    items = [_mark(item) for item in page.evaluate(_script(), mode)]
    return _vab_dedupe(items) if mode == "vab" else _suite_dedupe(items)


def _vab_dedupe(items: list[Mark]) -> list[Mark]:
    """draw_bounding_boxes' listing: a static text once, never empty or a stylesheet, and
    never after a control with the same text; controls always (VAB's attempt to drop an
    earlier static line equal to a control's text compares a whole line with the bare text,
    so it never drops one)."""
    marks: list[Mark] = []
    texts: set[str] = set()
    for mark in items:
        if mark.interactive:
            marks.append(mark)
            if mark.shown:
                texts.add(mark.text)
        elif (
            mark.text
            and not (mark.text.startswith(".") and "{" in mark.text)
            and mark.text not in texts
        ):
            texts.add(mark.text)
            marks.append(mark)
    return marks


def _suite_dedupe(items: list[Mark]) -> list[Mark]:
    marks: list[Mark] = []
    texts: set[str] = set()
    for mark in items:
        # VAB lists a text once, and never a text that an earlier line already shows,
        # nor a stylesheet that leaked into the page as text.
        if not mark.interactive and (
            mark.text in texts or (mark.text.startswith(".") and "{" in mark.text)
        ):
            continue
        texts.add(mark.text)
        marks.append(mark)
    return marks


def _mark(item: dict[str, Any]) -> Mark:
    x, y, w, h = (float(v) for v in item["box"])
    cx, cy = (float(v) for v in item["center"])
    interactive = bool(item["interactive"])
    tag = str(item["tag"]) if interactive else STATIC_TAG
    return Mark(
        int(item["id"]),
        tag,
        str(item["text"]),
        (x, y, w, h),
        (cx, cy),
        interactive,
        bool(item.get("shown", True)),
        str(item.get("label") or ""),
        bool(item.get("typeable", False)),
    )


def marks_text(marks: list[Mark]) -> str:
    """VAB's text observation: ``[id] [TAG] [text]`` per control, ``[] [StaticText] [text]``."""
    return "\n".join(
        f"[{m.id}] [{m.tag}] [{m.text}]" if m.interactive else f"[] [{STATIC_TAG}] [{m.text}]"
        for m in marks
        if m.shown
    )


@functools.cache
def _font(size: int) -> ImageFont.FreeTypeFont | ImageFont.ImageFont:
    for name in FONT_FILES:
        try:
            return ImageFont.truetype(name, size)
        except OSError:
            continue
    return ImageFont.load_default(size=size)


def draw_marks(
    screenshot_png: bytes, marks: list[Mark], device_scale: float = 1.0, first_id: int = 0
) -> np.ndarray:
    """The screenshot (HxWx3 uint8) with each control's box and number drawn as VAB does.

    ``device_scale`` is the screenshot's pixels per CSS pixel (the page's devicePixelRatio);
    ``first_id`` the number of the first control, which takes the first colour.
    """
    image = Image.open(io.BytesIO(screenshot_png)).convert("RGB")
    draw = ImageDraw.Draw(image)
    size = max(1, round(FONT_SIZE * device_scale))
    pad = LABEL_PAD * device_scale
    font = _font(size)
    taken: list[Rect] = []
    labels: list[tuple[Rect, tuple[float, float], str, str]] = []
    for mark in marks:
        if not (mark.interactive and mark.shown):
            continue
        x, y, w, h = (v * device_scale for v in mark.box)
        color = COLORS[(mark.id - first_id) % len(COLORS)]
        draw.rectangle(
            (x, y, x + w, y + h), outline=color, width=max(1, round(BORDER * device_scale))
        )
        label = str(mark.id)
        spot, rect = _label_spot(
            (x, y, x + w, y + h), draw.textlength(label, font=font), size, pad, image.size, taken
        )
        taken.append(rect)
        labels.append((rect, spot, label, color))
    # Labels go on top of every box, as in VAB.
    for rect, spot, label, color in labels:
        draw.rectangle(rect, fill=color)
        draw.text(spot, label, font=font, fill="white")
    return np.array(image)


def _label_spot(
    box: Rect,
    text_width: float,
    size: int,
    pad: float,
    image_size: tuple[int, int],
    taken: list[Rect],
) -> tuple[tuple[float, float], Rect]:
    """VAB's label placement: the first corner spot inside the image that overlaps no label
    already placed, else the last spot tried."""
    left, top, right, bottom = box
    spots = [
        (left - size, top - size),
        (left, top - size),
        (right, top - size),
        (right - size - 2 * pad, top - size),
        (left - size, bottom),
        (left, bottom),
        (right - size - 2 * pad, bottom),
    ]
    width, height = image_size
    rect: Rect = (0.0, 0.0, 0.0, 0.0)
    for sx, sy in spots:
        rect = (sx - pad, sy - pad, sx + text_width + pad, sy + size + pad)
        inside = rect[0] >= 0 and rect[1] >= 0 and rect[2] <= width and rect[3] <= height
        if inside and not any(_overlap(rect, other, 2 * pad) for other in taken):
            return (sx, sy), rect
    return spots[-1], rect


def _overlap(a: Rect, b: Rect, pad: float) -> bool:
    return not (a[2] < b[0] + pad or a[0] > b[2] - pad or a[1] > b[3] - pad or a[3] < b[1] + pad)
