"""The local shop as an ASGI app: a Magento-like storefront and its admin panel.

Pages render on the server from Jinja2 templates; every change is a plain HTML form posted
and answered with a redirect, so a page's HTML depends only on the database and the session.
URLs, form field names and a few DOM hooks follow WebArena's One Stop Market (Magento 2), so
WebArena-style evaluators (``url_match``, ``program_html``) read these pages the same way.
Each request opens its own SQLite connection: the server can swap the database under it.
"""

from __future__ import annotations

import datetime as dt
import json
import math
import re
import secrets
import sqlite3
from contextlib import AbstractContextManager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

from starlette.applications import Starlette
from starlette.datastructures import FormData
from starlette.exceptions import HTTPException
from starlette.middleware import Middleware
from starlette.middleware.sessions import SessionMiddleware
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Match, Mount, Route
from starlette.staticfiles import StaticFiles
from starlette.templating import Jinja2Templates

from vab_gym.core.webapp import local_path, redirect, request_database

from . import catalog
from .catalog import (
    FLAT_RATE,
    FREE_SHIPPING_FROM,
    ORDER_STATUSES,
    PAYMENT_METHOD,
    SHIPPING_METHODS,
    TODAY,
)

HERE = Path(__file__).parent
PAGE_SIZES = (12, 24, 36)
ADMIN_PAGE_SIZE = 20
SORTS = {"position": "Position", "name": "Product Name", "price": "Price", "rating": "Rating"}
# The states a shipping address may name, as Magento's region list shows them.
US_STATES = (
    "Alabama", "Alaska", "Arizona", "Arkansas", "California", "Colorado", "Connecticut",
    "Delaware", "Florida", "Georgia", "Hawaii", "Idaho", "Illinois", "Indiana", "Iowa", "Kansas",
    "Kentucky", "Louisiana", "Maine", "Maryland", "Massachusetts", "Michigan", "Minnesota",
    "Mississippi", "Missouri", "Montana", "Nebraska", "Nevada", "New Hampshire", "New Jersey",
    "New Mexico", "New York", "North Carolina", "North Dakota", "Ohio", "Oklahoma", "Oregon",
    "Pennsylvania", "Rhode Island", "South Carolina", "South Dakota", "Tennessee", "Texas",
    "Utah", "Vermont", "Virginia", "Washington", "West Virginia", "Wisconsin", "Wyoming",
)
ADDRESS_FIELDS = ("firstname", "lastname", "company", "street", "city", "region", "postcode",
                  "telephone")
SIGN_IN_ERROR = ("The account sign-in was incorrect or your account is disabled temporarily. "
                 "Please wait and try again later.")
CARRIERS = ("DHL", "FedEx", "UPS", "USPS")


# ----------------------------------------------------------------------- infrastructure

def shop_now() -> dt.datetime:
    """The store's clock: its fixed 'today' with the real time of day, so new orders and
    reviews sort after the seeded history (which ends the day before)."""
    return dt.datetime.combine(TODAY, dt.datetime.now().time().replace(microsecond=0))


def database(request: Request) -> AbstractContextManager[sqlite3.Connection]:
    """One connection per request, committed on success."""
    return request_database(request, catalog.connect)


def flash(request: Request, text: str, kind: str = "success") -> None:
    request.session.setdefault("messages", []).append([kind, text])


safe_path = local_path


def to_int(value: Any, default: int | None = None) -> int | None:
    try:
        return int(str(value).strip())
    except (TypeError, ValueError):
        return default


def to_money(value: Any) -> float | None:
    try:
        number = round(float(str(value).replace("$", "").replace(",", "").strip()), 2)
    except (TypeError, ValueError):
        return None
    return number if math.isfinite(number) and number >= 0 else None


def parse_date(text: str | None) -> dt.date | None:
    """Admin report dates as Magento shows them (``2/1/23``) or ISO (``2023-02-01``)."""
    if not text:
        return None
    for fmt in ("%m/%d/%y", "%m/%d/%Y", "%Y-%m-%d"):
        try:
            return dt.datetime.strptime(text.strip(), fmt).date()
        except ValueError:
            continue
    return None


def short_date(value: str | dt.date | None) -> str:
    """Magento's short locale date: ``2/1/23``."""
    if not value:
        return ""
    day = value if isinstance(value, dt.date) else dt.date.fromisoformat(str(value)[:10])
    return f"{day.month}/{day.day}/{day.year % 100:02d}"


def long_date(value: str) -> str:
    day = dt.date.fromisoformat(str(value)[:10])
    return f"{day:%B} {day.day}, {day.year}"


def admin_datetime(value: str) -> str:
    when = dt.datetime.fromisoformat(str(value))
    hour = when.hour % 12 or 12
    return f"{when:%b} {when.day}, {when.year} {hour}:{when:%M:%S} {when:%p}"


def money(value: float | None) -> str:
    return f"${(value or 0):,.2f}"


def stars(rating: float | None) -> str:
    full = round(rating or 0)
    return "★" * full + "☆" * (5 - full)


def percent(rating: float | None) -> int:
    return round((rating or 0) * 20)


def options_of(text: str) -> list[list[str]]:
    return json.loads(text or "[]")


def query_url(request: Request, **changes: Any) -> str:
    """The current URL with some query parameters changed (``None`` drops one)."""
    params = dict(request.query_params)
    for key, value in changes.items():
        if value is None or value == "":
            params.pop(key, None)
        else:
            params[key] = str(value)
    return request.url.path + ("?" + urlencode(params) if params else "")


def build_templates() -> Jinja2Templates:
    templates = Jinja2Templates(directory=str(HERE / "templates"))
    env = templates.env
    env.filters.update(money=money, stars=stars, percent=percent, short_date=short_date,
                       long_date=long_date, admin_datetime=admin_datetime,
                       options=options_of)
    env.globals.update(query_url=query_url, ORDER_STATUSES=ORDER_STATUSES, US_STATES=US_STATES,
                       SORTS=SORTS, PAGE_SIZES=PAGE_SIZES, CARRIERS=CARRIERS)
    return templates


# -------------------------------------------------------------------- page rendering

def category_tree(conn: sqlite3.Connection) -> list[dict]:
    rows = [dict(r) for r in conn.execute("SELECT * FROM categories ORDER BY level, position")]
    by_id = {row["id"]: {**row, "children": []} for row in rows}
    for row in rows:
        if row["parent_id"]:
            by_id[row["parent_id"]]["children"].append(by_id[row["id"]])
    return [by_id[row["id"]] for row in rows if row["level"] == 1]


def customer_of(request: Request, conn: sqlite3.Connection) -> sqlite3.Row | None:
    cid = request.session.get("customer_id")
    if cid is None:
        return None
    return conn.execute("SELECT * FROM customers WHERE id = ?", (cid,)).fetchone()


def cart_owner(request: Request, create: bool = True) -> str:
    """Whose cart: the customer's, else this browser's guest cart (made on first use)."""
    if request.session.get("customer_id") is not None:
        return f"customer:{request.session['customer_id']}"
    token = request.session.get("cart_token")
    if token is None and create:
        token = request.session["cart_token"] = secrets.token_hex(8)
    return f"guest:{token}"


def cart_lines(conn: sqlite3.Connection, owner: str) -> list[dict]:
    rows = conn.execute(
        "SELECT c.id, c.qty, c.options, p.id AS product_id, p.name, p.sku, p.url_key, "
        "p.image_color, p.qty AS stock, p.is_in_stock, COALESCE(p.special_price, p.price) "
        "AS price FROM cart_items c JOIN products p ON p.id = c.product_id "
        "WHERE c.owner = ? AND p.status = 1 ORDER BY c.id", (owner,)).fetchall()
    return [{**dict(r), "row_total": round(r["price"] * r["qty"], 2)} for r in rows]


def render(request: Request, conn: sqlite3.Connection, name: str, status: int = 200,
           **context: Any) -> Response:
    """A storefront page with the header's menu, mini-cart and account links filled in."""
    lines = cart_lines(conn, cart_owner(request, create=False))
    context.update(
        store=dict(conn.execute("SELECT key, value FROM store_config").fetchall()),
        menu=category_tree(conn), customer=customer_of(request, conn),
        cart_count=sum(line["qty"] for line in lines),
        cart_subtotal=round(sum(line["row_total"] for line in lines), 2),
        messages=request.session.pop("messages", []))
    return request.app.state.templates.TemplateResponse(request, name, context,
                                                        status_code=status)


def render_admin(request: Request, conn: sqlite3.Connection, name: str,
                 **context: Any) -> Response:
    admin = conn.execute("SELECT * FROM admin_users WHERE id = ?",
                         (request.session.get("admin_id"),)).fetchone()
    context.update(admin=admin, messages=request.session.pop("messages", []))
    return request.app.state.templates.TemplateResponse(request, f"admin/{name}", context)


# ---------------------------------------------------------------------- product lists

PRODUCT_SELECT = (
    "SELECT p.id, p.sku, p.name, p.url_key, p.brand, p.price, p.special_price, p.qty, "
    "p.is_in_stock, p.image_color, p.category_id, p.created_at, "
    "COALESCE(p.special_price, p.price) AS final_price, r.avg_rating, "
    "COALESCE(r.review_count, 0) AS review_count, "
    "(SELECT COUNT(*) FROM product_options o WHERE o.product_id = p.id) AS option_count "
    "FROM products p LEFT JOIN product_ratings r ON r.product_id = p.id")


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


