"""The storefront's product lists: Magento's layered navigation over a category or a search.

One function filters (``cat``, ``price``, ``price_from``/``price_to``, ``rating``), sorts
(``product_list_order``/``product_list_dir``) and pages (``p``, ``product_list_limit``) the
products, and counts each facet the way Magento does: by the products the *other* filters
leave.
"""

from __future__ import annotations

import math
import re
import sqlite3
from dataclasses import dataclass, field

from starlette.requests import Request

from ..formats import money
from .pages import PAGE_SIZES, SORTS
from .web import to_int, to_money

PRODUCT_SELECT = (
    "SELECT p.id, p.sku, p.name, p.url_key, p.brand, p.price, p.special_price, p.qty, "
    "p.is_in_stock, p.image_color, p.category_id, p.created_at, "
    "COALESCE(p.special_price, p.price) AS final_price, r.avg_rating, "
    "COALESCE(r.review_count, 0) AS review_count, "
    "(SELECT COUNT(*) FROM product_options o WHERE o.product_id = p.id) AS option_count "
    "FROM products p LEFT JOIN product_ratings r ON r.product_id = p.id"
)


@dataclass
class Listing:
    """One page of a filtered, sorted product list and its layered-navigation facets."""

    items: list[dict]
    total: int
    page: int
    pages: int
    limit: int
    order: str
    direction: str
    categories: list[dict] = field(default_factory=list)
    prices: list[dict] = field(default_factory=list)
    ratings: list[dict] = field(default_factory=list)
    filters: list[dict] = field(default_factory=list)


def parse_price(text: str | None) -> tuple[float, float | None] | None:
    """Magento's ``price=10-20`` (upper bound exclusive, open-ended ``300-``)."""
    match = re.fullmatch(r"\s*(\d+(?:\.\d+)?)?-(\d+(?:\.\d+)?)?\s*", text or "")
    if not match or not any(match.groups()):
        return None
    low, high = match.groups()
    return float(low or 0), float(high) if high else None


def price_buckets(prices: list[float]) -> list[tuple[int, int | None]]:
    """Magento-like automatic ranges: a power-of-ten step, at most ten ranges."""
    if not prices:
        return []
    top = max(prices)
    step = 10 ** max(1, len(str(int(top))) - 1)
    if top / step < 3:
        step //= 2 if step >= 20 else 1
    buckets = sorted({int(p // step) for p in prices})
    return [(b * step, (b + 1) * step) for b in buckets]


def subtree_ids(categories: dict[int, dict], root: int) -> set[int]:
    found = {root}
    changed = True
    while changed:
        more = {cid for cid, c in categories.items() if c["parent_id"] in found} - found
        changed = bool(more)
        found |= more
    return found


def product_listing(
    request: Request,
    conn: sqlite3.Connection,
    where: str,
    params: tuple = (),
    root: int | None = None,
    relevance: dict[int, float] | None = None,
) -> Listing:
    """Apply the request's ``cat``/``price``/``rating`` filters, sort and page to the
    enabled products matching ``where``. Facet counts honour the other active filters."""
    q = request.query_params
    rows = [
        dict(r) for r in conn.execute(f"{PRODUCT_SELECT} WHERE p.status = 1 AND {where}", params)
    ]
    categories = {r["id"]: dict(r) for r in conn.execute("SELECT * FROM categories")}
    price = parse_price(q.get("price"))
    if q.get("price_from") or q.get("price_to"):
        price = (to_money(q.get("price_from")) or 0.0, to_money(q.get("price_to")) or None)
    min_rating = to_int(q.get("rating"))
    cat = to_int(q.get("cat"))
    cat_ids = subtree_ids(categories, cat) if cat in categories else None

    def by_price(row: dict) -> bool:
        return price is None or (
            row["final_price"] >= price[0] and (price[1] is None or row["final_price"] < price[1])
        )

    def by_rating(row: dict) -> bool:
        return not min_rating or (row["avg_rating"] or 0) >= min_rating

    def by_category(row: dict) -> bool:
        return cat_ids is None or row["category_id"] in cat_ids

    matching = [r for r in rows if by_price(r) and by_rating(r) and by_category(r)]

    order = q.get("product_list_order", "relevance" if relevance is not None else "position")
    if order not in SORTS and not (order == "relevance" and relevance is not None):
        order = "position"
    direction = "desc" if q.get("product_list_dir") == "desc" and order != "relevance" else "asc"
    keys = {
        "position": lambda r: r["id"],
        "name": lambda r: r["name"].casefold(),
        "price": lambda r: r["final_price"],
        "rating": lambda r: r["avg_rating"] or 0,
        "relevance": lambda r: (relevance or {}).get(r["id"], 0),
    }
    matching.sort(key=lambda r: r["id"])
    matching.sort(key=keys[order], reverse=direction == "desc")

    limit = to_int(q.get("product_list_limit"), PAGE_SIZES[0])
    limit = limit if limit in PAGE_SIZES else PAGE_SIZES[0]
    pages = max(1, math.ceil(len(matching) / limit))
    page = min(max(1, to_int(q.get("p"), 1) or 1), pages)
    listing = Listing(
        matching[(page - 1) * limit : page * limit],
        len(matching),
        page,
        pages,
        limit,
        order,
        direction,
    )

    # Facets: each counts the products left by the *other* filters.
    facet_root = cat if cat in categories else root
    children = [c for c in categories.values() if c["parent_id"] == facet_root]
    in_scope = [r for r in rows if by_price(r) and by_rating(r)]
    for child in sorted(children, key=lambda c: c["position"]):
        ids = subtree_ids(categories, child["id"])
        count = sum(r["category_id"] in ids for r in in_scope)
        if count:
            listing.categories.append({**child, "count": count})
    for low, high in price_buckets(
        [r["final_price"] for r in rows if by_rating(r) and by_category(r)]
    ):
        count = sum(low <= r["final_price"] < high for r in rows if by_rating(r) and by_category(r))
        if count:
            listing.prices.append(
                {"low": low, "high": high, "count": count, "value": f"{low}-{high}"}
            )
    for stars_min in (4, 3, 2, 1):
        count = sum(
            (r["avg_rating"] or 0) >= stars_min for r in rows if by_price(r) and by_category(r)
        )
        if count:
            listing.ratings.append({"stars": stars_min, "count": count})
    if cat in categories:
        listing.filters.append(
            {"label": "Category", "value": categories[cat]["name"], "param": "cat"}
        )
    if price is not None:
        high_text = f"{money(price[1] - 0.01)}" if price[1] else "and above"
        listing.filters.append(
            {"label": "Price", "param": "price", "value": f"{money(price[0])} - {high_text}"}
        )
    if min_rating:
        listing.filters.append(
            {"label": "Rating", "value": f"{min_rating} stars & up", "param": "rating"}
        )
    return listing
