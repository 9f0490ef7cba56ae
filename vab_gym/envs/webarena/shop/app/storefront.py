"""The storefront: home page, category and product pages, search, product reviews and the
contact form.

Mirrors One Stop Market's (Magento 2) URLs: ``/{category-path}.html`` and
``/{product-url-key}.html``, ``/catalog/product/view/id/{id}``,
``/catalog/category/view/id/{id}``, ``/catalogsearch/result/?q=``,
``/review/product/list/id/{id}/``, ``/review/product/post/id/{id}/`` and ``/contact/``.
"""

from __future__ import annotations

import sqlite3

from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Match, Route

from vab_gym.core.webapp import redirect

from .. import catalog
from .listing import PRODUCT_SELECT, product_listing
from .pages import customer_of, render
from .web import EMAIL, database, flash, shop_now, to_int


async def home(request: Request) -> Response:
    with database(request) as conn:
        bestsellers = conn.execute(
            f"{PRODUCT_SELECT} JOIN (SELECT product_id, SUM(qty) AS sold FROM order_items "
            "GROUP BY product_id) s ON s.product_id = p.id WHERE p.status = 1 "
            "ORDER BY s.sold DESC, p.id LIMIT 8"
        ).fetchall()
        deals = conn.execute(
            f"{PRODUCT_SELECT} WHERE p.status = 1 AND p.special_price "
            "IS NOT NULL ORDER BY p.id LIMIT 4"
        ).fetchall()
        return render(request, conn, "home.html", bestsellers=bestsellers, deals=deals)


async def html_page(request: Request) -> Response:
    """``/{category-path}.html`` or ``/{product-url-key}.html``, as Magento resolves them.
    Other paths that name a page without its trailing slash are redirected to it."""
    path = request.path_params["path"]
    if not path.endswith(".html"):
        slashed = {**request.scope, "path": request.url.path + "/"}
        for route in request.app.router.routes:
            if (
                isinstance(route, Route)
                and route.endpoint is not html_page
                and route.matches(slashed)[0] == Match.FULL
            ):
                query = f"?{request.url.query}" if request.url.query else ""
                return RedirectResponse(request.url.path + "/" + query, status_code=301)
        raise HTTPException(404)
    key = path[: -len(".html")]
    with database(request) as conn:
        category = conn.execute("SELECT * FROM categories WHERE url_path = ?", (key,)).fetchone()
        if category:
            return category_page(request, conn, category)
        product = conn.execute(
            "SELECT * FROM products WHERE url_key = ? AND status = 1", (key,)
        ).fetchone()
        if product:
            return product_page(request, conn, product)
    raise HTTPException(404)


def breadcrumbs(conn: sqlite3.Connection, category_id: int) -> list[sqlite3.Row]:
    trail = []
    row = conn.execute("SELECT * FROM categories WHERE id = ?", (category_id,)).fetchone()
    while row:
        trail.insert(0, row)
        row = conn.execute("SELECT * FROM categories WHERE id = ?", (row["parent_id"],)).fetchone()
    return trail


def category_page(request: Request, conn: sqlite3.Connection, category: sqlite3.Row) -> Response:
    listing = product_listing(
        request,
        conn,
        "p.category_id IN (SELECT id FROM categories WHERE url_path = ? "
        "OR url_path LIKE ? || '/%')",
        (category["url_path"], category["url_path"]),
        root=category["id"],
    )
    return render(
        request,
        conn,
        "listing.html",
        listing=listing,
        category=category,
        title=category["name"],
        crumbs=breadcrumbs(conn, category["id"]),
    )


def product_page(request: Request, conn: sqlite3.Connection, product: sqlite3.Row) -> Response:
    summary = conn.execute(f"{PRODUCT_SELECT} WHERE p.id = ?", (product["id"],)).fetchone()
    options: dict[str, list[str]] = {}
    for row in conn.execute(
        "SELECT attribute, value FROM product_options WHERE product_id = ? ORDER BY position",
        (product["id"],),
    ):
        options.setdefault(row["attribute"], []).append(row["value"])
    reviews = conn.execute(
        "SELECT * FROM reviews WHERE product_id = ? AND status = 'Approved' "
        "ORDER BY created_at DESC, id DESC",
        (product["id"],),
    ).fetchall()
    related = conn.execute(
        f"{PRODUCT_SELECT} WHERE p.status = 1 AND p.category_id = ? AND "
        "p.id != ? ORDER BY ABS(p.id - ?) , p.id LIMIT 4",
        (product["category_id"], product["id"], product["id"]),
    ).fetchall()
    customer = customer_of(request, conn)
    return render(
        request,
        conn,
        "product.html",
        product=product,
        summary=summary,
        options=options,
        reviews=reviews,
        related=related,
        crumbs=breadcrumbs(conn, product["category_id"]),
        nickname=customer["firstname"] if customer else "",
    )


async def product_by_id(request: Request) -> Response:
    with database(request) as conn:
        row = conn.execute(
            "SELECT url_key FROM products WHERE id = ? AND status = 1",
            (to_int(request.path_params["id"]),),
        ).fetchone()
    if not row:
        raise HTTPException(404)
    return RedirectResponse(f"/{row['url_key']}.html", status_code=301)


async def category_by_id(request: Request) -> Response:
    with database(request) as conn:
        row = conn.execute(
            "SELECT url_path FROM categories WHERE id = ?", (to_int(request.path_params["id"]),)
        ).fetchone()
    if not row:
        raise HTTPException(404)
    return RedirectResponse(f"/{row['url_path']}.html", status_code=301)


