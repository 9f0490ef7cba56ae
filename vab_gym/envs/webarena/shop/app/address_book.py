"""The customer's address book: the list, the new/edit address form, saving and deleting.

Mirrors Magento's ``/customer/address/``, ``/customer/address/new/``,
``/customer/address/edit/id/{id}/``, ``/customer/address/formPost/`` and
``/customer/address/delete/id/{id}/``.
"""

from __future__ import annotations

from sqlite3 import Connection, Row

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from vab_gym.core.webapp import redirect

from .addresses import address_from_form, addresses_of, default_addresses, save_address
from .guards import customer_page
from .pages import render
from .web import flash, to_int


@customer_page
async def address_book(request: Request, conn: Connection, customer: Row) -> Response:
    defaults = default_addresses(conn, customer)
    default_ids = {customer["default_billing"], customer["default_shipping"]}
    others = [a for a in addresses_of(conn, customer["id"]) if a["id"] not in default_ids]
    return render(
        request, conn, "account/addresses.html", others=others, section="address", **defaults
    )


@customer_page
async def address_form(request: Request, conn: Connection, customer: Row) -> Response:
    address = None
    if "id" in request.path_params:
        address = conn.execute(
            "SELECT * FROM addresses WHERE id = ? AND customer_id = ?",
            (to_int(request.path_params["id"]), customer["id"]),
        ).fetchone()
        if address is None:
            return redirect("/customer/address/")
    return render(request, conn, "account/address_form.html", address=address, section="address")


@customer_page
async def address_post(request: Request, conn: Connection, customer: Row) -> Response:
    form = await request.form()
    address_id = to_int(form.get("id"))
    if (
        address_id is not None
        and not conn.execute(
            "SELECT 1 FROM addresses WHERE id = ? AND customer_id = ?", (address_id, customer["id"])
        ).fetchone()
    ):
        return redirect("/customer/address/")
    values = address_from_form(form)
    if values is None:
        flash(request, "Please fill in all required fields and choose a State/Province.", "error")
        back = (
            f"/customer/address/edit/id/{address_id}/" if address_id else "/customer/address/new/"
        )
        return redirect(back)
    address_id = save_address(conn, customer["id"], values, address_id)
    for column, key in (
        ("default_billing", "default_billing"),
        ("default_shipping", "default_shipping"),
    ):
        if form.get(key) or customer[column] is None:
            conn.execute(
                f"UPDATE customers SET {column} = ? WHERE id = ?", (address_id, customer["id"])
            )
    flash(request, "You saved the address.")
    return redirect("/customer/address/")


@customer_page
async def address_delete(request: Request, conn: Connection, customer: Row) -> Response:
    address_id = to_int(request.path_params["id"])
    if address_id in (customer["default_billing"], customer["default_shipping"]):
        flash(request, "You can't delete a default address.", "error")
    else:
        conn.execute(
            "DELETE FROM addresses WHERE id = ? AND customer_id = ?", (address_id, customer["id"])
        )
        flash(request, "You deleted the address.")
    return redirect("/customer/address/")


ROUTES = [
    Route("/customer/address/", address_book, methods=["GET"]),
    Route("/customer/address/new/", address_form, methods=["GET"]),
    Route("/customer/address/edit/id/{id}/", address_form, methods=["GET"]),
    Route("/customer/address/formPost/", address_post, methods=["POST"]),
    Route("/customer/address/delete/id/{id}/", address_delete, methods=["POST"]),
]