def product_listing(request: Request, conn: sqlite3.Connection, where: str,
                    params: tuple = (), root: int | None = None,
                    relevance: dict[int, float] | None = None) -> Listing:
    """Apply the request's ``cat``/``price``/``rating`` filters, sort and page to the
    enabled products matching ``where``. Facet counts honour the other active filters."""
    q = request.query_params
    rows = [dict(r) for r in conn.execute(f"{PRODUCT_SELECT} WHERE p.status = 1 AND {where}",
                                          params)]
    categories = {r["id"]: dict(r) for r in conn.execute("SELECT * FROM categories")}
    price = parse_price(q.get("price"))
    if q.get("price_from") or q.get("price_to"):
        price = (to_money(q.get("price_from")) or 0.0, to_money(q.get("price_to")) or None)
    min_rating = to_int(q.get("rating"))
    cat = to_int(q.get("cat"))
    cat_ids = subtree_ids(categories, cat) if cat in categories else None

    def by_price(row: dict) -> bool:
        return price is None or (row["final_price"] >= price[0]
                                 and (price[1] is None or row["final_price"] < price[1]))

    def by_rating(row: dict) -> bool:
        return not min_rating or (row["avg_rating"] or 0) >= min_rating

    def by_category(row: dict) -> bool:
        return cat_ids is None or row["category_id"] in cat_ids

    matching = [r for r in rows if by_price(r) and by_rating(r) and by_category(r)]

    order = q.get("product_list_order", "relevance" if relevance is not None else "position")
    if order not in SORTS and not (order == "relevance" and relevance is not None):
        order = "position"
    direction = "desc" if q.get("product_list_dir") == "desc" and order != "relevance" \
        else "asc"
    keys = {"position": lambda r: r["id"], "name": lambda r: r["name"].casefold(),
            "price": lambda r: r["final_price"], "rating": lambda r: r["avg_rating"] or 0,
            "relevance": lambda r: (relevance or {}).get(r["id"], 0)}
    matching.sort(key=lambda r: r["id"])
    matching.sort(key=keys[order], reverse=direction == "desc")

    limit = to_int(q.get("product_list_limit"), PAGE_SIZES[0])
    limit = limit if limit in PAGE_SIZES else PAGE_SIZES[0]
    pages = max(1, math.ceil(len(matching) / limit))
    page = min(max(1, to_int(q.get("p"), 1) or 1), pages)
    listing = Listing(matching[(page - 1) * limit: page * limit], len(matching), page, pages,
                      limit, order, direction)

    # Facets: each counts the products left by the *other* filters.
    facet_root = cat if cat in categories else root
    children = [c for c in categories.values() if c["parent_id"] == facet_root]
    in_scope = [r for r in rows if by_price(r) and by_rating(r)]
    for child in sorted(children, key=lambda c: c["position"]):
        ids = subtree_ids(categories, child["id"])
        count = sum(r["category_id"] in ids for r in in_scope)
        if count:
            listing.categories.append({**child, "count": count})
    for low, high in price_buckets([r["final_price"] for r in rows
                                    if by_rating(r) and by_category(r)]):
        count = sum(low <= r["final_price"] < high for r in rows
                    if by_rating(r) and by_category(r))
        if count:
            listing.prices.append({"low": low, "high": high, "count": count,
                                   "value": f"{low}-{high}"})
    for stars_min in (4, 3, 2, 1):
        count = sum((r["avg_rating"] or 0) >= stars_min for r in rows
                    if by_price(r) and by_category(r))
        if count:
            listing.ratings.append({"stars": stars_min, "count": count})
    if cat in categories:
        listing.filters.append({"label": "Category", "value": categories[cat]["name"],
                                "param": "cat"})
    if price is not None:
        high_text = f"{money(price[1] - 0.01)}" if price[1] else "and above"
        listing.filters.append({"label": "Price", "param": "price",
                                "value": f"{money(price[0])} - {high_text}"})
    if min_rating:
        listing.filters.append({"label": "Rating", "value": f"{min_rating} stars & up",
                                "param": "rating"})
    return listing


# ---------------------------------------------------------------------- storefront

async def home(request: Request) -> Response:
    with database(request) as conn:
        bestsellers = conn.execute(
            f"{PRODUCT_SELECT} JOIN (SELECT product_id, SUM(qty) AS sold FROM order_items "
            "GROUP BY product_id) s ON s.product_id = p.id WHERE p.status = 1 "
            "ORDER BY s.sold DESC, p.id LIMIT 8").fetchall()
        deals = conn.execute(f"{PRODUCT_SELECT} WHERE p.status = 1 AND p.special_price "
                             "IS NOT NULL ORDER BY p.id LIMIT 4").fetchall()
        return render(request, conn, "home.html", bestsellers=bestsellers, deals=deals)


async def html_page(request: Request) -> Response:
    """``/{category-path}.html`` or ``/{product-url-key}.html``, as Magento resolves them.
    Other paths that name a page without its trailing slash are redirected to it."""
    path = request.path_params["path"]
    if not path.endswith(".html"):
        slashed = {**request.scope, "path": request.url.path + "/"}
        for route in request.app.router.routes:
            if isinstance(route, Route) and route.endpoint is not html_page \
                    and route.matches(slashed)[0] == Match.FULL:
                query = f"?{request.url.query}" if request.url.query else ""
                return RedirectResponse(request.url.path + "/" + query, status_code=301)
        raise HTTPException(404)
    key = path[: -len(".html")]
    with database(request) as conn:
        category = conn.execute("SELECT * FROM categories WHERE url_path = ?",
                                (key,)).fetchone()
        if category:
            return category_page(request, conn, category)
        product = conn.execute("SELECT * FROM products WHERE url_key = ? AND status = 1",
                               (key,)).fetchone()
        if product:
            return product_page(request, conn, product)
    raise HTTPException(404)


def breadcrumbs(conn: sqlite3.Connection, category_id: int) -> list[sqlite3.Row]:
    trail = []
    row = conn.execute("SELECT * FROM categories WHERE id = ?", (category_id,)).fetchone()
    while row:
        trail.insert(0, row)
        row = conn.execute("SELECT * FROM categories WHERE id = ?",
                           (row["parent_id"],)).fetchone()
    return trail


def category_page(request: Request, conn: sqlite3.Connection,
                  category: sqlite3.Row) -> Response:
    listing = product_listing(
        request, conn, "p.category_id IN (SELECT id FROM categories WHERE url_path = ? "
        "OR url_path LIKE ? || '/%')", (category["url_path"], category["url_path"]),
        root=category["id"])
    return render(request, conn, "listing.html", listing=listing, category=category,
                  title=category["name"], crumbs=breadcrumbs(conn, category["id"]))


def product_page(request: Request, conn: sqlite3.Connection, product: sqlite3.Row) -> Response:
    summary = conn.execute(f"{PRODUCT_SELECT} WHERE p.id = ?", (product["id"],)).fetchone()
    options: dict[str, list[str]] = {}
    for row in conn.execute("SELECT attribute, value FROM product_options WHERE product_id = ? "
                            "ORDER BY position", (product["id"],)):
        options.setdefault(row["attribute"], []).append(row["value"])
    reviews = conn.execute("SELECT * FROM reviews WHERE product_id = ? AND status = 'Approved' "
                           "ORDER BY created_at DESC, id DESC", (product["id"],)).fetchall()
    related = conn.execute(f"{PRODUCT_SELECT} WHERE p.status = 1 AND p.category_id = ? AND "
                           "p.id != ? ORDER BY ABS(p.id - ?) , p.id LIMIT 4",
                           (product["category_id"], product["id"], product["id"])).fetchall()
    customer = customer_of(request, conn)
    return render(request, conn, "product.html", product=product, summary=summary,
                  options=options, reviews=reviews, related=related,
                  crumbs=breadcrumbs(conn, product["category_id"]),
                  nickname=customer["firstname"] if customer else "")


async def product_by_id(request: Request) -> Response:
    with database(request) as conn:
        row = conn.execute("SELECT url_key FROM products WHERE id = ? AND status = 1",
                           (to_int(request.path_params["id"]),)).fetchone()
    if not row:
        raise HTTPException(404)
    return RedirectResponse(f"/{row['url_key']}.html", status_code=301)


async def category_by_id(request: Request) -> Response:
    with database(request) as conn:
        row = conn.execute("SELECT url_path FROM categories WHERE id = ?",
                           (to_int(request.path_params["id"]),)).fetchone()
    if not row:
        raise HTTPException(404)
    return RedirectResponse(f"/{row['url_path']}.html", status_code=301)


async def search(request: Request) -> Response:
    text = request.query_params.get("q", "").strip()
    match = catalog.fts_query(text)
    with database(request) as conn:
        relevance: dict[int, float] = {}
        if match:  # bm25: lower is better, so ascending order puts the best first
            relevance = {r["rowid"]: r["score"] for r in conn.execute(
                "SELECT rowid, bm25(product_search, 10.0, 5.0, 5.0, 2.0) AS score "
                "FROM product_search WHERE product_search MATCH ?", (match,))}
        ids = ",".join(str(i) for i in relevance) or "NULL"
        listing = product_listing(request, conn, f"p.id IN ({ids})", relevance=relevance)
        if text and request.query_params.get("p") in (None, "1"):
            record_search(conn, text, listing.total)
        return render(request, conn, "listing.html", listing=listing, query=text,
                      title=f"Search results for: '{text}'" if text else "Search")


def record_search(conn: sqlite3.Connection, text: str, results: int) -> None:
    """Magento counts every search for the admin's Search Terms report."""
    conn.execute(
        "INSERT INTO search_terms (query_text, num_results, popularity, updated_at) "
        "VALUES (?, ?, 1, ?) ON CONFLICT(query_text) DO UPDATE SET "
        "num_results = excluded.num_results, popularity = popularity + 1, "
        "updated_at = excluded.updated_at", (text.lower(), results, catalog.stamp(shop_now())))


async def review_list(request: Request) -> Response:
    with database(request) as conn:
        product = conn.execute("SELECT * FROM products WHERE id = ? AND status = 1",
                               (to_int(request.path_params["id"]),)).fetchone()
        if not product:
            raise HTTPException(404)
        summary = conn.execute(f"{PRODUCT_SELECT} WHERE p.id = ?", (product["id"],)).fetchone()
        reviews = conn.execute("SELECT * FROM reviews WHERE product_id = ? AND status = "
                               "'Approved' ORDER BY created_at DESC, id DESC",
                               (product["id"],)).fetchall()
        customer = customer_of(request, conn)
        return render(request, conn, "reviews.html", product=product, summary=summary,
                      reviews=reviews, nickname=customer["firstname"] if customer else "")


