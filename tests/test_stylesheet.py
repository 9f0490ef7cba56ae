"""The editable stylesheet: parsing, serialization, and what agent text may write."""

import pytest

from vab_gym.envs.css.stylesheet import CssError, Stylesheet, check_declaration, check_selector

CSS = """/* a comment */
.nav  >  a { color: red; margin: 0 auto }
@media (max-width: 600px) { .nav { display: none } }
.card { background: url(x.png) !important; display: flex; }
"""


def test_round_trip_keeps_rules_and_at_rules():
    sheet = Stylesheet.parse(CSS)
    assert [r.selector for r in sheet.rules] == [".nav > a", ".card"]
    assert sheet.find(".nav > a").declarations == {"color": "red", "margin": "0 auto"}
    assert sheet.find(".nav  >  a") is None and sheet.find("'.nav > a'") is None
    assert sheet.find(".card").declarations["background"] == "url(x.png) !important"
    again = Stylesheet.parse(sheet.css())
    assert again.css() == sheet.css()
    assert "@media (max-width: 600px)" in sheet.css()


def test_copy_is_independent():
    sheet = Stylesheet.parse(CSS)
    other = sheet.copy()
    other.find(".card").declarations["display"] = "grid"
    assert sheet.find(".card").declarations["display"] == "flex"
    before = sheet.css()
    block = next(i for i in other.items if not isinstance(i, (str, type(other.rules[0]))))
    block.rules[0].declarations["display"] = "block"  # a rule inside the @media block
    block.items.clear()
    assert sheet.css() == before and other.copy().css() == other.css()


@pytest.mark.parametrize(
    "value",
    ["red; } body { display: none", "}", "red }", "{", "", "x" * 5000, "a; b"],
)
def test_values_cannot_escape_their_rule(value):
    with pytest.raises(CssError):
        check_declaration("color", value)


def test_values_and_selectors_that_are_fine():
    assert check_declaration(" Display ", "flex") == ("display", "flex")
    assert check_declaration("width", "calc(100% - 2px)") == ("width", "calc(100% - 2px)")
    assert check_declaration("color", "blue !important") == ("color", "blue !important")
    assert check_selector(".a:nth-child(2)  >  b") == ".a:nth-child(2) > b"


@pytest.mark.parametrize("selector", ["} body", "a {", ".x;", "", "a" * 600])
def test_bad_selectors(selector):
    with pytest.raises(CssError):
        check_selector(selector)


@pytest.mark.parametrize("name", ["col or", "1px", "x:y", ""])
def test_bad_property_names(name):
    with pytest.raises(CssError):
        check_declaration(name, "red")
