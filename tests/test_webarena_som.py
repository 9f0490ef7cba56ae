"""Set-of-Marks of VAB-WebArena-Lite on pages rendered by a real Chromium (1280x720): the
suite's own filter (som="suite"); VAB's rules are pinned in test_webarena_fidelity.py."""

from __future__ import annotations

import io

import numpy as np
import pytest
from PIL import Image

from vab_gym.envs.webarena.som import COLORS, Mark, draw_marks, marks_text, page_marks

VIEWPORT = {"width": 1280, "height": 720}
SQUARE = (
    "data:image/svg+xml,"
    + "%3Csvg xmlns='http://www.w3.org/2000/svg' width='40' height='40'%3E%3Crect width='40' height='40' fill='%23888'/%3E%3C/svg%3E"
)


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport=VIEWPORT)
    yield context.new_page()
    context.close()


def controls(marks: list[Mark]) -> list[Mark]:
    return [m for m in marks if m.interactive]


def texts(marks: list[Mark]) -> list[str]:
    return [m.text for m in marks]


def test_controls_are_listed_with_vab_text(page):
    page.set_content("""<body>
      <a href="/login">Sign In</a>
      <input placeholder="Search entire store here...">
      <input value="shoes" placeholder="ignored when a value is shown">
      <input aria-label="Quantity">
      <input type="password" value="secret" placeholder="Password">
      <button>  Add
          to   Cart </button>
      <select><option>Position</option> <option>Price</option></select>
      <textarea placeholder="Your review"></textarea>
      <div role="button" tabindex="0">Menu</div>
      <input type="submit" value="Go">
    </body>""")
    assert marks_text(page_marks(page, "suite")) == "\n".join(
        [
            "[0] [A] [Sign In]",
            "[1] [INPUT] [Search entire store here...]",
            "[2] [INPUT] [shoes]",
            "[3] [INPUT] [Quantity]",
            "[4] [INPUT] [Password]",
            "[5] [BUTTON] [Add to Cart]",
            "[6] [SELECT] [Position Price]",
            "[7] [TEXTAREA] [Your review]",
            "[8] [DIV] [Menu]",
            "[9] [INPUT] [Go]",
        ]
    )


def test_static_text_follows_vab(page):
    page.set_content("""<body>
      <h1>Shop</h1>
      <p>Free   shipping
         on orders over $100</p>
      <div>Leaf div</div>
      <div>Parent <b>bold</b></div>
      <p>Shop</p>
      <a href="#home">Home</a>
      <span>Home</span>
      <span>.promo { color: red }</span>
      <button><span>Go</span></button>
      <a href="#deep"><div><span>Deep text</span></div></a>
    </body>""")
    assert marks_text(page_marks(page, "suite")) == "\n".join(
        [
            "[] [StaticText] [Shop]",
            "[] [StaticText] [Free shipping on orders over $100]",
            "[] [StaticText] [Leaf div]",
            "[0] [A] [Home]",
            "[1] [BUTTON] [Go]",
            "[2] [A] [Deep text]",
        ]
    )


def test_marks_text_format():
    marks = [
        Mark(0, "A", "Sign In", (1, 2, 3, 4), (2.5, 4), True),
        Mark(-1, "StaticText", "$34.00", (0, 0, 5, 5), (2.5, 2.5), False),
        Mark(1, "INPUT", "Search entire store here...", (0, 0, 9, 9), (4.5, 4.5), True),
    ]
    assert marks_text(marks) == (
        "[0] [A] [Sign In]\n[] [StaticText] [$34.00]\n[1] [INPUT] [Search entire store here...]"
    )
    assert marks_text([]) == ""


def test_ids_follow_document_order_and_tag_elements(page):
    page.set_content("""<body>
      <button id="b1">One</button><p>text</p><a id="b2" href="#">Two</a>
      <span data-som-id="0" style="display:none">stale</span>
      <input id="b3" placeholder="Three">
    </body>""")
    marks = controls(page_marks(page, "suite"))
    assert [m.id for m in marks] == [0, 1, 2]
    tagged = page.eval_on_selector_all(
        "[data-som-id]", "els => els.map(e => [e.id, e.dataset.somId])"
    )
    assert tagged == [["b1", "0"], ["b2", "1"], ["b3", "2"]]
    # A new control on top renumbers everything; no element keeps an old id.
    page.evaluate("document.body.insertAdjacentHTML('afterbegin', '<button id=b0>Zero</button>')")
    assert texts(controls(page_marks(page, "suite"))) == ["Zero", "One", "Two", "Three"]
    tagged = page.eval_on_selector_all(
        "[data-som-id]", "els => els.map(e => [e.id, e.dataset.somId])"
    )
    assert tagged == [["b0", "0"], ["b1", "1"], ["b2", "2"], ["b3", "3"]]


