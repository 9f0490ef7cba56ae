"""What the agent sees of the phone: AndroidLab's labelled elements and its SoM picture.

``screen.js`` lists the page as Android's UI tree would (one node per visible view, bounds
in device pixels). :func:`som_elements` picks the elements AndroidLab numbers
(``page_executor/simple_vision_executor.py``: ``traverse_tree`` + ``set_elem_list``), and
:func:`draw_labels` draws their numbers as AndroidLab's ``utils_mobile/utils.py``
``draw_bbox_multi`` does: black boxes at half opacity with white digits, at the centre of
each element plus 10 px.
"""

from __future__ import annotations

import functools
import io
import math
from dataclasses import dataclass
from importlib import resources
from typing import Any

from PIL import Image, ImageDraw, ImageFont

# AndroidLab's distances in device pixels: two clickable (or texted) elements whose centres
# are this close are one; a focusable element this close to a clickable one is dropped.
SAME_CENTRE = 5
NEAR_CLICKABLE = 10
LABEL_OFFSET = 10  # draw_bbox_multi: text_offset = centre + 10
LABEL_PAD = 10  # putBText's vspace/hspace
LABEL_FONT_PX = 30  # about OpenCV's Hershey font at scale 1 (text height ~22 px)
FONT_FILES = ("DejaVuSans-Bold.ttf", "LiberationSans-Bold.ttf")


@dataclass(frozen=True)
class Node:
    """One view of the screen (device pixels)."""

    cls: str
    text: str
    desc: str
    content: str  # the text shown inside a clickable container
    clickable: bool
    focusable: bool
    long_clickable: bool
    scrollable: bool
    checkable: bool
    checked: bool
    selected: bool
    focused: bool
    editable: bool
    bounds: tuple[int, int, int, int]  # x1, y1, x2, y2
    dom_index: int
    parent: int = -1  # the index of the nearest enclosing node, -1 for none

    @property
    def center(self) -> tuple[int, int]:
        x1, y1, x2, y2 = self.bounds
        return (x1 + x2) // 2, (y1 + y2) // 2

    @property
    def label(self) -> str:
        """The words a person would read for it: its text, else its description, else
        what it contains."""
        return self.text or self.desc or self.content


@functools.cache
def script() -> str:
    return resources.files(__package__).joinpath("screen.js").read_text(encoding="utf-8")


def parse_nodes(raw: list[dict[str, Any]]) -> list[Node]:
    return [
        Node(
            cls=str(n["cls"]),
            text=str(n["text"]),
            desc=str(n["desc"]),
            content=str(n["content"]),
            clickable=bool(n["clickable"]),
            focusable=bool(n["focusable"]),
            long_clickable=bool(n["long_clickable"]),
            scrollable=bool(n["scrollable"]),
            checkable=bool(n["checkable"]),
            checked=bool(n["checked"]),
            selected=bool(n["selected"]),
            focused=bool(n["focused"]),
            editable=bool(n["editable"]),
            bounds=tuple(int(v) for v in n["bounds"]),
            dom_index=i,  # type: ignore[arg-type]
            parent=int(n.get("parent", -1)),
        )
        for i, n in enumerate(raw)
    ]


def _distance(a: tuple[int, int], b: tuple[int, int]) -> float:
    return math.hypot(a[0] - b[0], a[1] - b[1])


def _pass(nodes: list[Node], flag: str) -> list[Node]:
    """``traverse_tree``: nodes with ``flag`` set or with text or a description, in tree
    order, skipping one whose centre is within 5 px of one already taken."""
    taken: list[Node] = []
    for node in nodes:
        if not getattr(node, flag) and not (node.text.strip() or node.desc.strip()):
            continue
        if all(_distance(node.center, t.center) > SAME_CENTRE for t in taken):
            taken.append(node)
    return taken


def som_elements(nodes: list[Node]) -> list[Node]:
    """``set_elem_list``: the clickable pass, then focusable elements more than 10 px from
    every clickable one. Element ``i`` (from 1) is ``som_elements(...)[i - 1]``."""
    clickable = _pass(nodes, "clickable")
    extra = [
        n
        for n in _pass(nodes, "focusable")
        if all(_distance(n.center, c.center) > NEAR_CLICKABLE for c in clickable)
    ]
    return clickable + extra


@functools.cache
def _font(size: int) -> ImageFont.FreeTypeFont | ImageFont.ImageFont:
    for name in FONT_FILES:
        try:
            return ImageFont.truetype(name, size)
        except OSError:
            continue
    return ImageFont.load_default(size=size)