async def review_post(request: Request) -> Response:
    form = await request.form()
    product_id = to_int(request.path_params["id"])
    rating = to_int(form.get("ratings"))
    fields = {k: str(form.get(k, "")).strip() for k in ("nickname", "title", "detail")}
    with database(request) as conn:
        product = conn.execute("SELECT * FROM products WHERE id = ? AND status = 1",
                               (product_id,)).fetchone()
        if not product:
            raise HTTPException(404)
        back = f"/{product['url_key']}.html#reviews"
        if rating not in range(1, 6) or not all(fields.values()):
            flash(request, "Please select a rating and fill in all the review fields.", "error")
            return redirect(back)
        conn.execute(
            "INSERT INTO reviews (product_id, customer_id, nickname, title, detail, rating, "
            "status, created_at) VALUES (?, ?, ?, ?, ?, ?, 'Pending', ?)",
            (product_id, request.session.get("customer_id"), fields["nickname"],
             fields["title"], fields["detail"], rating, catalog.stamp(shop_now())))
    flash(request, "You submitted your review for moderation.")
    return redirect(back)


# ------------------------------------------------------------------------------ cart

def chosen_options(form: FormData, conn: sqlite3.Connection,
                   product_id: int) -> tuple[list[list[str]], list[str]]:
    """The ``options[Attribute]`` picks of an add-to-cart form, and the attributes missing."""
    available: dict[str, list[str]] = {}
    for row in conn.execute("SELECT attribute, value FROM product_options WHERE product_id = ? "
                            "ORDER BY position", (product_id,)):
        available.setdefault(row["attribute"], []).append(row["value"])
    picked, missing = [], []
    for attribute, values in available.items():
        value = str(form.get(f"options[{attribute}]", ""))
        if value in values:
            picked.append([attribute, value])
        else:
            missing.append(attribute)
    return picked, missing


def add_to_cart(conn: sqlite3.Connection, owner: str, product_id: int, qty: int,
                options: list[list[str]]) -> None:
    encoded = json.dumps(options)
    existing = conn.execute("SELECT id FROM cart_items WHERE owner = ? AND product_id = ? AND "
                            "options = ?", (owner, product_id, encoded)).fetchone()
    if existing:
        conn.execute("UPDATE cart_items SET qty = qty + ? WHERE id = ?", (qty, existing["id"]))
    else:
        conn.execute("INSERT INTO cart_items (owner, product_id, options, qty, added_at) "
                     "VALUES (?, ?, ?, ?, ?)",
                     (owner, product_id, encoded, qty, catalog.stamp(shop_now())))


async def cart_add(request: Request) -> Response:
    form = await request.form()
    qty = to_int(form.get("qty"), 1) or 0
    with database(request) as conn:
        product = conn.execute("SELECT * FROM products WHERE id = ? AND status = 1",
                               (to_int(form.get("product")),)).fetchone()
        if not product:
            raise HTTPException(404)
        page = f"/{product['url_key']}.html"
        options, missing = chosen_options(form, conn, product["id"])
        if missing:
            flash(request, f"You need to choose options for your item: {', '.join(missing)}.",
                  "error")
            return redirect(page)
        if qty < 1 or not product["is_in_stock"] or qty > product["qty"]:
            flash(request, "The requested qty is not available.", "error")
            return redirect(page)
        add_to_cart(conn, cart_owner(request), product["id"], qty, options)
    flash(request, f"You added {product['name']} to your shopping cart.")
    return redirect(safe_path(str(form.get("return_url", "")), page))


async def cart(request: Request) -> Response:
    with database(request) as conn:
        lines = cart_lines(conn, cart_owner(request))
        return render(request, conn, "cart.html", lines=lines,
                      subtotal=round(sum(line["row_total"] for line in lines), 2))


async def cart_update(request: Request) -> Response:
    """Magento's cart form: new quantities (``cart[<id>][qty]``) or one ``remove_item``."""
    form = await request.form()
    owner = cart_owner(request)
    with database(request) as conn:
        remove = to_int(form.get("remove_item"))
        if remove is not None:
            conn.execute("DELETE FROM cart_items WHERE id = ? AND owner = ?", (remove, owner))
            return redirect("/checkout/cart/")
        for key, value in form.multi_items():
            match = re.fullmatch(r"cart\[(\d+)\]\[qty\]", key)
            qty = to_int(value)
            if not match or qty is None:
                continue
            if qty <= 0:
                conn.execute("DELETE FROM cart_items WHERE id = ? AND owner = ?",
                             (int(match[1]), owner))
            else:
                conn.execute("UPDATE cart_items SET qty = ? WHERE id = ? AND owner = ?",
                             (min(qty, 10000), int(match[1]), owner))
    return redirect("/checkout/cart/")


def shipping_options(subtotal: float, qty: int) -> dict[str, tuple[str, float]]:
    methods = {"flatrate": (SHIPPING_METHODS["flatrate"], FLAT_RATE * qty)}
    if subtotal >= FREE_SHIPPING_FROM:
        methods["freeshipping"] = (SHIPPING_METHODS["freeshipping"], 0.0)
    return methods


def addresses_of(conn: sqlite3.Connection, customer_id: int) -> list[sqlite3.Row]:
    return conn.execute("SELECT * FROM addresses WHERE customer_id = ? ORDER BY id",
                        (customer_id,)).fetchall()


async def checkout(request: Request) -> Response:
    if request.session.get("customer_id") is None:
        flash(request, "Please sign in to check out.", "notice")
        return redirect("/customer/account/login/?referer=/checkout/")
    with database(request) as conn:
        customer = customer_of(request, conn)
        if customer is None:
            request.session.pop("customer_id", None)
            return redirect("/customer/account/login/?referer=/checkout/")
        lines = cart_lines(conn, cart_owner(request))
        if not lines:
            return redirect("/checkout/cart/")
        subtotal = round(sum(line["row_total"] for line in lines), 2)
        return render(request, conn, "checkout.html", lines=lines, subtotal=subtotal,
                      addresses=addresses_of(conn, customer["id"]),
                      methods=shipping_options(subtotal, sum(li["qty"] for li in lines)))


def address_from_form(form: FormData, prefix: str = "") -> dict[str, str] | None:
    """The address fields of a form, or ``None`` when a required one is empty."""
    values = {k: str(form.get(prefix + k, "")).strip() for k in ADDRESS_FIELDS}
    required = [k for k in ADDRESS_FIELDS if k != "company"]
    if not all(values[k] for k in required) or values["region"] not in US_STATES:
        return None
    return values


async def place_order(request: Request) -> Response:
    form = await request.form()
    if request.session.get("customer_id") is None:
        return redirect("/customer/account/login/?referer=/checkout/")
    with database(request) as conn:
        customer = customer_of(request, conn)
        lines = cart_lines(conn, cart_owner(request))
        if customer is None or not lines:
            return redirect("/checkout/cart/")
        subtotal = round(sum(line["row_total"] for line in lines), 2)
        total_qty = sum(line["qty"] for line in lines)
        methods = shipping_options(subtotal, total_qty)
        method = str(form.get("shipping_method", ""))
        shipping = address_for_order(conn, customer, form)
        problem = (
            "Please choose a shipping address." if shipping is None else
            "Please choose a shipping method." if method not in methods else
            "Please choose a payment method." if form.get("payment_method") != "checkmo" else
            next((f"The requested qty of {li['name']} is not available." for li in lines
                  if not li["is_in_stock"] or li["qty"] > li["stock"]), None))
        if problem or shipping is None:
            flash(request, problem or "", "error")
            return redirect("/checkout/")
        order_id = create_order(conn, customer, lines, shipping, methods[method], subtotal,
                                total_qty)
        conn.execute("DELETE FROM cart_items WHERE owner = ?", (cart_owner(request),))
    request.session["last_order_id"] = order_id
    return redirect("/checkout/onepage/success/")


def address_for_order(conn: sqlite3.Connection, customer: sqlite3.Row,
                      form: FormData) -> dict[str, str] | None:
    """The chosen saved address, or a new one (saved to the address book if asked)."""
    choice = str(form.get("address_id", ""))
    if choice != "new":
        row = conn.execute("SELECT * FROM addresses WHERE id = ? AND customer_id = ?",
                           (to_int(choice), customer["id"])).fetchone()
        return {k: row[k] for k in ADDRESS_FIELDS} if row else None
    address = address_from_form(form, "shipping_")
    if address and form.get("save_in_address_book"):
        address_id = save_address(conn, customer["id"], address)
        if customer["default_shipping"] is None:
            conn.execute("UPDATE customers SET default_shipping = ?, default_billing = "
                         "COALESCE(default_billing, ?) WHERE id = ?",
                         (address_id, address_id, customer["id"]))
    return address


def save_address(conn: sqlite3.Connection, customer_id: int, address: dict[str, str],
                 address_id: int | None = None) -> int:
    if address_id is not None:
        conn.execute(f"UPDATE addresses SET {', '.join(f'{k} = ?' for k in ADDRESS_FIELDS)} "
                     "WHERE id = ?", (*address.values(), address_id))
        return address_id
    cur = conn.execute(
        f"INSERT INTO addresses (customer_id, country, {', '.join(ADDRESS_FIELDS)}) "
        f"VALUES (?, 'United States', {', '.join('?' * len(ADDRESS_FIELDS))})",
        (customer_id, *address.values()))
    return int(cur.lastrowid or 0)


