"""The customer's account: signing in and out, registering, the account dashboard, editing
the account, the newsletter subscription and the customer's own reviews.

Mirrors Magento's ``/customer/account/`` family (``login/``, ``loginPost/``, ``logout/``,
``create/``, ``createpost/``, ``edit/``, ``editPost/``), ``/newsletter/manage/`` and
``/review/customer/``.
"""

from __future__ import annotations

import json
import secrets
import sqlite3
from sqlite3 import Connection, Row
from urllib.parse import urlencode

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from vab_gym.core.webapp import local_path, redirect

from .. import catalog
from .account_orders import order_ship_to
from .addresses import default_addresses
from .cart import add_to_cart
from .guards import customer_page
from .pages import cart_owner, customer_of, render
from .web import EMAIL, database, flash, shop_now

SIGN_IN_ERROR = (
    "The account sign-in was incorrect or your account is disabled temporarily. "
    "Please wait and try again later."
)


async def login_form(request: Request) -> Response:
    with database(request) as conn:
        if customer_of(request, conn):
            return redirect("/customer/account/")
        return render(
            request, conn, "login.html", referer=local_path(request.query_params.get("referer"), "")
        )


async def login_post(request: Request) -> Response:
    form = await request.form()
    email = str(form.get("login[username]", "")).strip()
    password = str(form.get("login[password]", ""))
    referer = local_path(str(form.get("referer", "")), "/customer/account/")
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
        add_to_cart(
            conn,
            f"customer:{customer_id}",
            line["product_id"],
            line["qty"],
            json.loads(line["options"]),
        )
    conn.execute("DELETE FROM cart_items WHERE owner = ?", (guest,))


async def logout(request: Request) -> Response:
    request.session.pop("customer_id", None)
    request.session.pop("cart_token", None)
    flash(request, "You are signed out.")
    return redirect("/")


async def register_form(request: Request) -> Response:
    with database(request) as conn:
        return render(request, conn, "register.html")


async def register_post(request: Request) -> Response:
    form = await request.form()
    values = {k: str(form.get(k, "")).strip() for k in ("firstname", "lastname", "email")}
    password = str(form.get("password", ""))
    with database(request) as conn:
        taken = conn.execute(
            "SELECT 1 FROM customers WHERE email = ?", (values["email"],)
        ).fetchone()
        problem = (
            "Please fill in all required fields."
            if not all(values.values())
            else "Please enter a valid email address."
            if not EMAIL.fullmatch(values["email"])
            else "There is already an account with this email address."
            if taken
            else "Minimum length of this field must be equal or greater than 8 symbols."
            if len(password) < 8
            else "Please make sure your passwords match."
            if password != form.get("password_confirmation")
            else None
        )
        if problem:
            flash(request, problem, "error")
            return redirect("/customer/account/create/")
        cur = conn.execute(
            "INSERT INTO customers (firstname, lastname, email, password_hash, newsletter, "
            "created_at) VALUES (?, ?, ?, ?, ?, ?)",
            (
                values["firstname"],
                values["lastname"],
                values["email"],
                catalog.hash_password(password, secrets.token_hex(6)),
                int(bool(form.get("is_subscribed"))),
                catalog.stamp(shop_now()),
            ),
        )
        sign_in(request, conn, int(cur.lastrowid or 0))
        store = conn.execute("SELECT value FROM store_config WHERE key = 'name'").fetchone()[0]
    flash(request, f"Thank you for registering with {store}.")
    return redirect("/customer/account/")


@customer_page
async def account(request: Request, conn: Connection, customer: Row) -> Response:
    orders = conn.execute(
        "SELECT * FROM orders WHERE customer_id = ? ORDER BY id DESC LIMIT 5", (customer["id"],)
    ).fetchall()
    return render(
        request,
        conn,
        "account/dashboard.html",
        orders=orders,
        ship_to=order_ship_to(conn, [o["id"] for o in orders]),
        **default_addresses(conn, customer),
        section="account",
    )


