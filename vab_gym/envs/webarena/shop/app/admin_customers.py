"""The admin's customers: the customers grid, one customer's page, saving the customer and
saving one of their addresses.

Mirrors Magento's ``/admin/customer/index/``, ``/admin/customer/index/edit/id/{id}/``,
``/admin/customer/index/save/id/{id}/`` and ``/admin/customer/address/save/[id/{id}/]``.
"""

from __future__ import annotations

from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from vab_gym.core.webapp import redirect

from .account import customer_details_problem
from .addresses import address_from_form, addresses_of, save_address
from .admin import GridQuery, admin_grid
from .guards import admin_page
from .pages import render_admin
from .web import database, flash, to_int


@admin_page
async def admin_customers(request: Request) -> Response:
    q = request.query_params
    query = GridQuery()
    query.contains(
        q.get("search", ""), ("c.firstname || ' ' || c.lastname", "c.email", "a.telephone")
    )
    with database(request) as conn:
        grid = admin_grid(
            request,
            conn,
            "SELECT c.*, a.telephone, a.postcode, a.region, "
            "a.country, a.city FROM customers c LEFT JOIN addresses a ON a.id = "
            "c.default_billing",
            query,
            "c.id",
        )
        return render_admin(request, conn, "customers.html", grid=grid, filters=query.shown)


@admin_page
async def admin_customer_edit(request: Request) -> Response:
    with database(request) as conn:
        customer = conn.execute(
            "SELECT * FROM customers WHERE id = ?", (to_int(request.path_params["id"]),)
        ).fetchone()
        if customer is None:
            flash(request, "Something went wrong while editing the customer.", "error")
            return redirect("/admin/customer/index/")
        return render_admin(
            request,
            conn,
            "customer_edit.html",
            customer=customer,
            addresses=addresses_of(conn, customer["id"]),
            orders=conn.execute(
                "SELECT * FROM orders WHERE customer_id = ? ORDER BY id DESC", (customer["id"],)
            ).fetchall(),
            reviews=conn.execute(
                "SELECT r.*, p.name AS product_name FROM reviews r JOIN "
                "products p ON p.id = r.product_id WHERE r.customer_id = ? "
                "ORDER BY r.id DESC",
                (customer["id"],),
            ).fetchall(),
        )


@admin_page
async def admin_customer_save(request: Request) -> Response:
    form = await request.form()
    customer_id = to_int(request.path_params["id"])
    back = f"/admin/customer/index/edit/id/{customer_id}/"
    values = {
        k: str(form.get(f"customer[{k}]", "")).strip() for k in ("firstname", "lastname", "email")
    }
    with database(request) as conn:
        if not conn.execute("SELECT 1 FROM customers WHERE id = ?", (customer_id,)).fetchone():
            raise HTTPException(404)
        if problem := customer_details_problem(conn, values, customer_id):
            flash(request, problem, "error")
            return redirect(back)
        conn.execute(
            "UPDATE customers SET firstname = ?, lastname = ?, email = ? WHERE id = ?",
            (*values.values(), customer_id),
        )
    flash(request, "You saved the customer.")
    return redirect(back)


@admin_page
async def admin_address_save(request: Request) -> Response:
    """Edit one of a customer's addresses (``id``) or add one (``customer_id``)."""
    form = await request.form()
    with database(request) as conn:
        address_id = to_int(request.path_params.get("id"))
        if address_id is not None:
            row = conn.execute(
                "SELECT customer_id FROM addresses WHERE id = ?", (address_id,)
            ).fetchone()
            customer_id = row["customer_id"] if row else None
        else:
            customer_id = to_int(form.get("customer_id"))
        if (
            customer_id is None
            or not conn.execute("SELECT 1 FROM customers WHERE id = ?", (customer_id,)).fetchone()
        ):
            raise HTTPException(404)
        back = f"/admin/customer/index/edit/id/{customer_id}/#addresses"
        values = address_from_form(form, "address_")
        if values is None:
            flash(request, "Please fill in all required address fields.", "error")
            return redirect(back)
        address_id = save_address(conn, customer_id, values, address_id)
        for column in ("default_billing", "default_shipping"):
            if form.get(column):
                conn.execute(
                    f"UPDATE customers SET {column} = ? WHERE id = ?", (address_id, customer_id)
                )
    flash(request, "You saved the address.")
    return redirect(back)


ROUTES = [
    Route("/admin/customer/index/", admin_customers, methods=["GET"]),
    Route("/admin/customer/index/edit/id/{id}/", admin_customer_edit, methods=["GET"]),
    Route("/admin/customer/index/save/id/{id}/", admin_customer_save, methods=["POST"]),
    Route("/admin/customer/address/save/", admin_address_save, methods=["POST"]),
    Route("/admin/customer/address/save/id/{id}/", admin_address_save, methods=["POST"]),
]