def test_hidden_elements_are_not_marked(page):
    page.set_content("""<body>
      <button>Shown</button>
      <div style="display:none"><button>display none</button></div>
      <button style="visibility:hidden">visibility hidden</button>
      <button style="opacity:0">opacity zero</button>
      <div style="opacity:0"><a href="#">parent opacity zero</a></div>
      <button style="position:absolute; left:-9999px">off left</button>
      <button style="position:absolute; top:-500px">off top</button>
      <button style="width:0; height:0; padding:0; border:0; overflow:hidden">zero size</button>
      <span style="position:absolute; width:1px; height:1px; overflow:hidden; clip:rect(0 0 0 0)">screen reader only</span>
      <div style="overflow:hidden; width:100px; height:40px; position:relative">
        <button style="position:absolute; left:300px">clipped away</button></div>
      <button style="width:6px; height:6px; padding:0">tiny</button>
      <p>Visible paragraph</p>
    </body>""")
    assert (
        marks_text(page_marks(page, "suite"))
        == "[0] [BUTTON] [Shown]\n[] [StaticText] [Visible paragraph]"
    )


def test_elements_under_a_modal_are_not_marked(page):
    page.set_content("""<body>
      <button>Under</button><p>Under text</p>
      <div style="position:fixed; inset:0; background:rgba(0,0,0,.5); z-index:10">
        <div style="margin:100px auto; width:300px; background:white; padding:20px">
          <p>Are you sure?</p><button>Close</button></div></div>
    </body>""")
    assert (
        marks_text(page_marks(page, "suite"))
        == "[] [StaticText] [Are you sure?]\n[0] [BUTTON] [Close]"
    )


def test_below_the_fold_is_marked_only_after_scrolling(page):
    page.set_content("""<body style="margin:0">
      <button>Top</button><div style="height:1500px"></div><button>Bottom</button>
      <div style="height:1500px"></div></body>""")
    assert texts(page_marks(page, "suite")) == ["Top"]
    page.evaluate("window.scrollTo(0, 1200)")
    marks = page_marks(page, "suite")
    assert texts(marks) == ["Bottom"]
    _, y, _, h = marks[0].box
    assert y >= 0 and y + h <= VIEWPORT["height"]
    # The box is in viewport coordinates: the element really is there.
    assert (
        page.evaluate(
            "([x, y]) => document.elementFromPoint(x, y).textContent", list(marks[0].center)
        )
        == "Bottom"
    )


def test_partly_visible_box_is_clipped_to_the_viewport(page):
    page.set_content("""<body style="margin:0">
      <div style="height:700px"></div><button style="height:100px; width:200px">Half</button>
      <div style="height:1500px"></div></body>""")
    (mark,) = page_marks(page, "suite")
    assert mark.box == (0.0, 700.0, 200.0, 20.0)
    assert mark.center == (100.0, 710.0)


def test_iframes_are_ignored(page):
    page.set_content("""<body>
      <button>Outside</button>
      <iframe srcdoc="<button>Inside</button><p>Frame text</p>" width="400" height="200"></iframe>
    </body>""")
    page.frames[1].wait_for_selector("button")
    assert texts(page_marks(page, "suite")) == ["Outside"]


def test_nested_controls_are_counted_once(page):
    page.set_content(f"""<body>
      <a href="#buy"><button>Buy</button></a>
      <a href="#shoe"><img alt="Shoe" src="{SQUARE}" width="40" height="40"></a>
      <label><input type="checkbox"> Remember me</label>
      <div tabindex="0" style="padding:10px"><a href="#1">One</a> <a href="#2">Two</a></div>
      <div onclick="void 0" style="padding:10px; width:200px">Card only</div>
    </body>""")
    assert marks_text(page_marks(page, "suite")) == "\n".join(
        [
            "[0] [BUTTON] [Buy]",
            "[1] [IMG] [Shoe]",
            "[2] [INPUT] [Remember me]",
            "[3] [A] [One]",
            "[4] [A] [Two]",
            "[5] [DIV] [Card only]",
        ]
    )


def test_a_page_sized_control_is_left_out_as_in_vab(page):
    page.set_content("""<body style="margin:0">
      <div onclick="void 0" style="width:1280px; height:700px">whole page</div></body>""")
    assert page_marks(page, "suite") == []