@customer_page
async def account_edit(request: Request, conn: Connection, customer: Row) -> Response:
    return render(request, conn, "account/edit.html", section="edit")


def customer_details_problem(
    conn: Connection, values: dict[str, str], customer_id: int
) -> str | None:
    """What is wrong with a customer's new name and email (``firstname``, ``lastname``,
    ``email``), as the account page and the admin's customer page both say it."""
    taken = conn.execute(
        "SELECT 1 FROM customers WHERE email = ? AND id != ?", (values["email"], customer_id)
    ).fetchone()
    return (
        "Please fill in all required fields."
        if not all(values.values())
        else "Please enter a valid email address."
        if not EMAIL.fullmatch(values["email"])
        else "A customer with the same email address already exists."
        if taken
        else None
    )


@customer_page
async def account_edit_post(request: Request, conn: Connection, customer: Row) -> Response:
    form = await request.form()
    values = {k: str(form.get(k, "")).strip() for k in ("firstname", "lastname", "email")}
    changing = bool(form.get("change_email")) or bool(form.get("change_password"))
    current = str(form.get("current_password", ""))
    new_password = str(form.get("password", ""))
    problem = customer_details_problem(conn, values, customer["id"]) or (
        "The password doesn't match this account."
        if changing and not catalog.verify_password(current, customer["password_hash"])
        else "Minimum length of this field must be equal or greater than 8 symbols."
        if form.get("change_password") and len(new_password) < 8
        else "Please make sure your passwords match."
        if form.get("change_password") and new_password != form.get("password_confirmation")
        else None
    )
    if values["email"].lower() != customer["email"].lower() and not form.get("change_email"):
        problem = problem or "Check 'Change Email' and enter your password to change it."
    if problem:
        flash(request, problem, "error")
        return redirect("/customer/account/edit/")
    conn.execute(
        "UPDATE customers SET firstname = ?, lastname = ?, email = ? WHERE id = ?",
        (*values.values(), customer["id"]),
    )
    if form.get("change_password"):
        conn.execute(
            "UPDATE customers SET password_hash = ? WHERE id = ?",
            (catalog.hash_password(new_password, secrets.token_hex(6)), customer["id"]),
        )
    flash(request, "You saved the account information.")
    return redirect("/customer/account/")


@customer_page
async def my_reviews(request: Request, conn: Connection, customer: Row) -> Response:
    reviews = conn.execute(
        "SELECT r.*, p.name AS product_name, p.url_key FROM reviews r JOIN products p ON "
        "p.id = r.product_id WHERE r.customer_id = ? ORDER BY r.created_at DESC, r.id DESC",
        (customer["id"],),
    ).fetchall()
    return render(request, conn, "account/reviews.html", reviews=reviews, section="reviews")


@customer_page
async def newsletter(request: Request, conn: Connection, customer: Row) -> Response:
    if request.method == "POST":
        form = await request.form()
        conn.execute(
            "UPDATE customers SET newsletter = ? WHERE id = ?",
            (int(bool(form.get("is_subscribed"))), customer["id"]),
        )
        flash(
            request,
            "We have saved your subscription."
            if form.get("is_subscribed")
            else "We have removed your newsletter subscription.",
        )
        return redirect("/customer/account/")
    return render(request, conn, "account/newsletter.html", section="newsletter")


ROUTES = [
    Route("/customer/account/login/", login_form, methods=["GET"]),
    Route("/customer/account/loginPost/", login_post, methods=["POST"]),
    Route("/customer/account/logout/", logout, methods=["GET"]),
    Route("/customer/account/create/", register_form, methods=["GET"]),
    Route("/customer/account/createpost/", register_post, methods=["POST"]),
    Route("/customer/account/", account, methods=["GET"]),
    Route("/customer/account/edit/", account_edit, methods=["GET"]),
    Route("/customer/account/editPost/", account_edit_post, methods=["POST"]),
    Route("/review/customer/", my_reviews, methods=["GET"]),
    Route("/newsletter/manage/", newsletter, methods=["GET", "POST"]),
]