def create_order(conn: sqlite3.Connection, customer: sqlite3.Row, lines: list[dict],
                 shipping: dict[str, str], method: tuple[str, float], subtotal: float,
                 total_qty: int) -> int:
    order_id = conn.execute("SELECT COALESCE(MAX(id), 0) + 1 FROM orders").fetchone()[0]
    now = catalog.stamp(shop_now())
    conn.execute(
        "INSERT INTO orders (id, increment_id, customer_id, customer_firstname, "
        "customer_lastname, customer_email, status, created_at, subtotal, shipping_amount, "
        "grand_total, total_qty, shipping_method, payment_method) "
        "VALUES (?, ?, ?, ?, ?, ?, 'pending', ?, ?, ?, ?, ?, ?, ?)",
        (order_id, f"{order_id:09d}", customer["id"], customer["firstname"],
         customer["lastname"], customer["email"], now, subtotal, method[1],
         round(subtotal + method[1], 2), total_qty, method[0], PAYMENT_METHOD))
    billing = conn.execute("SELECT * FROM addresses WHERE id = ?",
                           (customer["default_billing"],)).fetchone()
    for kind, address in (("shipping", shipping),
                          ("billing", {k: billing[k] for k in ADDRESS_FIELDS} if billing
                           else shipping)):
        conn.execute(
            f"INSERT INTO order_addresses (order_id, type, country, {', '.join(ADDRESS_FIELDS)})"
            f" VALUES (?, ?, 'United States', {', '.join('?' * len(ADDRESS_FIELDS))})",
            (order_id, kind, *address.values()))
    for line in lines:
        conn.execute("INSERT INTO order_items (order_id, product_id, sku, name, options, price, "
                     "qty, row_total) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                     (order_id, line["product_id"], line["sku"], line["name"], line["options"],
                      line["price"], line["qty"], line["row_total"]))
        conn.execute("UPDATE products SET qty = qty - ?, is_in_stock = (qty - ? > 0) "
                     "WHERE id = ?", (line["qty"], line["qty"], line["product_id"]))
    conn.execute("INSERT INTO order_history (order_id, status, comment, is_customer_notified, "
                 "created_at) VALUES (?, 'pending', 'Order placed.', 1, ?)", (order_id, now))
    return int(order_id)


async def checkout_success(request: Request) -> Response:
    order_id = request.session.get("last_order_id")
    if order_id is None:
        return redirect("/checkout/cart/")
    with database(request) as conn:
        order = conn.execute("SELECT * FROM orders WHERE id = ?", (order_id,)).fetchone()
        return render(request, conn, "success.html", order=order)


# ------------------------------------------------------------------------ accounts

def require_customer(request: Request, conn: sqlite3.Connection) -> sqlite3.Row | Response:
    """The signed-in customer, or a redirect to the sign-in page that comes back here."""
    customer = customer_of(request, conn)
    if customer is None:
        request.session.pop("customer_id", None)
        return redirect("/customer/account/login/?" + urlencode({"referer": request.url.path}))
    return customer


async def login_form(request: Request) -> Response:
    with database(request) as conn:
        if customer_of(request, conn):
            return redirect("/customer/account/")
        return render(request, conn, "login.html",
                      referer=safe_path(request.query_params.get("referer"), ""))


async def login_post(request: Request) -> Response:
    form = await request.form()
    email = str(form.get("login[username]", "")).strip()
    password = str(form.get("login[password]", ""))
    referer = safe_path(str(form.get("referer", "")), "/customer/account/")
    with database(request) as conn:
        customer = conn.execute("SELECT * FROM customers WHERE email = ?", (email,)).fetchone()
        if not customer or not catalog.verify_password(password, customer["password_hash"]):
            flash(request, SIGN_IN_ERROR, "error")
            return redirect("/customer/account/login/?" + urlencode({"referer": referer}))
        sign_in(request, conn, customer["id"])
    return redirect(referer)


def sign_in(request: Request, conn: sqlite3.Connection, customer_id: int) -> None:
    """Start a customer session, moving the guest cart into the customer's cart."""
    guest = cart_owner(request)
    request.session["customer_id"] = customer_id
    for line in conn.execute("SELECT * FROM cart_items WHERE owner = ?", (guest,)).fetchall():
        add_to_cart(conn, f"customer:{customer_id}", line["product_id"], line["qty"],
                    json.loads(line["options"]))
    conn.execute("DELETE FROM cart_items WHERE owner = ?", (guest,))


async def logout(request: Request) -> Response:
    request.session.pop("customer_id", None)
    request.session.pop("cart_token", None)
    flash(request, "You are signed out.")
    return redirect("/")


async def register_form(request: Request) -> Response:
    with database(request) as conn:
        return render(request, conn, "register.html")


EMAIL = re.compile(r"[^@\s]+@[^@\s]+\.[A-Za-z]{2,}")


async def register_post(request: Request) -> Response:
    form = await request.form()
    values = {k: str(form.get(k, "")).strip() for k in ("firstname", "lastname", "email")}
    password = str(form.get("password", ""))
    with database(request) as conn:
        taken = conn.execute("SELECT 1 FROM customers WHERE email = ?",
                             (values["email"],)).fetchone()
        problem = ("Please fill in all required fields." if not all(values.values()) else
                   "Please enter a valid email address." if not EMAIL.fullmatch(values["email"])
                   else "There is already an account with this email address." if taken else
                   "Minimum length of this field must be equal or greater than 8 symbols."
                   if len(password) < 8 else
                   "Please make sure your passwords match."
                   if password != form.get("password_confirmation") else None)
        if problem:
            flash(request, problem, "error")
            return redirect("/customer/account/create/")
        cur = conn.execute(
            "INSERT INTO customers (firstname, lastname, email, password_hash, newsletter, "
            "created_at) VALUES (?, ?, ?, ?, ?, ?)",
            (values["firstname"], values["lastname"], values["email"],
             catalog.hash_password(password, secrets.token_hex(6)),
             int(bool(form.get("is_subscribed"))), catalog.stamp(shop_now())))
        sign_in(request, conn, int(cur.lastrowid or 0))
        store = conn.execute("SELECT value FROM store_config WHERE key = 'name'").fetchone()[0]
    flash(request, f"Thank you for registering with {store}.")
    return redirect("/customer/account/")


async def account(request: Request) -> Response:
    with database(request) as conn:
        customer = require_customer(request, conn)
        if isinstance(customer, Response):
            return customer
        orders = conn.execute("SELECT * FROM orders WHERE customer_id = ? ORDER BY id DESC "
                              "LIMIT 5", (customer["id"],)).fetchall()
        return render(request, conn, "account/dashboard.html", orders=orders,
                      ship_to=order_ship_to(conn, [o["id"] for o in orders]),
                      **default_addresses(conn, customer), section="account")


def default_addresses(conn: sqlite3.Connection, customer: sqlite3.Row) -> dict[str, Any]:
    def get(address_id: int | None) -> sqlite3.Row | None:
        return conn.execute("SELECT * FROM addresses WHERE id = ?", (address_id,)).fetchone()
    return {"billing": get(customer["default_billing"]),
            "shipping": get(customer["default_shipping"])}


def order_ship_to(conn: sqlite3.Connection, order_ids: list[int]) -> dict[int, str]:
    marks = ",".join("?" * len(order_ids)) or "NULL"
    return {r["order_id"]: f"{r['firstname']} {r['lastname']}" for r in conn.execute(
        f"SELECT * FROM order_addresses WHERE type = 'shipping' AND order_id IN ({marks})",
        order_ids)}


async def account_edit(request: Request) -> Response:
    with database(request) as conn:
        customer = require_customer(request, conn)
        if isinstance(customer, Response):
            return customer
        return render(request, conn, "account/edit.html", section="edit")


async def account_edit_post(request: Request) -> Response:
    form = await request.form()
    with database(request) as conn:
        customer = require_customer(request, conn)
        if isinstance(customer, Response):
            return customer
        values = {k: str(form.get(k, "")).strip() for k in ("firstname", "lastname", "email")}
        changing = bool(form.get("change_email")) or bool(form.get("change_password"))
        current = str(form.get("current_password", ""))
        new_password = str(form.get("password", ""))
        taken = conn.execute("SELECT 1 FROM customers WHERE email = ? AND id != ?",
                             (values["email"], customer["id"])).fetchone()
        problem = (
            "Please fill in all required fields." if not all(values.values()) else
            "Please enter a valid email address." if not EMAIL.fullmatch(values["email"]) else
            "A customer with the same email address already exists." if taken else
            "The password doesn't match this account." if changing and not
            catalog.verify_password(current, customer["password_hash"]) else
            "Minimum length of this field must be equal or greater than 8 symbols."
            if form.get("change_password") and len(new_password) < 8 else
            "Please make sure your passwords match."
            if form.get("change_password") and new_password != form.get("password_confirmation")
            else None)
        if values["email"].lower() != customer["email"].lower() and not form.get("change_email"):
            problem = problem or "Check 'Change Email' and enter your password to change it."
        if problem:
            flash(request, problem, "error")
            return redirect("/customer/account/edit/")
        conn.execute("UPDATE customers SET firstname = ?, lastname = ?, email = ? WHERE id = ?",
                     (*values.values(), customer["id"]))
        if form.get("change_password"):
            conn.execute("UPDATE customers SET password_hash = ? WHERE id = ?",
                         (catalog.hash_password(new_password, secrets.token_hex(6)),
                          customer["id"]))
    flash(request, "You saved the account information.")
    return redirect("/customer/account/")


async def order_history(request: Request) -> Response:
    with database(request) as conn:
        customer = require_customer(request, conn)
        if isinstance(customer, Response):
            return customer
        limit = to_int(request.query_params.get("limit"), 10)
        limit = limit if limit in (10, 20, 50) else 10
        total = conn.execute("SELECT COUNT(*) FROM orders WHERE customer_id = ?",
                             (customer["id"],)).fetchone()[0]
        pages = max(1, math.ceil(total / limit))
        page = min(max(1, to_int(request.query_params.get("p"), 1) or 1), pages)
        orders = conn.execute("SELECT * FROM orders WHERE customer_id = ? ORDER BY id DESC "
                              "LIMIT ? OFFSET ?", (customer["id"], limit,
                                                   (page - 1) * limit)).fetchall()
        return render(request, conn, "account/orders.html", orders=orders, total=total,
                      page=page, pages=pages, limit=limit, section="orders",
                      ship_to=order_ship_to(conn, [o["id"] for o in orders]))


def order_details(conn: sqlite3.Connection, order_id: int | None) -> dict[str, Any] | None:
    order = conn.execute("SELECT * FROM orders WHERE id = ?", (order_id,)).fetchone()
    if order is None:
        return None
    addresses = {r["type"]: r for r in conn.execute(
        "SELECT * FROM order_addresses WHERE order_id = ?", (order_id,))}
    return {
        "order": order,
        "items": conn.execute("SELECT i.*, p.url_key FROM order_items i LEFT JOIN products p "
                              "ON p.id = i.product_id WHERE i.order_id = ? ORDER BY i.id",
                              (order_id,)).fetchall(),
        "history": conn.execute("SELECT * FROM order_history WHERE order_id = ? "
                                "ORDER BY created_at, id", (order_id,)).fetchall(),
        "shipping": addresses.get("shipping"), "billing": addresses.get("billing"),
    }