async def search(request: Request) -> Response:
    text = request.query_params.get("q", "").strip()
    match = catalog.fts_query(text)
    with database(request) as conn:
        relevance: dict[int, float] = {}
        if match:  # bm25: lower is better, so ascending order puts the best first
            relevance = {
                r["rowid"]: r["score"]
                for r in conn.execute(
                    "SELECT rowid, bm25(product_search, 10.0, 5.0, 5.0, 2.0) AS score "
                    "FROM product_search WHERE product_search MATCH ?",
                    (match,),
                )
            }
        ids = ",".join(str(i) for i in relevance) or "NULL"
        listing = product_listing(request, conn, f"p.id IN ({ids})", relevance=relevance)
        if text and request.query_params.get("p") in (None, "1"):
            record_search(conn, text, listing.total)
        return render(
            request,
            conn,
            "listing.html",
            listing=listing,
            query=text,
            title=f"Search results for: '{text}'" if text else "Search",
        )


def record_search(conn: sqlite3.Connection, text: str, results: int) -> None:
    """Magento counts every search for the admin's Search Terms report."""
    conn.execute(
        "INSERT INTO search_terms (query_text, num_results, popularity, updated_at) "
        "VALUES (?, ?, 1, ?) ON CONFLICT(query_text) DO UPDATE SET "
        "num_results = excluded.num_results, popularity = popularity + 1, "
        "updated_at = excluded.updated_at",
        (text.lower(), results, catalog.stamp(shop_now())),
    )


async def review_list(request: Request) -> Response:
    with database(request) as conn:
        product = conn.execute(
            "SELECT * FROM products WHERE id = ? AND status = 1",
            (to_int(request.path_params["id"]),),
        ).fetchone()
        if not product:
            raise HTTPException(404)
        summary = conn.execute(f"{PRODUCT_SELECT} WHERE p.id = ?", (product["id"],)).fetchone()
        reviews = conn.execute(
            "SELECT * FROM reviews WHERE product_id = ? AND status = "
            "'Approved' ORDER BY created_at DESC, id DESC",
            (product["id"],),
        ).fetchall()
        customer = customer_of(request, conn)
        return render(
            request,
            conn,
            "reviews.html",
            product=product,
            summary=summary,
            reviews=reviews,
            nickname=customer["firstname"] if customer else "",
        )


async def review_post(request: Request) -> Response:
    form = await request.form()
    product_id = to_int(request.path_params["id"])
    rating = to_int(form.get("ratings"))
    fields = {k: str(form.get(k, "")).strip() for k in ("nickname", "title", "detail")}
    with database(request) as conn:
        product = conn.execute(
            "SELECT * FROM products WHERE id = ? AND status = 1", (product_id,)
        ).fetchone()
        if not product:
            raise HTTPException(404)
        back = f"/{product['url_key']}.html#reviews"
        if rating not in range(1, 6) or not all(fields.values()):
            flash(request, "Please select a rating and fill in all the review fields.", "error")
            return redirect(back)
        conn.execute(
            "INSERT INTO reviews (product_id, customer_id, nickname, title, detail, rating, "
            "status, created_at) VALUES (?, ?, ?, ?, ?, ?, 'Pending', ?)",
            (
                product_id,
                request.session.get("customer_id"),
                fields["nickname"],
                fields["title"],
                fields["detail"],
                rating,
                catalog.stamp(shop_now()),
            ),
        )
    flash(request, "You submitted your review for moderation.")
    return redirect(back)


async def contact(request: Request) -> Response:
    with database(request) as conn:
        if request.method == "POST":
            form = await request.form()
            values = {
                k: str(form.get(k, "")).strip() for k in ("name", "email", "telephone", "comment")
            }
            if not (values["name"] and values["comment"] and EMAIL.fullmatch(values["email"])):
                flash(request, "Please fill in your name, a valid email and your message.", "error")
                return redirect("/contact/")
            conn.execute(
                "INSERT INTO contact_messages (name, email, telephone, comment, "
                "created_at) VALUES (?, ?, ?, ?, ?)",
                (*values.values(), catalog.stamp(shop_now())),
            )
            flash(
                request,
                "Thanks for contacting us with your comments and questions. We'll "
                "respond to you very soon.",
            )
            return redirect("/contact/")
        return render(request, conn, "contact.html")


GET, POST = ["GET"], ["POST"]
ROUTES = [
    Route("/", home, methods=GET),
    Route("/catalog/product/view/id/{id}", product_by_id, methods=GET),
    Route("/catalog/product/view/id/{id}/", product_by_id, methods=GET),
    Route("/catalog/category/view/id/{id}", category_by_id, methods=GET),
    Route("/catalog/category/view/id/{id}/", category_by_id, methods=GET),
    Route("/catalogsearch/result/", search, methods=GET),
    Route("/catalogsearch/result/index/", search, methods=GET),
    Route("/review/product/list/id/{id}/", review_list, methods=GET),
    Route("/review/product/post/id/{id}/", review_post, methods=POST),
    Route("/contact/", contact, methods=["GET", "POST"]),
    Route("/contact/index/", contact, methods=GET),
]
# Last of all the app's routes: any other path is a category or product page (or 404).
CATCH_ALL = Route("/{path:path}", html_page, methods=GET)
