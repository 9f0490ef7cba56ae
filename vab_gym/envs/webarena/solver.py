"""The program solver of the local shop's tasks: knows the task (its ``metadata``) and acts
only through VAB's public actions. An information task's answer is taken from the page's
Set-of-Marks text where VAB's text shows it.

Each prototype has a plan, a generator of action texts. Between two actions the plan reads
the page's current Set-of-Marks (``session.marks``), so it finds buttons and fields by their
text at each step, scrolling down while what it needs is not in the viewport.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from typing import Any

import gymnasium as gym

from vab_gym.envs.webarena.som import Mark

MAX_SCROLLS = 4
FIELDS = ("INPUT", "SELECT", "TEXTAREA")
VIEWPORT = (1280, 720)
Plan = Iterator[str]


class NotOnPage(LookupError):
    """The plan needs a mark the page does not show, even after scrolling."""


class WebArenaSolver:
    """An :class:`~vab_gym.agents.base.Agent` for ``wal-local-*`` tasks."""

    def __init__(self) -> None:
        self.env: Any = None
        self._plan: Plan = iter(())

    def reset(self, env: gym.Env, obs: dict[str, Any], info: dict[str, Any]) -> None:
        self.env = env.unwrapped
        task = self.env.task
        plan = PLANS.get(task.metadata.get("prototype", ""))
        self._plan = plan(self, task.metadata["solution"]) if plan else iter(())

    def act(self, obs: dict[str, Any], info: dict[str, Any]) -> str:
        try:
            return next(self._plan)
        except (StopIteration, NotOnPage):
            return "stop [N/A]"

    # -- the page -------------------------------------------------------------------------
    def url(self, site: str, path: str = "") -> str:
        return self.env.urls[site] + path

    def marks(self) -> list[Mark]:
        return list(self.env.session.marks)

    def find(self, accept: Callable[[Mark], bool], first: str = "down") -> Iterator[str]:
        """Scroll until an interactive mark passes ``accept``; ``yield from`` gives it."""
        # one way first (forms go on below), then back the other way past the start
        then = "up" if first == "down" else "down"
        for direction in [first] * MAX_SCROLLS + [then] * (2 * MAX_SCROLLS) + [None]:
            mark = next((m for m in self.marks() if m.interactive and _in_view(m)
                         and accept(m)), None)
            if mark is not None:
                return mark
            if direction is None:
                break
            yield f"scroll [{direction}]"
        raise NotOnPage("no such element on the page")

    def button(self, text: str, tags: tuple[str, ...] = ("BUTTON",),
               first: str = "down") -> Iterator[str]:
        mark = yield from self.find(lambda m: m.tag in tags and m.text.strip() == text, first)
        return mark

    def field(self, label: str) -> Iterator[str]:
        """The form field that the label ``label`` names (its <label>, placeholder or
        aria-label: the mark's ``label``, which the agent is not shown)."""
        mark = yield from self.find(lambda m: m.tag in FIELDS and m.label.strip() == label)
        return mark

    def replace_text(self, mark: Mark, text: str, enter: bool) -> Plan:
        """VAB's ``type`` adds to what a field holds: clear it first."""
        yield f"clear [{mark.id}]"
        yield f"type [{mark.id}] [{text}] [{int(enter)}]"

    # -- plans: information seeking -------------------------------------------------------
    def look_and_answer(self, site: str, path: str, answer: str) -> Plan:
        yield f"goto [{self.url(site, path)}]"
        shown = yield from self.read(answer)
        yield f"stop [{answer if shown is None else shown}]"

    def read(self, answer: str) -> Iterator[str]:
        """The answer as the page's Set-of-Marks text shows it, scrolling down to it; None
        where VAB's text does not show it (a table cell, a count to make: the screenshot
        does), and the plan answers from the task's record."""
        pattern = re.compile(rf"(?<![\w.]){re.escape(answer)}(?!\w)")
        for direction in ["down"] * MAX_SCROLLS + [None]:
            for mark in self.marks():
                found = pattern.search(mark.text) if mark.shown else None
                if found:
                    return found.group()
            if direction is None:
                break
            yield f"scroll [{direction}]"
        return None

    def product_fact(self, s: dict) -> Plan:
        yield from self.look_and_answer("shopping", s["product_url"], s["answer"])

    def order_fact(self, s: dict) -> Plan:
        yield from self.look_and_answer("shopping", s["order_path"], s["answer"])

    def address_fact(self, s: dict) -> Plan:
        yield from self.look_and_answer("shopping", s["path"], s["answer"])

    def category_fact(self, s: dict) -> Plan:
        yield from self.look_and_answer("shopping", s["category_url"], s["answer"])

    def admin_fact(self, s: dict) -> Plan:
        yield from self.look_and_answer("shopping_admin", s["admin_path"], s["answer"])

    # -- plans: navigation ----------------------------------------------------------------
    def open_url(self, s: dict) -> Plan:
        yield f"goto [{self.url('shopping', s['url'])}]"
        yield "stop []"

    def search_by_price(self, s: dict) -> Plan:
        box = yield from self.find(lambda m: m.tag == "INPUT" and "Search" in m.label)
        yield f"type [{box.id}] [{s['query']}] [1]"
        page = self.env.session.page.url
        yield f"goto [{page}{'&' if '?' in page else '?'}product_list_order=price]"
        yield "stop []"

    def open_reviews(self, s: dict) -> Plan:
        yield f"goto [{self.url('shopping', s['product_url'])}]"
        reviews = f"/review/product/list/id/{s['product_id']}/"
        yield f"goto [{self.url('shopping', reviews)}]"
        yield "stop []"

    def open_account_page(self, s: dict) -> Plan:
        account = yield from self.button("My Account", ("A",))
        yield f"click [{account.id}]"
        link = yield from self.button(s["link"], ("A",))
        yield f"click [{link.id}]"
        yield "stop []"

    def admin_open(self, s: dict) -> Plan:
        yield f"goto [{self.url('shopping_admin', s['path'])}]"
        yield "stop []"

    def admin_product_edit(self, s: dict) -> Plan:
        path = f"/catalog/product/edit/id/{s['product_id']}/"
        yield f"goto [{self.url('shopping_admin', path)}]"
        yield "stop []"

    # -- plans: changes of state ----------------------------------------------------------
    def add_to(self, s: dict, button: str) -> Plan:
        yield f"goto [{self.url('shopping', s['product_url'])}]"
        mark = yield from self.button(button)
        yield f"click [{mark.id}]"

    def add_to_cart(self, s: dict) -> Plan:
        yield from self.add_to(s, "Add to Cart")
        yield "stop []"

    def add_to_wishlist(self, s: dict) -> Plan:
        yield from self.add_to(s, "Add to Wish List")
        yield "stop []"

    def place_order(self, s: dict) -> Plan:
        yield from self.add_to(s, "Add to Cart")
        yield f"goto [{self.url('shopping', '/checkout/')}]"
        mark = yield from self.button("Place Order")  # ships to the saved default address
        yield f"click [{mark.id}]"
        yield "stop []"

    def change_address_city(self, s: dict) -> Plan:
        yield f"goto [{self.url('shopping', s['address_path'])}]"
        city = yield from self.field("City")
        yield from self.replace_text(city, s["city"], enter=True)  # Enter submits the form
        yield "stop []"

    def post_review(self, s: dict) -> Plan:
        yield f"goto [{self.url('shopping', s['review_path'])}]"
        label = f"{s['stars']} star" + ("s" if s["stars"] > 1 else "")
        stars = yield from self.find(lambda m: label in (m.text.strip(), m.label.strip()))
        yield f"click [{stars.id}]"
        summary = yield from self.field("Summary")
        yield f"type [{summary.id}] [{s['title']}] [0]"
        detail = yield from self.field("Review")
        yield f"type [{detail.id}] [{s['detail']}] [0]"
        submit = yield from self.button("Submit Review")
        yield f"click [{submit.id}]"
        yield "stop []"

    def update_price(self, s: dict) -> Plan:
        yield f"goto [{self.url('shopping_admin', s['edit_path'])}]"
        price = yield from self.field("Price")
        yield from self.replace_text(price, str(s["new_price"]), enter=True)  # submits
        yield "stop []"

    def cancel_order(self, s: dict) -> Plan:
        yield f"goto [{self.url('shopping_admin', s['path'])}]"
        cancel = yield from self.button("Cancel")
        yield f"click [{cancel.id}]"
        yield "stop []"


def _in_view(mark: Mark) -> bool:
    """Whether the mouse can reach the mark: VAB clicks the centre of its whole box."""
    x, y = mark.center
    return mark.shown and 0 <= x < VIEWPORT[0] and 0 <= y < VIEWPORT[1]


PLANS: dict[str, Callable[[WebArenaSolver, dict], Plan]] = {
    "product_price": WebArenaSolver.product_fact,
    "review_count": WebArenaSolver.product_fact,
    "product_rating": WebArenaSolver.product_fact,
    "product_brand": WebArenaSolver.product_fact,
    "product_sku": WebArenaSolver.product_fact,
    "category_under_price": WebArenaSolver.category_fact,
    "order_total": WebArenaSolver.order_fact,
    "order_status": WebArenaSolver.order_fact,
    "order_date": WebArenaSolver.order_fact,
    "latest_order": WebArenaSolver.order_fact,
    "default_address_city": WebArenaSolver.address_fact,
    "bestsellers": WebArenaSolver.admin_fact,
    "orders_in_status": WebArenaSolver.admin_fact,
    "customer_email": WebArenaSolver.admin_fact,
    "open_category": WebArenaSolver.open_url,
    "search_by_price": WebArenaSolver.search_by_price,
    "open_reviews": WebArenaSolver.open_reviews,
    "open_account_page": WebArenaSolver.open_account_page,
    "admin_order_view": WebArenaSolver.admin_open,
    "admin_product_edit": WebArenaSolver.admin_product_edit,
    "add_to_cart": WebArenaSolver.add_to_cart,
    "add_to_wishlist": WebArenaSolver.add_to_wishlist,
    "change_address_city": WebArenaSolver.change_address_city,
    "post_review": WebArenaSolver.post_review,
    "update_price": WebArenaSolver.update_price,
    "cancel_order": WebArenaSolver.cancel_order,
    "place_order": WebArenaSolver.place_order,
}