async def order_view(request: Request) -> Response:
    with database(request) as conn:
        customer = require_customer(request, conn)
        if isinstance(customer, Response):
            return customer
        details = order_details(conn, to_int(request.path_params["order_id"]))
        if details is None or details["order"]["customer_id"] != customer["id"]:
            flash(request, "This order isn't available.", "error")
            return redirect("/sales/order/history/")
        return render(request, conn, "account/order.html", section="orders", **details)


async def reorder(request: Request) -> Response:
    with database(request) as conn:
        customer = require_customer(request, conn)
        if isinstance(customer, Response):
            return customer
        details = order_details(conn, to_int(request.path_params["order_id"]))
        if details is None or details["order"]["customer_id"] != customer["id"]:
            return redirect("/sales/order/history/")
        for item in details["items"]:
            product = conn.execute("SELECT * FROM products WHERE id = ? AND status = 1",
                                   (item["product_id"],)).fetchone()
            if product and product["is_in_stock"]:
                add_to_cart(conn, cart_owner(request), product["id"], item["qty"],
                            options_of(item["options"]))
    return redirect("/checkout/cart/")


async def wishlist(request: Request) -> Response:
    with database(request) as conn:
        customer = require_customer(request, conn)
        if isinstance(customer, Response):
            return customer
        items = conn.execute(
            "SELECT w.id AS item_id, w.qty AS wish_qty, w.added_at, s.* FROM wishlist_items w "
            f"JOIN ({PRODUCT_SELECT}) s ON s.id = w.product_id WHERE w.customer_id = ? "
            "ORDER BY w.id", (customer["id"],)).fetchall()
        return render(request, conn, "account/wishlist.html", items=items, section="wishlist")


async def wishlist_add(request: Request) -> Response:
    form = await request.form()
    with database(request) as conn:
        product = conn.execute("SELECT * FROM products WHERE id = ? AND status = 1",
                               (to_int(form.get("product")),)).fetchone()
        if not product:
            raise HTTPException(404)
        customer = customer_of(request, conn)
        if customer is None:
            flash(request, "You must login or register to add items to your wishlist.", "error")
            return redirect("/customer/account/login/?" + urlencode(
                {"referer": f"/{product['url_key']}.html"}))
        conn.execute("INSERT INTO wishlist_items (customer_id, product_id, qty, added_at) "
                     "VALUES (?, ?, 1, ?) ON CONFLICT(customer_id, product_id) DO NOTHING",
                     (customer["id"], product["id"], catalog.stamp(shop_now())))
    flash(request, f"{product['name']} has been added to your Wish List.")
    return redirect("/wishlist/")


async def wishlist_item_action(request: Request) -> Response:
    """Remove a wish-list item, or move it to the cart (``action=cart``)."""
    form = await request.form()
    with database(request) as conn:
        customer = require_customer(request, conn)
        if isinstance(customer, Response):
            return customer
        item = conn.execute("SELECT w.*, p.url_key, p.name, p.is_in_stock, "
                            "(SELECT COUNT(*) FROM product_options o WHERE o.product_id = "
                            "p.id) AS option_count FROM wishlist_items w JOIN products p ON "
                            "p.id = w.product_id WHERE w.id = ? AND w.customer_id = ?",
                            (to_int(form.get("item")), customer["id"])).fetchone()
        action = request.path_params["action"]
        if action not in ("cart", "remove"):
            raise HTTPException(404)
        if item is None:
            return redirect("/wishlist/")
        if action == "cart":
            if item["option_count"]:
                flash(request, "You need to choose options for your item.", "notice")
                return redirect(f"/{item['url_key']}.html")
            if not item["is_in_stock"]:
                flash(request, "This product is out of stock.", "error")
                return redirect("/wishlist/")
            add_to_cart(conn, cart_owner(request), item["product_id"], item["qty"], [])
            flash(request, f"You added {item['name']} to your shopping cart.")
        conn.execute("DELETE FROM wishlist_items WHERE id = ?", (item["id"],))
    return redirect("/wishlist/")


async def address_book(request: Request) -> Response:
    with database(request) as conn:
        customer = require_customer(request, conn)
        if isinstance(customer, Response):
            return customer
        defaults = default_addresses(conn, customer)
        default_ids = {customer["default_billing"], customer["default_shipping"]}
        others = [a for a in addresses_of(conn, customer["id"]) if a["id"] not in default_ids]
        return render(request, conn, "account/addresses.html", others=others,
                      section="address", **defaults)


async def address_form(request: Request) -> Response:
    with database(request) as conn:
        customer = require_customer(request, conn)
        if isinstance(customer, Response):
            return customer
        address = None
        if "id" in request.path_params:
            address = conn.execute("SELECT * FROM addresses WHERE id = ? AND customer_id = ?",
                                   (to_int(request.path_params["id"]),
                                    customer["id"])).fetchone()
            if address is None:
                return redirect("/customer/address/")
        return render(request, conn, "account/address_form.html", address=address,
                      section="address")


async def address_post(request: Request) -> Response:
    form = await request.form()
    with database(request) as conn:
        customer = require_customer(request, conn)
        if isinstance(customer, Response):
            return customer
        address_id = to_int(form.get("id"))
        if address_id is not None and not conn.execute(
                "SELECT 1 FROM addresses WHERE id = ? AND customer_id = ?",
                (address_id, customer["id"])).fetchone():
            return redirect("/customer/address/")
        values = address_from_form(form)
        if values is None:
            flash(request, "Please fill in all required fields and choose a State/Province.",
                  "error")
            back = f"/customer/address/edit/id/{address_id}/" if address_id else \
                "/customer/address/new/"
            return redirect(back)
        address_id = save_address(conn, customer["id"], values, address_id)
        for column, key in (("default_billing", "default_billing"),
                            ("default_shipping", "default_shipping")):
            if form.get(key) or customer[column] is None:
                conn.execute(f"UPDATE customers SET {column} = ? WHERE id = ?",
                             (address_id, customer["id"]))
    flash(request, "You saved the address.")
    return redirect("/customer/address/")


async def address_delete(request: Request) -> Response:
    with database(request) as conn:
        customer = require_customer(request, conn)
        if isinstance(customer, Response):
            return customer
        address_id = to_int(request.path_params["id"])
        if address_id in (customer["default_billing"], customer["default_shipping"]):
            flash(request, "You can't delete a default address.", "error")
        else:
            conn.execute("DELETE FROM addresses WHERE id = ? AND customer_id = ?",
                         (address_id, customer["id"]))
            flash(request, "You deleted the address.")
    return redirect("/customer/address/")


async def my_reviews(request: Request) -> Response:
    with database(request) as conn:
        customer = require_customer(request, conn)
        if isinstance(customer, Response):
            return customer
        reviews = conn.execute(
            "SELECT r.*, p.name AS product_name, p.url_key FROM reviews r JOIN products p ON "
            "p.id = r.product_id WHERE r.customer_id = ? ORDER BY r.created_at DESC, r.id DESC",
            (customer["id"],)).fetchall()
        return render(request, conn, "account/reviews.html", reviews=reviews,
                      section="reviews")


async def newsletter(request: Request) -> Response:
    with database(request) as conn:
        customer = require_customer(request, conn)
        if isinstance(customer, Response):
            return customer
        if request.method == "POST":
            form = await request.form()
            conn.execute("UPDATE customers SET newsletter = ? WHERE id = ?",
                         (int(bool(form.get("is_subscribed"))), customer["id"]))
            flash(request, "We have saved your subscription." if form.get("is_subscribed")
                  else "We have removed your newsletter subscription.")
            return redirect("/customer/account/")
        return render(request, conn, "account/newsletter.html", section="newsletter")


async def contact(request: Request) -> Response:
    with database(request) as conn:
        if request.method == "POST":
            form = await request.form()
            values = {k: str(form.get(k, "")).strip()
                      for k in ("name", "email", "telephone", "comment")}
            if not (values["name"] and values["comment"] and EMAIL.fullmatch(values["email"])):
                flash(request, "Please fill in your name, a valid email and your message.",
                      "error")
                return redirect("/contact/")
            conn.execute("INSERT INTO contact_messages (name, email, telephone, comment, "
                         "created_at) VALUES (?, ?, ?, ?, ?)",
                         (*values.values(), catalog.stamp(shop_now())))
            flash(request, "Thanks for contacting us with your comments and questions. We'll "
                  "respond to you very soon.")
            return redirect("/contact/")
        return render(request, conn, "contact.html")


# ------------------------------------------------------------------------------ admin

def admin_guard(request: Request) -> Response | None:
    """Admin pages show the sign-in form in place until an admin is signed in (Magento)."""
    if request.session.get("admin_id") is not None:
        return None
    templates = request.app.state.templates
    return templates.TemplateResponse(request, "admin/login.html", {
        "next": request.url.path + (f"?{request.url.query}" if request.url.query else ""),
        "messages": request.session.pop("messages", [])})


async def admin_login(request: Request) -> Response:
    form = await request.form()
    username = str(form.get("login[username]", "")).strip()
    password = str(form.get("login[password]", ""))
    target = safe_path(str(form.get("next", "")), "/admin/dashboard/")
    with database(request) as conn:
        user = conn.execute("SELECT * FROM admin_users WHERE username = ?",
                            (username,)).fetchone()
    if user is None or not catalog.verify_password(password, user["password_hash"]):
        flash(request, "The account sign-in was incorrect or your account is disabled "
              "temporarily. Please wait and try again later.", "error")
        return redirect(target if target.startswith("/admin") else "/admin/")
    request.session["admin_id"] = user["id"]
    return redirect(target if target not in ("/admin", "/admin/") else "/admin/dashboard/")


async def admin_logout(request: Request) -> Response:
    request.session.pop("admin_id", None)
    flash(request, "You have logged out.")
    return redirect("/admin/")


async def admin_home(request: Request) -> Response:
    return admin_guard(request) or redirect("/admin/dashboard/")


