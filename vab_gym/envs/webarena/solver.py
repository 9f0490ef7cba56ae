"""The program solver of the local shop's tasks: knows the task (its ``metadata``) and acts
only through VAB's public actions. An information task's answer is taken from the page's
Set-of-Marks text where VAB's text shows it.

Each prototype has a plan, a generator of steps: ``(action, thought)`` pairs, the thought
being the step's rationale in the agent's voice (:attr:`WebArenaSolver.last_step`). Between
two actions the plan reads the page's current Set-of-Marks (``session.marks``), so it finds
buttons and fields by their text at each step, scrolling down while what it needs is not in
the viewport.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from typing import Any
from urllib.parse import urlsplit

import gymnasium as gym

from vab_gym.envs.webarena.som import Mark

MAX_SCROLLS = 4
FIELDS = ("INPUT", "SELECT", "TEXTAREA")
VIEWPORT = (1280, 720)
Step = tuple[str, str]  # (action, thought)
Plan = Iterator[Step]


class NotOnPage(LookupError):
    """The plan needs a mark the page does not show, even after scrolling."""


class WebArenaSolver:
    """An :class:`~vab_gym.agents.base.Agent` for ``wal-local-*`` tasks."""

    def __init__(self) -> None:
        self.env: Any = None
        self._plan: Plan = iter(())
        self.last_step: dict[str, Any] = {}

    def reset(self, env: gym.Env, obs: dict[str, Any], info: dict[str, Any]) -> None:
        self.env = env.unwrapped
        task = self.env.task
        plan = PLANS.get(task.metadata.get("prototype", ""))
        self._plan = plan(self, task.metadata["solution"]) if plan else iter(())
        self.last_step = {}

    def act(self, obs: dict[str, Any], info: dict[str, Any]) -> str:
        try:
            action, thought = next(self._plan)
        except (StopIteration, NotOnPage):
            action, thought = "stop [N/A]", "I cannot find what the task needs here, so I stop."
        self.last_step = {"thought": thought}
        return action

    # -- the page -------------------------------------------------------------------------
    def url(self, site: str, path: str = "") -> str:
        return self.env.urls[site] + path

    def marks(self) -> list[Mark]:
        return list(self.env.session.marks)

    def find(
        self, accept: Callable[[Mark], bool], what: str, first: str = "down"
    ) -> Iterator[Step]:
        """Scroll until an interactive mark passes ``accept`` (``what`` names it in the
        thoughts); ``yield from`` gives it."""
        # one way first (forms go on below), then back the other way past the start
        then = "up" if first == "down" else "down"
        for direction in [first] * MAX_SCROLLS + [then] * (2 * MAX_SCROLLS) + [None]:
            mark = next(
                (m for m in self.marks() if m.interactive and in_view(m) and accept(m)), None
            )
            if mark is not None:
                return mark
            if direction is None:
                break
            yield (
                f"scroll [{direction}]",
                f"I do not see {what} in the viewport; I scroll {direction} to find it.",
            )
        raise NotOnPage("no such element on the page")

    def button(
        self, text: str, tags: tuple[str, ...] = ("BUTTON",), first: str = "down"
    ) -> Iterator[Step]:
        mark = yield from self.find(
            lambda m: m.tag in tags and m.text.strip() == text,
            f"the '{text}' {'link' if tags == ('A',) else 'button'}",
            first,
        )
        return mark

    def field(self, label: str) -> Iterator[Step]:
        """The form field that the label ``label`` names (its <label>, placeholder or
        aria-label: the mark's ``label``, which the agent is not shown)."""
        mark = yield from self.find(
            lambda m: m.tag in FIELDS and m.label.strip() == label, f"the {label} field"
        )
        return mark

    def replace_text(self, mark: Mark, label: str, text: str, enter: bool, why: str) -> Plan:
        """VAB's ``type`` adds to what a field holds: clear it first."""
        yield (
            f"clear [{mark.id}]",
            f"The {label} field [{mark.id}] already holds a value and "
            "typing adds to it, so I clear it first.",
        )
        yield from self.type_into(mark, label, text, enter, why)

    def type_into(self, mark: Mark, label: str, text: str, enter: bool, why: str) -> Plan:
        how = " and press Enter" if enter else ""
        yield (
            f"type [{mark.id}] [{text}] [{int(enter)}]",
            f"I type '{text}' into the {label} field [{mark.id}]{how}: {why}.",
        )

    def click(self, mark: Mark, why: str) -> Plan:
        named = f" '{mark.text.strip()}'" if mark.text.strip() else ""
        yield f"click [{mark.id}]", f"I click [{mark.id}]{named}: {why}."

    def goto(self, site: str, path: str, why: str) -> Plan:
        url = urlsplit(self.url(site, path))  # the whole path: admin pages under /admin
        shown = url.path + (f"?{url.query}" if url.query else "")
        yield f"goto [{self.url(site, path)}]", f"I open {shown}: {why}."

    def stop(self, answer: str = "", why: str = "the task is done") -> Plan:
        thought = (
            f"The page shows the answer: {answer}. I stop and give it."
            if answer
            else f"{why[:1].upper()}{why[1:]}, so I stop."
        )
        yield f"stop [{answer}]", thought

    # -- plans: information seeking -------------------------------------------------------
    def look_and_answer(self, site: str, path: str, answer: str, page: str) -> Plan:
        yield from self.goto(site, path, f"{page} shows what the task asks about")
        shown = yield from self.read(answer)
        yield from self.stop(answer if shown is None else shown)

    def read(self, answer: str) -> Iterator[Step]:
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
            yield (
                f"scroll [{direction}]",
                "The answer is not in view yet; I scroll down to read more of the page.",
            )
        return None

    def product_fact(self, s: dict) -> Plan:
        yield from self.look_and_answer(
            "shopping", s["product_url"], s["answer"], "the product's page"
        )

    def order_fact(self, s: dict) -> Plan:
        yield from self.look_and_answer(
            "shopping", s["order_path"], s["answer"], "the order's page"
        )

    def address_fact(self, s: dict) -> Plan:
        yield from self.look_and_answer("shopping", s["path"], s["answer"], "this account page")

    def category_fact(self, s: dict) -> Plan:
        yield from self.look_and_answer(
            "shopping", s["category_url"], s["answer"], "the category's listing"
        )

    def admin_fact(self, s: dict) -> Plan:
        yield from self.look_and_answer(
            "shopping_admin", s["admin_path"], s["answer"], "this admin page"
        )

    # -- plans: navigation ----------------------------------------------------------------
    def open_url(self, s: dict) -> Plan:
        yield from self.goto("shopping", s["url"], "it is the page the task wants open")
        yield from self.stop(why="the page the task asks for is open")

    def search_by_price(self, s: dict) -> Plan:
        box = yield from self.find(
            lambda m: m.tag == "INPUT" and "Search" in m.label, "the search box"
        )
        yield from self.type_into(box, "search", s["query"], True, "that searches the shop")
        page = self.env.session.page.url
        yield (
            f"goto [{page}{'&' if '?' in page else '?'}product_list_order=price]",
            "These are the search results; I sort them by price by opening the same "
            "listing with product_list_order=price.",
        )
        yield from self.stop(why="the results are sorted by price")

    def open_reviews(self, s: dict) -> Plan:
        yield from self.goto("shopping", s["product_url"], "it is the product's page")
        reviews = f"/review/product/list/id/{s['product_id']}/"
        yield from self.goto("shopping", reviews, "it lists this product's reviews")
        yield from self.stop(why="the product's reviews are open")

    def open_account_page(self, s: dict) -> Plan:
        account = yield from self.button("My Account", ("A",))
        yield from self.click(account, "the account pages are reached from there")
        link = yield from self.button(s["link"], ("A",))
        yield from self.click(link, "it is the account page the task asks for")
        yield from self.stop(why=f"the {s['link']} page is open")

    def admin_open(self, s: dict) -> Plan:
        yield from self.goto(
            "shopping_admin", s["path"], "it is the admin page the task wants open"
        )
        yield from self.stop(why="the admin page the task asks for is open")

    def admin_product_edit(self, s: dict) -> Plan:
        path = f"/catalog/product/edit/id/{s['product_id']}/"
        yield from self.goto("shopping_admin", path, "it is the product's edit page")
        yield from self.stop(why="the product's edit page is open")

    # -- plans: changes of state ----------------------------------------------------------
    def add_to(self, s: dict, button: str) -> Plan:
        yield from self.goto("shopping", s["product_url"], "it is the product's page")
        mark = yield from self.button(button)
        yield from self.click(mark, f"that is the product's {button} button")

    def add_to_cart(self, s: dict) -> Plan:
        yield from self.add_to(s, "Add to Cart")
        yield from self.stop(why="the product is in the cart")

    def add_to_wishlist(self, s: dict) -> Plan:
        yield from self.add_to(s, "Add to Wish List")
        yield from self.stop(why="the product is on the wish list")

    def place_order(self, s: dict) -> Plan:
        yield from self.add_to(s, "Add to Cart")
        yield from self.goto("shopping", "/checkout/", "the cart holds the product, so I check out")
        mark = yield from self.button("Place Order")  # ships to the saved default address
        yield from self.click(mark, "it places the order, shipped to the default address")
        yield from self.stop(why="the order is placed")

    def change_address_city(self, s: dict) -> Plan:
        yield from self.goto("shopping", s["address_path"], "it is the address's edit form")
        city = yield from self.field("City")
        yield from self.replace_text(
            city,
            "City",
            s["city"],
            True,  # Enter submits the form
            "Enter saves the address",
        )
        yield from self.stop(why="the address is saved with the new city")

    def post_review(self, s: dict) -> Plan:
        yield from self.goto("shopping", s["review_path"], "it has the product's review form")
        label = f"{s['stars']} star" + ("s" if s["stars"] > 1 else "")
        stars = yield from self.find(
            lambda m: label in (m.text.strip(), m.label.strip()), f"the {label} rating"
        )
        yield from self.click(stars, f"the review gives {label}")
        summary = yield from self.field("Summary")
        yield from self.type_into(summary, "Summary", s["title"], False, "the review's title")
        detail = yield from self.field("Review")
        yield from self.type_into(detail, "Review", s["detail"], False, "the review's text")
        submit = yield from self.button("Submit Review")
        yield from self.click(submit, "the form is filled in, so I submit it")
        yield from self.stop(why="the review is posted")

    def update_price(self, s: dict) -> Plan:
        yield from self.goto("shopping_admin", s["edit_path"], "it is the product's edit page")
        price = yield from self.field("Price")
        yield from self.replace_text(
            price,
            "Price",
            str(s["new_price"]),
            True,  # submits
            "Enter saves the product",
        )
        yield from self.stop(why="the product is saved with the new price")

    def cancel_order(self, s: dict) -> Plan:
        yield from self.goto("shopping_admin", s["path"], "it is the order's admin page")
        cancel = yield from self.button("Cancel")
        yield from self.click(cancel, "it cancels the order")
        yield from self.stop(why="the order is canceled")


def in_view(mark: Mark) -> bool:
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