def test_long_and_odd_unicode_text_is_truncated_to_200_code_points(page):
    page.set_content("""<body><style>p, button { height: 24px; overflow: hidden; }</style>
      <p id="long"></p><p id="emoji"></p><p id="spaces"></p>
      <p>Zero\u200bwidth e\u0301 \u05e9\u05dc\u05d5\u05dd\u00a0\u00a0\t end</p>
      <button id="far"></button></body>""")
    page.evaluate("""() => {
      long.textContent = 'word '.repeat(5000);
      emoji.textContent = 'é'.repeat(9) + '\\u{1F44D}'.repeat(300);
      spaces.textContent = '\\n'.repeat(6000) + 'x'.repeat(300);
      far.textContent = ' \\t '.repeat(3000) + 'Deep' + ' y'.repeat(500);
    }""")
    got = texts(page_marks(page, "suite"))
    assert got[0] == ("word " * 40).strip()
    assert got[1] == "é" * 9 + "\U0001f44d" * 191 and len(got[1]) == 200
    got[1].encode("utf-8")  # no half surrogate pair survived the cut
    assert got[2] == "x" * 200
    assert got[3] == "Zero\u200bwidth e\u0301 \u05e9\u05dc\u05d5\u05dd end"
    assert got[4].startswith("Deep y y") and len(got[4]) == 200


def test_huge_page_marks_only_the_viewport(page):
    rows = "".join(
        f'<li><a href="#{i}">Item {i}</a> <span>desc {i}</span> <button>Buy {i}</button></li>'
        for i in range(2500)
    )
    page.set_content(f"<body><ul>{rows}</ul></body>")
    assert page.evaluate("document.querySelectorAll('*').length") > 10_000
    marks = page_marks(page, "suite")
    assert 20 < len(controls(marks)) < 100  # only the rows in the viewport
    assert controls(marks)[0].text == "Item 0"


def test_a_line_of_thousands_of_inline_elements_stays_bounded(page):
    # No break opportunity: one line box of 4000 elements, where each of Chromium's hit tests
    # takes ~0.25 s (10 s for the 35 controls in view without som.js's time budget).
    pairs = "".join(f'<span>t{i}</span><a href="#{i}">l{i}</a>' for i in range(2000))
    page.set_content(f"<body><p>{pairs}</p></body>")
    marks = page_marks(page, "suite")  # finishes: som.js stops hit-testing after its time budget
    assert [m.text for m in controls(marks)[:3]] == ["l0", "l1", "l2"]
    assert len(controls(marks)) > 30