async def admin_dashboard(request: Request) -> Response:
    if (guard := admin_guard(request)) is not None:
        return guard
    with database(request) as conn:
        totals = conn.execute("SELECT COALESCE(SUM(grand_total), 0) AS lifetime, "
                              "COALESCE(AVG(grand_total), 0) AS average, COUNT(*) AS orders "
                              "FROM orders WHERE status != 'canceled'").fetchone()
        return render_admin(
            request, conn, "dashboard.html", totals=totals,
            customers=conn.execute("SELECT COUNT(*) FROM customers").fetchone()[0],
            last_orders=conn.execute("SELECT * FROM orders ORDER BY id DESC LIMIT 5").fetchall(),
            top_terms=conn.execute("SELECT * FROM search_terms ORDER BY popularity DESC, id "
                                   "LIMIT 5").fetchall(),
            last_terms=conn.execute("SELECT * FROM search_terms ORDER BY updated_at DESC, id "
                                    "DESC LIMIT 5").fetchall(),
            bestsellers=conn.execute(
                "SELECT i.name, i.product_id, SUM(i.qty) AS qty, MAX(i.price) AS price FROM "
                "order_items i JOIN orders o ON o.id = i.order_id WHERE o.status != 'canceled' "
                "GROUP BY i.product_id ORDER BY qty DESC, i.product_id LIMIT 5").fetchall(),
            new_customers=conn.execute("SELECT * FROM customers ORDER BY id DESC LIMIT 5")
            .fetchall())


@dataclass
class Grid:
    """One page of an admin grid."""

    rows: list[sqlite3.Row]
    total: int
    page: int
    pages: int


def admin_grid(request: Request, conn: sqlite3.Connection, select: str, where: list[str],
               params: list[Any], order_by: str) -> Grid:
    clause = f" WHERE {' AND '.join(where)}" if where else ""
    total = conn.execute(f"SELECT COUNT(*) FROM ({select}{clause})", params).fetchone()[0]
    pages = max(1, math.ceil(total / ADMIN_PAGE_SIZE))
    page = min(max(1, to_int(request.query_params.get("p"), 1) or 1), pages)
    rows = conn.execute(f"{select}{clause} ORDER BY {order_by} LIMIT ? OFFSET ?",
                        [*params, ADMIN_PAGE_SIZE, (page - 1) * ADMIN_PAGE_SIZE]).fetchall()
    return Grid(rows, total, page, pages)


def like(text: str) -> str:
    return "%" + text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"


async def admin_orders(request: Request) -> Response:
    if (guard := admin_guard(request)) is not None:
        return guard
    q = request.query_params
    where, params, filters = [], [], []
    if search_text := q.get("search", "").strip():
        where.append("(o.increment_id LIKE ? ESCAPE '\\' OR o.customer_firstname || ' ' || "
                     "o.customer_lastname LIKE ? ESCAPE '\\' OR o.customer_email LIKE ? "
                     "ESCAPE '\\')")
        params += [like(search_text)] * 3
        filters.append(("Keyword", search_text, "search"))
    if (status := q.get("status", "")) in ORDER_STATUSES:
        where.append("o.status = ?")
        params.append(status)
        filters.append(("Status", ORDER_STATUSES[status], "status"))
    for key, op, label in (("from", ">=", "Purchase Date from"), ("to", "<=", "Purchase Date to")):
        if day := parse_date(q.get(key)):
            where.append(f"substr(o.created_at, 1, 10) {op} ?")
            params.append(day.isoformat())
            filters.append((label, short_date(day), key))
    sort = {"id": "o.id", "created_at": "o.created_at", "grand_total": "o.grand_total",
            "status": "o.status"}.get(q.get("sort", ""), "o.id")
    direction = "ASC" if q.get("dir") == "asc" else "DESC"
    with database(request) as conn:
        grid = admin_grid(
            request, conn, "SELECT o.*, s.firstname || ' ' || s.lastname AS ship_name, "
            "b.firstname || ' ' || b.lastname AS bill_name FROM orders o LEFT JOIN "
            "order_addresses s ON s.order_id = o.id AND s.type = 'shipping' LEFT JOIN "
            "order_addresses b ON b.order_id = o.id AND b.type = 'billing'", where, params,
            f"{sort} {direction}, o.id {direction}")
        return render_admin(request, conn, "orders.html", grid=grid, filters=filters)


def admin_order_context(conn: sqlite3.Connection, order_id: int | None) -> dict | None:
    details = order_details(conn, order_id)
    if details is None:
        return None
    customer = conn.execute("SELECT * FROM customers WHERE id = ?",
                            (details["order"]["customer_id"],)).fetchone()
    return {**details, "customer": customer}


async def admin_order_view(request: Request) -> Response:
    if (guard := admin_guard(request)) is not None:
        return guard
    with database(request) as conn:
        context = admin_order_context(conn, to_int(request.path_params["order_id"]))
        if context is None:
            flash(request, "This order no longer exists.", "error")
            return redirect("/admin/sales/order/")
        tab = request.path_params.get("tab", "")
        return render_admin(request, conn, "order.html", tab=tab, **context)


ORDER_ACTIONS = {
    # action: (allowed from, new status, history comment, message)
    "cancel": (("pending", "processing", "holded"), "canceled", "Order canceled.",
               "You canceled the order."),
    "hold": (("pending", "processing"), "holded", "Order put on hold.",
             "You put the order on hold."),
    "unhold": (("holded",), "processing", "Order released from hold.",
               "You released the order from holding status."),
    "complete": (("pending", "processing"), "complete", "Order shipped and completed.",
                 "You completed the order."),
}


async def admin_order_action(request: Request) -> Response:
    if (guard := admin_guard(request)) is not None:
        return guard
    action = request.path_params["action"]
    order_id = to_int(request.path_params["order_id"])
    back = f"/admin/sales/order/view/order_id/{order_id}/"
    form = await request.form()
    with database(request) as conn:
        order = conn.execute("SELECT * FROM orders WHERE id = ?", (order_id,)).fetchone()
        if order is None:
            raise HTTPException(404)
        now = catalog.stamp(shop_now())
        if action in ORDER_ACTIONS:
            allowed, status, comment, message = ORDER_ACTIONS[action]
            if order["status"] not in allowed:
                flash(request, f"You cannot {action} this order.", "error")
                return redirect(back)
            conn.execute("UPDATE orders SET status = ? WHERE id = ?", (status, order_id))
            conn.execute("INSERT INTO order_history (order_id, status, comment, created_at) "
                         "VALUES (?, ?, ?, ?)", (order_id, status, comment, now))
            flash(request, message)
        elif action == "addComment":
            comment = str(form.get("history[comment]", "")).strip()
            status = str(form.get("history[status]", order["status"]))
            if not comment or status not in ORDER_STATUSES:
                flash(request, "Please enter a comment.", "error")
                return redirect(back)
            conn.execute("UPDATE orders SET status = ? WHERE id = ?", (status, order_id))
            conn.execute("INSERT INTO order_history (order_id, status, comment, "
                         "is_customer_notified, created_at) VALUES (?, ?, ?, ?, ?)",
                         (order_id, status, comment,
                          int(bool(form.get("history[is_customer_notified]"))), now))
            flash(request, "The comment has been added to the order.")
        elif action == "addTrack":
            carrier = str(form.get("carrier", ""))
            number = str(form.get("number", "")).strip()
            if carrier not in CARRIERS or not number:
                flash(request, "Please choose a carrier and enter a tracking number.", "error")
                return redirect(back)
            conn.execute("INSERT INTO order_history (order_id, status, comment, created_at) "
                         "VALUES (?, ?, ?, ?)", (order_id, order["status"],
                                                 f"Tracking number {number} for {carrier} "
                                                 "assigned", now))
            flash(request, "The tracking number has been added.")
        else:
            raise HTTPException(404)
    return redirect(back)


async def admin_order_address(request: Request) -> Response:
    if (guard := admin_guard(request)) is not None:
        return guard
    address_id = to_int(request.path_params["address_id"])
    with database(request) as conn:
        address = conn.execute("SELECT * FROM order_addresses WHERE id = ?",
                               (address_id,)).fetchone()
        if address is None:
            raise HTTPException(404)
        back = f"/admin/sales/order/view/order_id/{address['order_id']}/"
        if request.method == "POST":
            values = address_from_form(await request.form())
            if values is None:
                flash(request, "Please fill in all required fields.", "error")
                return redirect(request.url.path)
            conn.execute(f"UPDATE order_addresses SET "
                         f"{', '.join(f'{k} = ?' for k in ADDRESS_FIELDS)} WHERE id = ?",
                         (*values.values(), address_id))
            flash(request, "You updated the order address.")
            return redirect(back)
        return render_admin(request, conn, "order_address.html", address=address, back=back)


async def admin_products(request: Request) -> Response:
    if (guard := admin_guard(request)) is not None:
        return guard
    q = request.query_params
    where, params, filters = [], [], []
    if search_text := q.get("search", "").strip():
        where.append("(p.name LIKE ? ESCAPE '\\' OR p.sku LIKE ? ESCAPE '\\')")
        params += [like(search_text)] * 2
        filters.append(("Keyword", search_text, "search"))
    if (status := to_int(q.get("status"))) in (1, 2):
        where.append("p.status = ?")
        params.append(status)
        filters.append(("Status", "Enabled" if status == 1 else "Disabled", "status"))
    sort = {"id": "p.id", "name": "p.name", "price": "p.price", "qty": "p.qty",
            "sku": "p.sku"}.get(q.get("sort", ""), "p.id")
    direction = "DESC" if q.get("dir") == "desc" else "ASC"
    with database(request) as conn:
        grid = admin_grid(request, conn, "SELECT p.*, c.name AS category FROM products p JOIN "
                          "categories c ON c.id = p.category_id", where, params,
                          f"{sort} {direction}, p.id")
        return render_admin(request, conn, "products.html", grid=grid, filters=filters)


async def admin_product_edit(request: Request) -> Response:
    if (guard := admin_guard(request)) is not None:
        return guard
    with database(request) as conn:
        product = conn.execute("SELECT * FROM products WHERE id = ?",
                               (to_int(request.path_params["id"]),)).fetchone()
        if product is None:
            flash(request, "This product doesn't exist.", "error")
            return redirect("/admin/catalog/product/")
        options = conn.execute("SELECT * FROM product_options WHERE product_id = ? "
                               "ORDER BY position", (product["id"],)).fetchall()
        return render_admin(request, conn, "product_edit.html", product=product,
                            options=options, crumbs=breadcrumbs(conn, product["category_id"]))


