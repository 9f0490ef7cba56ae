"""The admin's catalog: the products grid, editing a product, and moderating reviews (the
grid, the pending queue, mass actions and editing one).

Mirrors Magento's ``/admin/catalog/product/``, ``/admin/catalog/product/edit/id/{id}/``,
``/admin/catalog/product/save/id/{id}/``, ``/admin/review/product/`` (and ``pending/``,
``massUpdate/``, ``edit/id/{id}/``).
"""

from __future__ import annotations

from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from vab_gym.core.webapp import local_path, redirect

from .admin import GridQuery, admin_grid
from .guards import admin_page
from .pages import render_admin
from .storefront import breadcrumbs
from .web import database, flash, to_int, to_money


@admin_page
async def admin_products(request: Request) -> Response:
    q = request.query_params
    query = GridQuery()
    query.contains(q.get("search", ""), ("p.name", "p.sku"))
    if (status := to_int(q.get("status"))) in (1, 2):
        query.require(
            "p.status = ?", status, "Status", "Enabled" if status == 1 else "Disabled", "status"
        )
    sort = {"id": "p.id", "name": "p.name", "price": "p.price", "qty": "p.qty", "sku": "p.sku"}.get(
        q.get("sort", ""), "p.id"
    )
    direction = "DESC" if q.get("dir") == "desc" else "ASC"
    with database(request) as conn:
        grid = admin_grid(
            request,
            conn,
            "SELECT p.*, c.name AS category FROM products p JOIN "
            "categories c ON c.id = p.category_id",
            query,
            f"{sort} {direction}, p.id",
        )
        return render_admin(request, conn, "products.html", grid=grid, filters=query.shown)


@admin_page
async def admin_product_edit(request: Request) -> Response:
    with database(request) as conn:
        product = conn.execute(
            "SELECT * FROM products WHERE id = ?", (to_int(request.path_params["id"]),)
        ).fetchone()
        if product is None:
            flash(request, "This product doesn't exist.", "error")
            return redirect("/admin/catalog/product/")
        options = conn.execute(
            "SELECT * FROM product_options WHERE product_id = ? ORDER BY position", (product["id"],)
        ).fetchall()
        return render_admin(
            request,
            conn,
            "product_edit.html",
            product=product,
            options=options,
            crumbs=breadcrumbs(conn, product["category_id"]),
        )


@admin_page
async def admin_product_save(request: Request) -> Response:
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
        clash = conn.execute(
            "SELECT 1 FROM products WHERE sku = ? AND id != ?", (sku, product_id)
        ).fetchone()
        problem = (
            "The product name and SKU are required."
            if not name or not sku
            else "The SKU is already used by another product."
            if clash
            else "Please enter a valid price."
            if price is None
            else "Please enter a valid special price."
            if special_text and special is None
            else "Please enter a valid quantity."
            if qty is None or qty < 0
            else "Please choose a stock status and a product status."
            if in_stock not in (0, 1) or status not in (1, 2)
            else None
        )
        if problem:
            flash(request, problem, "error")
            return redirect(back)
        conn.execute(
            "UPDATE products SET name = ?, sku = ?, price = ?, special_price = ?, "
            "qty = ?, is_in_stock = ?, status = ?, description = ? WHERE id = ?",
            (name, sku, price, special, qty, in_stock, status, description, product_id),
        )
    flash(request, "You saved the product.")
    return redirect(back)


REVIEW_STATUSES = ("Approved", "Pending", "Not Approved")


@admin_page
async def admin_reviews(request: Request) -> Response:
    q = request.query_params
    pending_only = request.url.path.rstrip("/").endswith("pending")
    query = GridQuery()
    status = "Pending" if pending_only else q.get("status", "")
    if status in REVIEW_STATUSES:
        query.require("r.status = ?", status, "Status", status, "status")
    for key, column, label in (
        ("product", "p.name", "Product"),
        ("sku", "p.sku", "SKU"),
        ("nickname", "r.nickname", "Nickname"),
        ("title", "r.title", "Title"),
        ("detail", "r.detail", "Review"),
    ):
        query.contains(q.get(key, ""), (column,), label, key)
    with database(request) as conn:
        grid = admin_grid(
            request,
            conn,
            "SELECT r.*, p.name AS product_name, p.sku FROM "
            "reviews r JOIN products p ON p.id = r.product_id",
            query,
            "r.id DESC",
        )
        return render_admin(
            request,
            conn,
            "reviews.html",
            grid=grid,
            filters=query.shown,
            pending_only=pending_only,
            statuses=REVIEW_STATUSES,
        )


@admin_page
async def admin_reviews_mass(request: Request) -> Response:
    """The grid's mass action on the ticked reviews: a new status, or ``delete``."""
    form = await request.form()
    ids = [i for i in (to_int(v) for v in form.getlist("reviews")) if i is not None]
    action = str(form.get("action", ""))
    back = local_path(str(form.get("back", "")), "/admin/review/product/")
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


@admin_page
async def admin_review_edit(request: Request) -> Response:
    review_id = to_int(request.path_params["id"])
    with database(request) as conn:
        review = conn.execute(
            "SELECT r.*, p.name AS product_name, p.sku FROM reviews r JOIN "
            "products p ON p.id = r.product_id WHERE r.id = ?",
            (review_id,),
        ).fetchone()
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
            conn.execute(
                "UPDATE reviews SET status = ?, nickname = ?, title = ?, detail = ? WHERE id = ?",
                (status, *values.values(), review_id),
            )
            flash(request, "You saved the review.")
            return redirect("/admin/review/product/")
        return render_admin(
            request, conn, "review_edit.html", review=review, statuses=REVIEW_STATUSES
        )


ROUTES = [
    Route("/admin/catalog/product/", admin_products, methods=["GET"]),
    Route("/admin/catalog/product/edit/id/{id}/", admin_product_edit, methods=["GET"]),
    Route("/admin/catalog/product/save/id/{id}/", admin_product_save, methods=["POST"]),
    Route("/admin/review/product/", admin_reviews, methods=["GET"]),
    Route("/admin/review/product/pending/", admin_reviews, methods=["GET"]),
    Route("/admin/review/product/massUpdate/", admin_reviews_mass, methods=["POST"]),
    Route("/admin/review/product/edit/id/{id}/", admin_review_edit, methods=["GET", "POST"]),
]