def draw_labels(
    picture: bytes | Image.Image, elements: list[Node], device_width: int
) -> Image.Image:
    """The screenshot (PNG bytes or a decoded RGB picture, left unchanged) with each
    element's number (from 1), as ``draw_bbox_multi`` draws it.

    Element centres are in device px; a screenshot narrower than ``device_width`` gets the
    labels scaled with it, as if drawn at device resolution and then scaled down."""
    image = (
        picture
        if isinstance(picture, Image.Image)
        else Image.open(io.BytesIO(picture)).convert("RGB")
    )
    scale = image.width / device_width
    shade = Image.new("RGB", image.size, (10, 10, 10))
    mask = Image.new("L", image.size, 0)
    mask_draw = ImageDraw.Draw(mask)
    font = _font(max(1, round(LABEL_FONT_PX * scale)))
    offset, pad = LABEL_OFFSET * scale, LABEL_PAD * scale
    spots = []
    for number, element in enumerate(elements, 1):
        x, y = (c * scale + offset for c in element.center)
        _left, top, right, bottom = font.getbbox(str(number))
        box = (x - pad, y - pad, x + right + pad, y + bottom - top + pad)
        mask_draw.rectangle(box, fill=128)  # putBText's alpha 0.5
        spots.append((x, y - top, str(number)))
    image = Image.composite(shade, image, mask)
    draw = ImageDraw.Draw(image)
    for x, y, text in spots:
        draw.text((x, y), text, font=font, fill=(255, 250, 250))
    return image


def element_lines(elements: list[Node]) -> str:
    """The labelled elements as text, one per line (an option; AndroidLab sends none)."""
    lines = []
    for number, e in enumerate(elements, 1):
        state = " checked" if e.checkable and e.checked else (" unchecked" if e.checkable else "")
        lines.append(f"[{number}] {e.cls}{state} {e.label!r}")
    return "\n".join(lines)


# utils_mobile/xml_tool.py mid_order_remove: these layout classes print no class name.
_PLAIN_LAYOUTS = ("View", "FrameLayout", "LinearLayout", "RelativeLayout")


def _actions(node: Node) -> str:
    """``mid_order_remove``'s action words."""
    words = "".join(
        word + " "
        for flag, word in (
            (node.clickable, "click"),
            (node.scrollable, "scroll"),
            (node.long_clickable, "long-click"),
            (node.checkable, "check"),
        )
        if flag
    )
    return words or ("focusable " if node.focusable else "")


def _merge_words(parent: str, child: str) -> str:
    """``merge_description``: the parent's words, then the child's words it lacks."""
    have = parent.replace(";", " ").replace(",", " ").replace(".", " ").split()
    merged = parent
    for part in child.replace(";", " ").replace(",", " ").replace(".", " ").split(";"):
        for word in part.split():
            if word not in have:
                merged += " " + word
    return merged.replace(";", ". ")


def compressed_xml(nodes: list[Node]) -> str:
    """AndroidLab's compressed UI tree (``UIXMLTree.process`` at level 1, ``plain_text``):
    nodes without an action are merged into their parent's description
    (``mid_order_merge``), each kept node is a line ``[id] class ;actions ; state ;extra
    ;text desc :`` followed by its bounds, children indented by 4. Ids are ``n`` + 4 hex
    digits of the node's position (AndroidLab's are random)."""
    desc = {
        i: (n.text + " " if n.text else "") + (n.desc + " " if n.desc else "")
        for i, n in enumerate(nodes)
    }
    keep = [bool(_actions(n)) for n in nodes]
    parent_of = {}
    for i, node in enumerate(nodes):
        parent = node.parent
        while parent >= 0 and not keep[parent]:
            parent = nodes[parent].parent
        parent_of[i] = parent
    for i in range(len(nodes)):  # tree order: parents merge before their ancestors read them
        if not keep[i] and parent_of[i] >= 0:
            desc[parent_of[i]] = _merge_words(desc[parent_of[i]], desc[i])
    children: dict[int, list[int]] = {}
    for i in range(len(nodes)):
        if keep[i] or parent_of[i] < 0:
            children.setdefault(parent_of[i], []).append(i)
    lines: list[str] = []

    def emit(i: int, depth: int) -> None:
        node = nodes[i]
        cls = "" if node.cls in _PLAIN_LAYOUTS else node.cls + " "
        state = ("checked " if node.checked else "") + ("selected " if node.selected else "")
        if node.checkable and not node.checked:
            state += "unchecked "
        extra = " selected, " if node.selected else ""
        line = f"[n{i:04x}] {cls};{_actions(node)}; {state};{extra};{desc[i]}".replace("\n", "")
        pad = " " * (4 * depth)
        x1, y1, x2, y2 = node.bounds
        lines.append(f"{pad}{line}: ")
        lines.append(f"{pad}    bounds: [{x1},{y1}][{x2},{y2}]")
        for child in children.get(i, []):
            emit(child, depth + 1)

    for root in children.get(-1, []):
        emit(root, 0)
    return "\n".join(lines)