async def admin_product_save(request: Request) -> Response:
    if (guard := admin_guard(request)) is not None:
        return guard
    form = await request.form()
    product_id = to_int(request.path_params["id"])
    back = f"/admin/catalog/product/edit/id/{product_id}/"
    name = str(form.get("product[name]", "")).strip()
    sku = str(form.get("product[sku]", "")).strip()
    price = to_money(form.get("product[price]"))
    special_text = str(form.get("product[special_price]", "")).strip()
    special = to_money(special_text) if special_text else None
    qty = to_int(form.get("product[quantity_and_stock_status][qty]"))
    in_stock = to_int(form.get("product[quantity_and_stock_status][is_in_stock]"))
    status = to_int(form.get("product[status]"))
    description = str(form.get("product[description]", "")).strip()
    with database(request) as conn:
        if not conn.execute("SELECT 1 FROM products WHERE id = ?", (product_id,)).fetchone():
            raise HTTPException(404)
        clash = conn.execute("SELECT 1 FROM products WHERE sku = ? AND id != ?",
                             (sku, product_id)).fetchone()
        problem = ("The product name and SKU are required." if not name or not sku else
                   "The SKU is already used by another product." if clash else
                   "Please enter a valid price." if price is None else
                   "Please enter a valid special price." if special_text and special is None
                   else "Please enter a valid quantity." if qty is None or qty < 0 else
                   "Please choose a stock status and a product status."
                   if in_stock not in (0, 1) or status not in (1, 2) else None)
        if problem:
            flash(request, problem, "error")
            return redirect(back)
        conn.execute("UPDATE products SET name = ?, sku = ?, price = ?, special_price = ?, "
                     "qty = ?, is_in_stock = ?, status = ?, description = ? WHERE id = ?",
                     (name, sku, price, special, qty, in_stock, status, description,
                      product_id))
    flash(request, "You saved the product.")
    return redirect(back)


async def admin_customers(request: Request) -> Response:
    if (guard := admin_guard(request)) is not None:
        return guard
    q = request.query_params
    where, params, filters = [], [], []
    if search_text := q.get("search", "").strip():
        where.append("(c.firstname || ' ' || c.lastname LIKE ? ESCAPE '\\' OR c.email LIKE ? "
                     "ESCAPE '\\' OR a.telephone LIKE ? ESCAPE '\\')")
        params += [like(search_text)] * 3
        filters.append(("Keyword", search_text, "search"))
    with database(request) as conn:
        grid = admin_grid(request, conn, "SELECT c.*, a.telephone, a.postcode, a.region, "
                          "a.country, a.city FROM customers c LEFT JOIN addresses a ON a.id = "
                          "c.default_billing", where, params, "c.id")
        return render_admin(request, conn, "customers.html", grid=grid, filters=filters)


async def admin_customer_edit(request: Request) -> Response:
    if (guard := admin_guard(request)) is not None:
        return guard
    with database(request) as conn:
        customer = conn.execute("SELECT * FROM customers WHERE id = ?",
                                (to_int(request.path_params["id"]),)).fetchone()
        if customer is None:
            flash(request, "Something went wrong while editing the customer.", "error")
            return redirect("/admin/customer/index/")
        return render_admin(
            request, conn, "customer_edit.html", customer=customer,
            addresses=addresses_of(conn, customer["id"]),
            orders=conn.execute("SELECT * FROM orders WHERE customer_id = ? ORDER BY id DESC",
                                (customer["id"],)).fetchall(),
            reviews=conn.execute("SELECT r.*, p.name AS product_name FROM reviews r JOIN "
                                 "products p ON p.id = r.product_id WHERE r.customer_id = ? "
                                 "ORDER BY r.id DESC", (customer["id"],)).fetchall())


async def admin_customer_save(request: Request) -> Response:
    if (guard := admin_guard(request)) is not None:
        return guard
    form = await request.form()
    customer_id = to_int(request.path_params["id"])
    back = f"/admin/customer/index/edit/id/{customer_id}/"
    values = {k: str(form.get(f"customer[{k}]", "")).strip()
              for k in ("firstname", "lastname", "email")}
    with database(request) as conn:
        if not conn.execute("SELECT 1 FROM customers WHERE id = ?", (customer_id,)).fetchone():
            raise HTTPException(404)
        taken = conn.execute("SELECT 1 FROM customers WHERE email = ? AND id != ?",
                             (values["email"], customer_id)).fetchone()
        problem = ("Please fill in all required fields." if not all(values.values()) else
                   "Please enter a valid email address." if not EMAIL.fullmatch(values["email"])
                   else "A customer with the same email address already exists." if taken
                   else None)
        if problem:
            flash(request, problem, "error")
            return redirect(back)
        conn.execute("UPDATE customers SET firstname = ?, lastname = ?, email = ? WHERE id = ?",
                     (*values.values(), customer_id))
    flash(request, "You saved the customer.")
    return redirect(back)


async def admin_address_save(request: Request) -> Response:
    """Edit one of a customer's addresses (``id``) or add one (``customer_id``)."""
    if (guard := admin_guard(request)) is not None:
        return guard
    form = await request.form()
    with database(request) as conn:
        address_id = to_int(request.path_params.get("id"))
        if address_id is not None:
            row = conn.execute("SELECT customer_id FROM addresses WHERE id = ?",
                               (address_id,)).fetchone()
            customer_id = row["customer_id"] if row else None
        else:
            customer_id = to_int(form.get("customer_id"))
        if customer_id is None or not conn.execute("SELECT 1 FROM customers WHERE id = ?",
                                                   (customer_id,)).fetchone():
            raise HTTPException(404)
        back = f"/admin/customer/index/edit/id/{customer_id}/#addresses"
        values = address_from_form(form, "address_")
        if values is None:
            flash(request, "Please fill in all required address fields.", "error")
            return redirect(back)
        address_id = save_address(conn, customer_id, values, address_id)
        for column in ("default_billing", "default_shipping"):
            if form.get(column):
                conn.execute(f"UPDATE customers SET {column} = ? WHERE id = ?",
                             (address_id, customer_id))
    flash(request, "You saved the address.")
    return redirect(back)


REVIEW_STATUSES = ("Approved", "Pending", "Not Approved")


async def admin_reviews(request: Request) -> Response:
    if (guard := admin_guard(request)) is not None:
        return guard
    q = request.query_params
    pending_only = request.url.path.rstrip("/").endswith("pending")
    where, params, filters = [], [], []
    status = "Pending" if pending_only else q.get("status", "")
    if status in REVIEW_STATUSES:
        where.append("r.status = ?")
        params.append(status)
        filters.append(("Status", status, "status"))
    for key, column, label in (("product", "p.name", "Product"), ("sku", "p.sku", "SKU"),
                               ("nickname", "r.nickname", "Nickname"),
                               ("title", "r.title", "Title"), ("detail", "r.detail", "Review")):
        if text := q.get(key, "").strip():
            where.append(f"{column} LIKE ? ESCAPE '\\'")
            params.append(like(text))
            filters.append((label, text, key))
    with database(request) as conn:
        grid = admin_grid(request, conn, "SELECT r.*, p.name AS product_name, p.sku FROM "
                          "reviews r JOIN products p ON p.id = r.product_id", where, params,
                          "r.id DESC")
        return render_admin(request, conn, "reviews.html", grid=grid, filters=filters,
                            pending_only=pending_only, statuses=REVIEW_STATUSES)


async def admin_reviews_mass(request: Request) -> Response:
    """The grid's mass action on the ticked reviews: a new status, or ``delete``."""
    if (guard := admin_guard(request)) is not None:
        return guard
    form = await request.form()
    ids = [i for i in (to_int(v) for v in form.getlist("reviews")) if i is not None]
    action = str(form.get("action", ""))
    back = safe_path(str(form.get("back", "")), "/admin/review/product/")
    if not ids or (action != "delete" and action not in REVIEW_STATUSES):
        flash(request, "Please select review(s) and an action.", "error")
        return redirect(back)
    marks = ",".join("?" * len(ids))
    with database(request) as conn:
        if action == "delete":
            conn.execute(f"DELETE FROM reviews WHERE id IN ({marks})", ids)
            flash(request, f"A total of {len(ids)} record(s) have been deleted.")
        else:
            conn.execute(f"UPDATE reviews SET status = ? WHERE id IN ({marks})", [action, *ids])
            flash(request, f"A total of {len(ids)} record(s) have been updated.")
    return redirect(back)


async def admin_review_edit(request: Request) -> Response:
    if (guard := admin_guard(request)) is not None:
        return guard
    review_id = to_int(request.path_params["id"])
    with database(request) as conn:
        review = conn.execute("SELECT r.*, p.name AS product_name, p.sku FROM reviews r JOIN "
                              "products p ON p.id = r.product_id WHERE r.id = ?",
                              (review_id,)).fetchone()
        if review is None:
            flash(request, "The review was removed by another user or does not exist.", "error")
            return redirect("/admin/review/product/")
        if request.method == "POST":
            form = await request.form()
            if form.get("delete"):
                conn.execute("DELETE FROM reviews WHERE id = ?", (review_id,))
                flash(request, "The review has been deleted.")
                return redirect("/admin/review/product/")
            values = {k: str(form.get(k, "")).strip() for k in ("nickname", "title", "detail")}
            status = str(form.get("status", ""))
            if status not in REVIEW_STATUSES or not all(values.values()):
                flash(request, "Please fill in all fields.", "error")
                return redirect(request.url.path)
            conn.execute("UPDATE reviews SET status = ?, nickname = ?, title = ?, detail = ? "
                         "WHERE id = ?", (status, *values.values(), review_id))
            flash(request, "You saved the review.")
            return redirect("/admin/review/product/")
        return render_admin(request, conn, "review_edit.html", review=review,
                            statuses=REVIEW_STATUSES)


# ---------------------------------------------------------------------------- reports

