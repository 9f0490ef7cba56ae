"""``get_selectors_by_html_elements``: which elements a query finds, which rules match them.

VAB (``actions.py:CSSInteractor.get_selectors_by_html_elements``) runs
``eval(f"self.soup.find_all({argument})")`` on the agent's text; :func:`find_all_arguments`
reads the same text as literals only, with the errors ``eval`` would raise for the usual
mistakes. VAB then matches each top-level style rule with its own matcher
(``get_selector_by_html_element``), whose bugs :func:`vab_matches` keeps: everything after a
``:`` is dropped (``li:nth-child(2)`` matches every ``li``), ``*``, ``~`` and ``#id.class``
never match, a descendant part may match the element itself, and a rule whose matcher raises
matches nothing. :func:`matches` is the fix: soupsieve, ignoring states and pseudo-elements.
"""

from __future__ import annotations

import ast
from typing import Any

import soupsieve

# States and pseudo-elements an element is matched without, as VAB's matcher intends.
_DYNAMIC = (
    "::before",
    "::after",
    "::placeholder",
    "::marker",
    ":hover",
    ":focus-visible",
    ":focus-within",
    ":focus",
    ":active",
    ":visited",
)


class QueryError(ValueError):
    """find_all arguments that VAB's ``eval`` would fail on, or that are not literals."""


def find_all_arguments(text: str) -> tuple[list[Any], dict[str, Any]]:
    """The positional and keyword arguments of ``soup.find_all(<text>)``, literals only."""
    source = f"self.soup.find_all({text})"
    try:  # compiling to a tree runs nothing; eval's SyntaxError has the same text
        tree = compile(source, "<string>", "eval", ast.PyCF_ONLY_AST)
    except SyntaxError as exc:
        raise QueryError(str(exc)) from None
    except (ValueError, RecursionError, MemoryError) as exc:
        raise QueryError(type(exc).__name__) from None
    call = tree.body
    if not (isinstance(call, ast.Call) and ast.unparse(call.func) == "self.soup.find_all"):
        raise QueryError("only literal find_all arguments are accepted")
    for node in [*call.args, *(k.value for k in call.keywords)]:
        if isinstance(node, ast.Name):  # what eval says of a bare word such as div
            raise QueryError(f"name '{node.id}' is not defined")
    if any(k.arg is None for k in call.keywords) or any(
        isinstance(a, ast.Starred) for a in call.args
    ):
        raise QueryError("only literal find_all arguments are accepted")
    try:
        positional = [ast.literal_eval(a) for a in call.args]
        keywords = {k.arg: ast.literal_eval(k.value) for k in call.keywords}
    except (ValueError, TypeError, SyntaxError, RecursionError, MemoryError):
        raise QueryError("only literal find_all arguments are accepted") from None
    return positional, keywords


def matches(selector: str, element: Any) -> bool:
    """Does the rule's selector match ``element`` (states and pseudo-elements ignored)?"""
    for dynamic in _DYNAMIC:
        selector = selector.replace(dynamic, "")
    try:
        return bool(soupsieve.match(selector, element))
    except Exception:  # a selector soupsieve cannot read matches nothing, as in VAB
        return False


def vab_matches(selector_text: str, element: Any) -> bool:
    """VAB's matcher for one rule: true if a selector of the group matches and none of
    them raises (VAB loses the whole rule's result when one raises)."""
    try:
        return any([_complex(element, _cut_pseudo(group)) for group in selector_text.split(",")])
    except Exception:  # VAB: ``except Exception: selectors = []``
        return False


def _cut_pseudo(selector: str) -> str:
    return selector.split("::")[0].split(":")[0]


def _complex(element: Any, selector: str) -> bool:
    """VAB's ``matches_complex_selector``: parts from the right; ``a>b`` and ``a+b`` written
    without spaces become one part; a descendant part is looked for from the current
    element upwards (the current element included)."""
    while " + " in selector:
        selector = selector.replace(" + ", "+")
    while " > " in selector:
        selector = selector.replace(" > ", ">")
    current = element
    for index, part in enumerate(reversed(selector.split())):
        if ">" in part:
            parent, child = part.split(">")  # a>b>c raises, as in VAB
            if not _simple(current, child.strip()):
                return False
            current = current.parent
            if current is None or not _simple(current, parent.strip()):
                return False
        elif "+" in part:
            previous, following = part.split("+")
            if not _simple(current, following.strip()):
                return False
            current = current.find_previous_sibling()
            if current is None or not _simple(current, previous.strip()):
                return False
        elif index > 0:
            while current is not None and not _simple(current, part.strip()):
                current = current.parent
            if current is None:
                return False
        elif not _simple(current, part.strip()):
            return False
    return True


def _simple(element: Any, selector: str) -> bool:
    """VAB's ``matches_simple_selector``: ``#id``, ``.a.b``, or ``tag.a[attr=value]``."""
    classes = element.get("class", [])
    if selector.startswith("#"):
        return element.get("id") == selector[1:]
    if selector.startswith("."):
        return all(c in classes for c in selector[1:].split("."))
    tag, *wanted = selector.split(".")
    if not tag:
        raise ValueError("empty simple selector")  # VAB: TypeError on `'[' in None`
    tag = tag.split("[")[0]
    if tag and tag != element.name:
        return False
    if not all(c in classes for c in wanted):
        return False
    if "[" in selector and "]" in selector:
        attr = selector[selector.find("[") + 1 : selector.find("]")].split("=")
        value = attr[1].strip('"') if len(attr) > 1 else None
        return element.get(attr[0]) == value if value else element.has_attr(attr[0])
    return True
