"""Postal addresses as the shop keeps them: the fields and states a form may send, and the
customer's address book rows (used by checkout, the account pages and the admin panel)."""

from __future__ import annotations

import sqlite3
from typing import Any

from starlette.datastructures import FormData

# The states a shipping address may name, as Magento's region list shows them.
US_STATES = (
    "Alabama",
    "Alaska",
    "Arizona",
    "Arkansas",
    "California",
    "Colorado",
    "Connecticut",
    "Delaware",
    "Florida",
    "Georgia",
    "Hawaii",
    "Idaho",
    "Illinois",
    "Indiana",
    "Iowa",
    "Kansas",
    "Kentucky",
    "Louisiana",
    "Maine",
    "Maryland",
    "Massachusetts",
    "Michigan",
    "Minnesota",
    "Mississippi",
    "Missouri",
    "Montana",
    "Nebraska",
    "Nevada",
    "New Hampshire",
    "New Jersey",
    "New Mexico",
    "New York",
    "North Carolina",
    "North Dakota",
    "Ohio",
    "Oklahoma",
    "Oregon",
    "Pennsylvania",
    "Rhode Island",
    "South Carolina",
    "South Dakota",
    "Tennessee",
    "Texas",
    "Utah",
    "Vermont",
    "Virginia",
    "Washington",
    "West Virginia",
    "Wisconsin",
    "Wyoming",
)
ADDRESS_FIELDS = (
    "firstname",
    "lastname",
    "company",
    "street",
    "city",
    "region",
    "postcode",
    "telephone",
)


def address_from_form(form: FormData, prefix: str = "") -> dict[str, str] | None:
    """The address fields of a form, or ``None`` when a required one is empty."""
    values = {k: str(form.get(prefix + k, "")).strip() for k in ADDRESS_FIELDS}
    required = [k for k in ADDRESS_FIELDS if k != "company"]
    if not all(values[k] for k in required) or values["region"] not in US_STATES:
        return None
    return values


def save_address(
    conn: sqlite3.Connection,
    customer_id: int,
    address: dict[str, str],
    address_id: int | None = None,
) -> int:
    if address_id is not None:
        conn.execute(
            f"UPDATE addresses SET {', '.join(f'{k} = ?' for k in ADDRESS_FIELDS)} WHERE id = ?",
            (*address.values(), address_id),
        )
        return address_id
    cur = conn.execute(
        f"INSERT INTO addresses (customer_id, country, {', '.join(ADDRESS_FIELDS)}) "
        f"VALUES (?, 'United States', {', '.join('?' * len(ADDRESS_FIELDS))})",
        (customer_id, *address.values()),
    )
    return int(cur.lastrowid or 0)


def addresses_of(conn: sqlite3.Connection, customer_id: int) -> list[sqlite3.Row]:
    return conn.execute(
        "SELECT * FROM addresses WHERE customer_id = ? ORDER BY id", (customer_id,)
    ).fetchall()


def default_addresses(conn: sqlite3.Connection, customer: sqlite3.Row) -> dict[str, Any]:
    def get(address_id: int | None) -> sqlite3.Row | None:
        return conn.execute("SELECT * FROM addresses WHERE id = ?", (address_id,)).fetchone()

    return {
        "billing": get(customer["default_billing"]),
        "shipping": get(customer["default_shipping"]),
    }
