"""VAB-CSS's actions (VAB src/server/tasks/css_agent), declared once.

VAB's ``get_selectors_by_html_elements`` ``eval``s a BeautifulSoup ``find_all`` argument
string; here the same query is structured (tag, attributes, text, class, id), and VAB's
argument string is still accepted, parsed as literals only.
"""

from __future__ import annotations

from vab_gym.core.actions import ActionSet, ActionSpec, Param

FIXED_PHRASE = "I have fixed the css style"


def _fixed_phrase(text: str) -> str | None:
    """VAB ends an episode when the reply contains its fixed phrase."""
    return "done()" if FIXED_PHRASE in text else None


CSS_ACTIONS = ActionSet(
    ActionSpec(
        "get_selectors_by_html_elements",
        "Find HTML elements (as BeautifulSoup's find_all does) and list the stylesheet's "
        "selectors that match them.",
        (
            Param("name", str, "tag name, e.g. 'div'; or VAB's find_all argument string, "
                  "e.g. \"'a', class_='nav'\"", None),
            Param("attrs", dict, "attributes the elements must have, e.g. {'id': 'main'}",
                  None),
            Param("string", str, "text the elements must contain exactly", None),
            Param("class_", str, "a CSS class the elements must have", None),
            Param("id", str, "the id the element must have", None),
        ),
    ),
    ActionSpec(
        "select_rule",
        "Show the properties of the CSS rule with exactly this selector.",
        (Param("selector", str, "the rule's selector, e.g. '.nav-links a'"),),
    ),
    ActionSpec(
        "edit_rule",
        "Set one property of a rule (added if absent); returns the new screenshot. Most "
        "layout issues come from categorical properties: display, float, position, flex...",
        (
            Param("selector", str, "the rule's selector"),
            Param("property", str, "the CSS property, e.g. 'display'"),
            Param("value", str, "the new value, e.g. 'flex'"),
        ),
    ),
    ActionSpec(
        "insert_rule",
        "Add a new rule at the end of the stylesheet; returns the new screenshot.",
        (
            Param("selector", str, "the new rule's selector"),
            Param("properties", dict, "property -> value, e.g. {'display': 'flex'}"),
        ),
    ),
    ActionSpec("revert_last_edit", "Undo the last edit or insertion (repeatable)."),
    ActionSpec(
        "done",
        f'Finish: the page matches the target (VAB\'s "{FIXED_PHRASE}" is accepted too).',
    ),
    preparsers=(_fixed_phrase,),
)