def test_drawn_marks_have_the_mark_colours(page):
    page.set_content("""<body style="margin:0; background:white">
      <button style="position:absolute; left:100px; top:100px; width:120px; height:40px">A</button>
      <a href="#" style="position:absolute; left:400px; top:300px; font-size:30px">Link</a>
      <p style="position:absolute; left:700px; top:500px">plain text</p></body>""")
    marks = page_marks(page, "suite")
    png = page.screenshot()
    image = draw_marks(png, marks)
    assert image.shape == (720, 1280, 3) and image.dtype == np.uint8
    plain = np.array(Image.open(io.BytesIO(png)).convert("RGB"))
    for mark in controls(marks):
        rgb = tuple(int(COLORS[mark.id % len(COLORS)][i : i + 2], 16) for i in (1, 3, 5))
        x, y, w, h = (round(v) for v in mark.box)
        left_edge = image[y + h // 2, x : x + 2]
        assert (left_edge == rgb).all(), (mark, left_edge)
        bottom_edge = image[y + h - 1, x + w // 2]
        assert tuple(bottom_edge) == rgb
        # The id label: a filled patch of the colour near the box.
        near = image[max(0, y - 20) : y + h + 20, max(0, x - 20) : x + w + 20]
        assert (near == rgb).all(axis=-1).sum() > 150
    # Static text gets no box; the rest of the picture is the screenshot.
    (text,) = [m for m in marks if not m.interactive]
    x, y, w, h = (round(v) for v in text.box)
    assert (
        image[y - 5 : y + h + 5, x - 5 : x + w + 5] == plain[y - 5 : y + h + 5, x - 5 : x + w + 5]
    ).all()
    assert (image[600:, :600] == plain[600:, :600]).all()


def test_drawn_marks_follow_the_device_scale(browser):
    context = browser.new_context(viewport=VIEWPORT, device_scale_factor=2)
    try:
        page = context.new_page()
        page.set_content(
            '<body style="margin:0"><button style="position:absolute; left:100px; top:100px; width:120px; height:40px">A</button></body>'
        )
        (mark,) = page_marks(page, "suite")
        assert mark.box == (100.0, 100.0, 120.0, 40.0)  # CSS pixels
        image = draw_marks(page.screenshot(), [mark], device_scale=2)
        assert image.shape == (1440, 2560, 3)
        rgb = tuple(int(COLORS[0][i : i + 2], 16) for i in (1, 3, 5))
        assert (image[240, 200:204] == rgb).all()  # a 4 px border at x = 2 * 100
        assert tuple(image[240, 206]) != rgb
    finally:
        context.close()


def test_marks_lead_actions_to_the_right_element(page):
    page.set_content("""<body style="margin:0; font: 20px/30px monospace">
      <script>window.clicks = []; document.addEventListener('click', e => {
        const el = e.target.closest('[id]'); if (el) clicks.push(el.id); e.preventDefault(); });</script>
      <button id="first">First</button> <button id="second">Second</button>
      <div style="width:300px">aaaaaaaaaaaaaaaaaa <a id="wrapped" href="#">bbbbb cccc</a> dddddddddddddddd</div>
      <input id="field" placeholder="Type here">
    </body>""")
    marks = controls(page_marks(page, "suite"))
    assert texts(marks) == ["First", "Second", "bbbbb cccc", "Type here"]
    ids = ["first", "second", "wrapped", "field"]
    for mark in marks:
        page.locator(f'[data-som-id="{mark.id}"]').click()
    assert page.evaluate("clicks") == ids
    page.evaluate("clicks.length = 0")
    for mark in marks:
        page.mouse.click(*mark.center)
    # The wrapped link's box centre is plain text; its click point is on one of its lines.
    assert page.evaluate("clicks") == ids
    page.locator('[data-som-id="3"]').fill("hello")
    assert [m.text for m in page_marks(page, "suite") if m.tag == "INPUT"] == ["hello"]


def test_realistic_listing_is_quick(page):
    jinja2 = pytest.importorskip("jinja2")
    faker = pytest.importorskip("faker")
    fake = faker.Faker()
    fake.seed_instance(7)
    products = [
        {
            "name": fake.catch_phrase(),
            "price": f"${fake.pyfloat(min_value=5, max_value=500):.2f}",
            "reviews": fake.random_int(0, 300),
        }
        for _ in range(48)
    ]
    html = jinja2.Template(LISTING).render(
        products=products, cats=[fake.word().title() for _ in range(10)], square=SQUARE
    )
    page.set_content(html)
    marks = page_marks(page, "suite")
    assert 120 <= len(marks) <= 200
    image = draw_marks(page.screenshot(), marks)
    assert image.shape == (720, 1280, 3)  # speed: benchmarks, not tests


LISTING = """<!DOCTYPE html><html><head><style>
body { margin: 0; font: 13px sans-serif; }
header { display: flex; gap: 12px; padding: 8px 16px; background: #eee; align-items: center; }
nav a { margin-right: 10px; }
.main { display: flex; }
aside { width: 180px; padding: 8px; }
aside li { margin: 2px 0; }
.grid { display: grid; grid-template-columns: repeat(6, 1fr); gap: 8px; padding: 8px; flex: 1; }
.card { border: 1px solid #ddd; padding: 6px; }
.card img { display: block; }
.card .name { display: block; height: 32px; overflow: hidden; }
</style></head><body>
<header><a href="/">Logo</a><nav>{% for c in cats %}<a href="/c/{{ loop.index }}">{{ c }}</a>{% endfor %}</nav>
<input placeholder="Search entire store here..."><button>Search</button><a href="/cart">My Cart</a></header>
<div class="main"><aside><strong>Shop By</strong><ul>{% for c in cats %}<li><a href="/f/{{ loop.index }}">{{ c }}</a> <span>({{ loop.index * 3 }})</span></li>{% endfor %}</ul>
<select><option>Position</option><option>Price</option></select></aside>
<div class="grid">{% for p in products %}<div class="card">
<a href="/p/{{ loop.index }}"><img src="{{ square }}" alt="{{ p.name }}" width="40" height="40"></a>
<a class="name" href="/p/{{ loop.index }}">{{ p.name }}</a>
<span class="price">{{ p.price }}</span> <span>{{ p.reviews }} reviews</span>
<button>Add to Cart</button></div>{% endfor %}</div></div></body></html>"""
