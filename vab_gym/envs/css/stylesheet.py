"""An editable stylesheet: style rules by selector, everything else kept verbatim.

Parsing is tinycss2's. Like VAB (which used cssutils), only top-level style rules can be
selected and edited; at-rules such as ``@media`` are kept as they are. Selectors are kept
in cssutils' ``selectorText`` form, the text VAB's ``actions.py:CSSInteractor.select_rule``
compares an agent's selector with.
"""

from __future__ import annotations

import copy
import re
from dataclasses import dataclass, field

import tinycss2

MAX_SELECTOR_CHARS = 500
MAX_VALUE_CHARS = 2_000
_PROPERTY = re.compile(r"^(--|-?[a-zA-Z])[a-zA-Z0-9_-]*$")


class CssError(ValueError):
    """Text that is not a selector, property or value the stylesheet can hold."""


_COMBINATORS = {">": " > ", "+": " + ", "~": " ~ ", ",": ", "}


def normalize_selector(selector: str) -> str:
    """``selector`` as cssutils writes ``selectorText``: one space around the combinators
    ``>``, ``+`` and ``~``, ``", "`` between the selectors of a group, whitespace runs as
    one space, attribute values in double quotes (``.a>.b`` -> ``.a > .b``). Not copied:
    cssutils' lowercasing of pseudo-class names and its respacing inside ``:not( )``."""
    parts: list[str] = []
    space = False
    for token in tinycss2.parse_component_value_list(selector, skip_comments=True):
        if token.type == "whitespace":
            space = True
            continue
        if token.type == "literal" and token.value in _COMBINATORS:
            parts.append(_COMBINATORS[token.value])
        else:
            if space and parts and not parts[-1].endswith(" "):
                parts.append(" ")
            # tinycss2 writes "2n+1" as "2n/**/+1" to keep the tokens apart; the text
            # re-tokenizes the same without the comment.
            parts.append(tinycss2.serialize([token]).replace("/**/", ""))
        space = False
    return "".join(parts).strip()


@dataclass
class Rule:
    """A style rule: a selector and its declarations in order (property -> value)."""

    selector: str
    declarations: dict[str, str] = field(default_factory=dict)

    def css(self) -> str:
        body = "".join(f"  {name}: {value};\n" for name, value in self.declarations.items())
        return f"{self.selector} {{\n{body}}}\n"


class Stylesheet:
    """Rules (editable) and raw at-rules (kept), in source order."""

    def __init__(self, items: list[Rule | str]) -> None:
        self.items = items

    @classmethod
    def parse(cls, text: str) -> Stylesheet:
        items: list[Rule | str] = []
        for node in tinycss2.parse_stylesheet(text, skip_comments=True, skip_whitespace=True):
            if node.type == "qualified-rule":
                rule = Rule(normalize_selector(tinycss2.serialize(node.prelude)))
                for decl in tinycss2.parse_blocks_contents(
                    node.content, skip_comments=True, skip_whitespace=True
                ):
                    if decl.type == "declaration":
                        value = tinycss2.serialize(decl.value).strip()
                        if decl.important:
                            value += " !important"
                        rule.declarations[decl.lower_name] = value
                items.append(rule)
            elif node.type == "at-rule":
                items.append(node.serialize().strip() + "\n")
        return cls(items)

    def css(self) -> str:
        return "\n".join(item.css() if isinstance(item, Rule) else item for item in self.items)

    def copy(self) -> Stylesheet:
        return Stylesheet(copy.deepcopy(self.items))

    @property
    def rules(self) -> list[Rule]:
        return [item for item in self.items if isinstance(item, Rule)]

    def find(self, selector: str) -> Rule | None:
        """The first rule whose selector text is exactly ``selector``, as VAB's
        ``select_rule`` compares (``rule.selectorText == selector``): ``.a>.b`` does not
        find the rule written ``.a>.b`` in the file, whose text is ``.a > .b``."""
        return next((r for r in self.rules if r.selector == selector), None)

    def remove(self, rule: Rule) -> int:
        """Remove ``rule``; return the index it had, for putting it back."""
        index = next(i for i, item in enumerate(self.items) if item is rule)
        del self.items[index]
        return index

    def insert(self, rule: Rule, index: int | None = None) -> None:
        self.items.insert(len(self.items) if index is None else index, rule)


def check_selector(selector: str) -> str:
    """A selector safe to write into the stylesheet, normalized; else :class:`CssError`."""
    if len(selector) > MAX_SELECTOR_CHARS:
        raise CssError(f"selector too long ({len(selector)} characters)")
    if "{" in selector or "}" in selector:
        raise CssError(f"{selector!r} is not a CSS selector")
    nodes = tinycss2.parse_rule_list(selector + " {}", skip_comments=True, skip_whitespace=True)
    if len(nodes) != 1 or nodes[0].type != "qualified-rule" or not selector.strip():
        raise CssError(f"{selector!r} is not a CSS selector")
    if any(tok.type in ("{} block", "error") or tok == ";" for tok in nodes[0].prelude):
        raise CssError(f"{selector!r} is not a CSS selector")
    return normalize_selector(tinycss2.serialize(nodes[0].prelude))


def check_declaration(name: str, value: str) -> tuple[str, str]:
    """A property and value safe to write into a rule; else :class:`CssError`.

    The value must parse as exactly one declaration's value, so text such as
    ``red; } body { display: none`` cannot escape its rule.
    """
    name = name.strip().lower()
    if not _PROPERTY.match(name):
        raise CssError(f"{name!r} is not a CSS property name")
    if len(value) > MAX_VALUE_CHARS:
        raise CssError(f"value too long ({len(value)} characters)")
    decls = [
        d
        for d in tinycss2.parse_blocks_contents(f"{name}: {value}", skip_whitespace=True)
        if d.type != "comment"
    ]
    if len(decls) != 1 or decls[0].type != "declaration":
        raise CssError(f"{value!r} is not a single CSS value")
    tokens = decls[0].value
    if any(t.type in ("{} block", "error") or t in (";", "{", "}") for t in tokens):
        raise CssError(f"{value!r} is not a single CSS value")
    text = tinycss2.serialize(tokens).strip()
    if not text:
        raise CssError(f"empty value for {name!r}")
    return name, text + (" !important" if decls[0].important else "")
