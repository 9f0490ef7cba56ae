"""An editable stylesheet: style rules by selector, everything else kept verbatim.

Parsing is tinycss2's. VAB (cssutils) selects and edits top-level style rules only: its
``actions.py:CSSInteractor.select_rule`` and ``get_selectors_by_html_elements`` loop over
the sheet's ``cssRules`` and skip every rule whose type is not ``STYLE_RULE``, so the rules
inside an ``@media`` block can be neither found nor edited. Here the style rules of an
``@media`` block are parsed too (:class:`MediaBlock`); they become editable when the
stylesheet is told which media queries apply (:attr:`Stylesheet.applicable`, set by the env
from the browser's ``matchMedia``), and stay out of reach otherwise, as in VAB. Other
at-rules are kept verbatim. Selectors are kept in cssutils' ``selectorText`` form, the text
VAB's ``select_rule`` compares an agent's selector with.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache

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
    media: str | None = None  # the query of the @media block holding it, if any

    def css(self) -> str:
        body = "".join(f"  {name}: {value};\n" for name, value in self.declarations.items())
        return f"{self.selector} {{\n{body}}}\n"


@dataclass
class MediaBlock:
    """An ``@media`` block: its query (``(min-width: 768px)``) and its rules, in order
    (nested at-rules kept verbatim)."""

    query: str
    items: list[Rule | str] = field(default_factory=list)

    def css(self) -> str:
        body = "".join(item.css() if isinstance(item, Rule) else item for item in self.items)
        return f"@media {self.query} {{\n{body}}}\n"

    @property
    def rules(self) -> list[Rule]:
        return [item for item in self.items if isinstance(item, Rule)]


def _parse_items(nodes: list, media: str | None) -> list[Rule | MediaBlock | str]:
    items: list[Rule | MediaBlock | str] = []
    for node in nodes:
        if node.type == "qualified-rule":
            items.append(_parse_rule(node, media))
        elif (
            node.type == "at-rule"
            and node.lower_at_keyword == "media"
            and node.content is not None
            and media is None
        ):
            query = " ".join(tinycss2.serialize(node.prelude).split())
            content = tinycss2.parse_rule_list(
                node.content, skip_comments=True, skip_whitespace=True
            )
            block = MediaBlock(query)
            block.items = [i for i in _parse_items(content, query) if not isinstance(i, MediaBlock)]
            items.append(block)
        elif node.type == "at-rule":
            items.append(node.serialize().strip() + "\n")
    return items


def _parse_rule(node, media: str | None) -> Rule:
    rule = Rule(normalize_selector(tinycss2.serialize(node.prelude)), media=media)
    for decl in tinycss2.parse_blocks_contents(
        node.content, skip_comments=True, skip_whitespace=True
    ):
        if decl.type == "declaration":
            value = tinycss2.serialize(decl.value).strip()
            if decl.important:
                value += " !important"
            rule.declarations[decl.lower_name] = value
    return rule


def _copied(item: Rule | MediaBlock | str) -> Rule | MediaBlock | str:
    if isinstance(item, Rule):
        return Rule(item.selector, dict(item.declarations), item.media)
    if isinstance(item, MediaBlock):
        return MediaBlock(item.query, [_copied(i) for i in item.items])
    return item


class Stylesheet:
    """Rules and ``@media`` blocks (editable) and raw at-rules (kept), in source order.

    ``applicable`` holds the media queries that apply where the page is shown; the rules
    of those blocks join the top-level rules in :attr:`rules` (what the actions select,
    edit and match). Empty, the default, is VAB's behaviour: top-level rules only.
    """

    def __init__(
        self, items: list[Rule | MediaBlock | str], applicable: frozenset[str] = frozenset()
    ) -> None:
        self.items = items
        self.applicable = applicable

    @classmethod
    def parse(cls, text: str) -> Stylesheet:
        """A new stylesheet from ``text``. Parsing a 240 KB framework stylesheet takes about
        half a second, and the env and the builder read the same few files again and
        again, so the parse of recent texts is kept and copied."""
        return _parsed(text).copy()

    def css(self) -> str:
        return "\n".join(item if isinstance(item, str) else item.css() for item in self.items)

    def copy(self) -> Stylesheet:
        """An independent copy (the strings are shared: they are immutable). Written out
        rather than ``copy.deepcopy``, which took about a second on a framework sheet."""
        return Stylesheet([_copied(item) for item in self.items], self.applicable)

    @property
    def media_queries(self) -> list[str]:
        """The queries of the stylesheet's ``@media`` blocks, each once, in order."""
        return list(dict.fromkeys(i.query for i in self.items if isinstance(i, MediaBlock)))

    @property
    def rules(self) -> list[Rule]:
        """The editable rules in source order: top-level ones, and those of the ``@media``
        blocks whose query is in :attr:`applicable`."""
        found: list[Rule] = []
        for item in self.items:
            if isinstance(item, Rule):
                found.append(item)
            elif isinstance(item, MediaBlock) and item.query in self.applicable:
                found.extend(item.rules)
        return found

    @property
    def all_rules(self) -> list[Rule]:
        """Every style rule, editable or not (media blocks that do not apply included)."""
        found: list[Rule] = []
        for item in self.items:
            if isinstance(item, Rule):
                found.append(item)
            elif isinstance(item, MediaBlock):
                found.extend(item.rules)
        return found

    def find(self, selector: str) -> Rule | None:
        """The first rule whose selector text is exactly ``selector``, as VAB's
        ``select_rule`` compares (``rule.selectorText == selector``): ``.a>.b`` does not
        find the rule written ``.a>.b`` in the file, whose text is ``.a > .b``."""
        return next((r for r in self.rules if r.selector == selector), None)

    def remove(self, rule: Rule) -> int:
        """Remove ``rule`` (top-level or in its ``@media`` block); return the index it had
        in its list, for putting it back."""
        for items in self._lists():
            index = next((i for i, item in enumerate(items) if item is rule), None)
            if index is not None:
                del items[index]
                return index
        raise ValueError(f"rule {rule.selector!r} is not in the stylesheet")

    def _lists(self):
        yield self.items
        for item in self.items:
            if isinstance(item, MediaBlock):
                yield item.items

    def insert(self, rule: Rule, index: int | None = None) -> None:
        self.items.insert(len(self.items) if index is None else index, rule)


@lru_cache(maxsize=8)
def _parsed(text: str) -> Stylesheet:
    nodes = tinycss2.parse_stylesheet(text, skip_comments=True, skip_whitespace=True)
    return Stylesheet(_parse_items(nodes, None))


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