PERIODS = {"day": "%Y-%m-%d", "month": "%Y-%m", "year": "%Y"}


def report_filter(request: Request) -> dict[str, Any]:
    """The report form's state: dates (shown back as Magento's ``2/1/23``), period, statuses."""
    q = request.query_params
    start, end = parse_date(q.get("from")), parse_date(q.get("to"))
    statuses = [s for s in q.getlist("order_statuses") if s in ORDER_STATUSES]
    return {"start": start, "end": end, "from": short_date(start) if start else q.get("from", ""),
            "to": short_date(end) if end else q.get("to", ""),
            "period": q.get("period_type") if q.get("period_type") in PERIODS else "day",
            "show_all": q.get("show_order_statuses", "0") != "1", "statuses": statuses,
            "submitted": "from" in q or "to" in q,
            "error": ("from" in q or "to" in q) and not (start and end)}


def report_orders(f: dict[str, Any], exclude_canceled: bool = False) -> tuple[str, list[Any]]:
    where = ["substr(o.created_at, 1, 10) BETWEEN ? AND ?"]
    params: list[Any] = [f["start"].isoformat(), f["end"].isoformat()]
    if not f["show_all"] and f["statuses"]:
        where.append(f"o.status IN ({','.join('?' * len(f['statuses']))})")
        params += f["statuses"]
    if exclude_canceled:
        where.append("o.status != 'canceled'")
    return " AND ".join(where), params


async def admin_reports(request: Request) -> Response:
    if (guard := admin_guard(request)) is not None:
        return guard
    with database(request) as conn:
        return render_admin(request, conn, "reports.html")


async def admin_report_sales(request: Request) -> Response:
    """Sales (orders) and Shipping reports: totals per day, month or year."""
    if (guard := admin_guard(request)) is not None:
        return guard
    kind = request.path_params["kind"]
    if kind not in ("sales", "shipping"):
        raise HTTPException(404)
    f = report_filter(request)
    rows: list[sqlite3.Row] = []
    with database(request) as conn:
        if f["submitted"] and not f["error"]:
            where, params = report_orders(f)
            period = f"strftime('{PERIODS[f['period']]}', o.created_at)"
            if kind == "sales":
                rows = conn.execute(
                    f"SELECT {period} AS period, COUNT(*) AS orders, SUM(o.total_qty) AS items, "
                    "ROUND(SUM(o.subtotal), 2) AS subtotal, ROUND(SUM(o.shipping_amount), 2) "
                    "AS shipping, ROUND(SUM(o.discount_amount), 2) AS discount, "
                    "ROUND(SUM(o.grand_total), 2) AS total, "
                    "ROUND(SUM(CASE WHEN o.status = 'canceled' THEN o.grand_total ELSE 0 END), "
                    f"2) AS canceled FROM orders o WHERE {where} GROUP BY 1 ORDER BY 1",
                    params).fetchall()
            else:
                rows = conn.execute(
                    f"SELECT {period} AS period, o.shipping_method AS carrier, COUNT(*) AS "
                    "orders, ROUND(SUM(o.shipping_amount), 2) AS shipping FROM orders o "
                    f"WHERE {where} GROUP BY 1, 2 ORDER BY 1, 2", params).fetchall()
        return render_admin(request, conn, f"report_{kind}.html", f=f, rows=rows,
                            periods=PERIODS)


async def admin_report_bestsellers(request: Request) -> Response:
    if (guard := admin_guard(request)) is not None:
        return guard
    f = report_filter(request)
    rows: list[dict] = []
    with database(request) as conn:
        if f["submitted"] and not f["error"]:
            where, params = report_orders(f, exclude_canceled=True)
            period = f"strftime('{PERIODS[f['period']]}', o.created_at)"
            ranked = conn.execute(
                f"SELECT {period} AS period, i.product_id, MAX(i.name) AS name, "
                "MAX(i.sku) AS sku, MAX(i.price) AS price, SUM(i.qty) AS qty FROM order_items "
                f"i JOIN orders o ON o.id = i.order_id WHERE {where} GROUP BY 1, 2 "
                "ORDER BY 1, qty DESC, MAX(i.price) DESC, i.product_id", params).fetchall()
            rank: dict[str, int] = {}
            for row in ranked:
                rank[row["period"]] = rank.get(row["period"], 0) + 1
                if rank[row["period"]] <= 10:
                    rows.append({**dict(row), "rank": rank[row["period"]]})
        return render_admin(request, conn, "report_bestsellers.html", f=f, rows=rows,
                            periods=PERIODS)


async def admin_search_terms(request: Request) -> Response:
    if (guard := admin_guard(request)) is not None:
        return guard
    where, params, filters = [], [], []
    if text := request.query_params.get("search", "").strip():
        where.append("query_text LIKE ? ESCAPE '\\'")
        params.append(like(text))
        filters.append(("Search Query", text, "search"))
    with database(request) as conn:
        grid = admin_grid(request, conn, "SELECT * FROM search_terms", where, params,
                          "popularity DESC, id")
        return render_admin(request, conn, "search_terms.html", grid=grid, filters=filters)


# ------------------------------------------------------------------------------- app

async def not_found(request: Request, exc: Exception) -> Response:
    status = getattr(exc, "status_code", 404)
    if request.url.path.startswith("/admin"):
        return Response("404 Not Found", status_code=status)
    with database(request) as conn:
        return render(request, conn, "404.html", status=status)


def routes() -> list[Route | Mount]:
    get, post, both = ["GET"], ["POST"], ["GET", "POST"]
    table: list[tuple[str, Any, list[str]]] = [
        ("/", home, get),
        ("/catalog/product/view/id/{id}", product_by_id, get),
        ("/catalog/product/view/id/{id}/", product_by_id, get),
        ("/catalog/category/view/id/{id}", category_by_id, get),
        ("/catalog/category/view/id/{id}/", category_by_id, get),
        ("/catalogsearch/result/", search, get),
        ("/catalogsearch/result/index/", search, get),
        ("/review/product/list/id/{id}/", review_list, get),
        ("/review/product/post/id/{id}/", review_post, post),
        ("/review/customer/", my_reviews, get),
        ("/checkout/cart/", cart, get),
        ("/checkout/cart/add/", cart_add, post),
        ("/checkout/cart/updatePost/", cart_update, post),
        ("/checkout/", checkout, get),
        ("/checkout/placeOrder/", place_order, post),
        ("/checkout/onepage/success/", checkout_success, get),
        ("/customer/account/login/", login_form, get),
        ("/customer/account/loginPost/", login_post, post),
        ("/customer/account/logout/", logout, get),
        ("/customer/account/create/", register_form, get),
        ("/customer/account/createpost/", register_post, post),
        ("/customer/account/", account, get),
        ("/customer/account/edit/", account_edit, get),
        ("/customer/account/editPost/", account_edit_post, post),
        ("/customer/address/", address_book, get),
        ("/customer/address/new/", address_form, get),
        ("/customer/address/edit/id/{id}/", address_form, get),
        ("/customer/address/formPost/", address_post, post),
        ("/customer/address/delete/id/{id}/", address_delete, post),
        ("/sales/order/history/", order_history, get),
        ("/sales/order/view/order_id/{order_id}/", order_view, get),
        ("/sales/order/reorder/order_id/{order_id}/", reorder, post),
        ("/wishlist/", wishlist, get),
        ("/wishlist/index/add/", wishlist_add, post),
        ("/wishlist/index/{action:str}/", wishlist_item_action, post),
        ("/newsletter/manage/", newsletter, both),
        ("/contact/", contact, both),
        ("/contact/index/", contact, get),
        ("/admin", admin_home, get),
        ("/admin/", admin_home, get),
        ("/admin/auth/login/", admin_login, post),
        ("/admin/auth/logout/", admin_logout, get),
        ("/admin/dashboard/", admin_dashboard, get),
        ("/admin/admin/dashboard/", admin_dashboard, get),
        ("/admin/sales/order/", admin_orders, get),
        ("/admin/sales/order/view/order_id/{order_id}/", admin_order_view, get),
        ("/admin/sales/order/commentsHistory/order_id/{order_id}/active_tab/{tab}/",
         admin_order_view, get),
        ("/admin/sales/order/{action:str}/order_id/{order_id}/", admin_order_action, post),
        ("/admin/sales/order/address/address_id/{address_id}/", admin_order_address, both),
        ("/admin/catalog/product/", admin_products, get),
        ("/admin/catalog/product/edit/id/{id}/", admin_product_edit, get),
        ("/admin/catalog/product/save/id/{id}/", admin_product_save, post),
        ("/admin/customer/index/", admin_customers, get),
        ("/admin/customer/index/edit/id/{id}/", admin_customer_edit, get),
        ("/admin/customer/index/save/id/{id}/", admin_customer_save, post),
        ("/admin/customer/address/save/", admin_address_save, post),
        ("/admin/customer/address/save/id/{id}/", admin_address_save, post),
        ("/admin/review/product/", admin_reviews, get),
        ("/admin/review/product/pending/", admin_reviews, get),
        ("/admin/review/product/massUpdate/", admin_reviews_mass, post),
        ("/admin/review/product/edit/id/{id}/", admin_review_edit, both),
        ("/admin/reports/", admin_reports, get),
        ("/admin/reports/report_sales/bestsellers/", admin_report_bestsellers, get),
        ("/admin/reports/report_sales/{kind:str}/", admin_report_sales, get),
        ("/admin/search/term/report/", admin_search_terms, get),
    ]
    return [
        *(Route(path, endpoint, methods=methods) for path, endpoint, methods in table),
        Mount("/static", StaticFiles(directory=HERE / "static"), name="static"),
        Route("/{path:path}", html_page, methods=get),
    ]


def create_app(db_path: str | Path, secret_key: str | None = None) -> Starlette:
    """The shop over the SQLite database at ``db_path`` (built by :func:`catalog.build`)."""
    app = Starlette(
        routes=routes(),
        middleware=[Middleware(SessionMiddleware, secret_key=secret_key or secrets.token_hex(16),
                               session_cookie="shop_session", same_site="lax")],
        exception_handlers={404: not_found, 405: not_found})
    app.state.db_path = str(db_path)
    app.state.templates = build_templates()
    return app
