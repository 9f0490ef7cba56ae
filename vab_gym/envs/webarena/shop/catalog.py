"""The shop's data: a seeded catalogue, customers, reviews and two years of orders in SQLite.

Everything comes from ``random.Random(seed)`` and a Faker seeded alike, with dates placed
relative to a fixed :data:`TODAY` (never the clock), so one seed always gives the same rows.
The words it draws from (the product taxonomy, review phrases, sizes and colours) are
data, in ``catalog.yaml`` beside this file; its brands are invented so that made-up reviews
never speak about real companies. The layout mirrors WebArena's One Stop Market
(Magento): 3-level categories, ASIN-like SKUs, order numbers ``000000123`` whose integer is
the order's id.
"""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
import hmac
import json
import math
import random
import re
import sqlite3
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any

import yaml
from faker import Faker

SCHEMA = Path(__file__).with_name("schema.sql")
TODAY = dt.date(2023, 12, 31)
HISTORY_START = dt.date(2022, 1, 1)

STORE = {
    "name": "One Stop Market",
    "phone": "+1 (800) 555-0199",
    "email": "support@onestopmarket.com",
    "address": "6146 Honey Bluff Parkway, Calder, Michigan, 49628",
    "hours": "Monday to Friday, 9am-6pm ET",
    "today": TODAY.isoformat(),
}
CUSTOMER_LOGIN = {"username": "emma.lopez@gmail.com", "password": "Password.123"}
ADMIN_LOGIN = {"username": "admin", "password": "admin1234"}
FLAT_RATE = 5.0  # dollars per item, Magento's default "Flat Rate - Fixed"
FREE_SHIPPING_FROM = 100.0
SHIPPING_METHODS = {"flatrate": "Flat Rate - Fixed", "freeshipping": "Free Shipping - Free"}
PAYMENT_METHOD = "Check / Money order"
ORDER_STATUSES = {
    "pending": "Pending",
    "processing": "Processing",
    "complete": "Complete",
    "canceled": "Canceled",
    "holded": "On Hold",
}


@dataclass(frozen=True)
class Leaf:
    """A third-level category and how to make believable products for it.

    ``pattern`` is a name template over ``brand``, ``noun`` and the spec picks ``a`` .. ``c``
    (one value from each list of ``specs``); ``price`` bounds a log-uniform draw.
    """

    name: str
    nouns: tuple[str, ...]
    brands: tuple[str, ...]
    price: tuple[float, float]
    specs: tuple[tuple[str, ...], ...]
    aspects: tuple[str, ...]
    features: tuple[str, ...]
    pattern: str = "{brand} {a} {noun}, {b}"
    options: str = ""  # '', 'apparel', 'pants', 'shoes' or 'color'


@dataclass(frozen=True)
class Vocabulary:
    """The words the generator draws from, as ``catalog.yaml`` writes them.

    They are data, not code, so that a catalogue can be reworded or grown without touching
    the generator; the order of every list is part of the data (a seeded draw picks by
    position), so the same file and seed always give the same database.
    """

    taxonomy: dict[str, dict[str, tuple[Leaf, ...]]]
    praise: tuple[str, ...]
    criticism: tuple[str, ...]
    neutral: tuple[str, ...]
    openers: dict[int, tuple[str, ...]]  # by star rating
    closers: dict[int, tuple[str, ...]]
    titles: dict[int, tuple[str, ...]]
    blurbs: tuple[str, ...]
    sizes: dict[str, tuple[str, ...]]  # by a leaf's options: apparel, pants, shoes
    colours: tuple[str, ...]


def _leaf(entry: dict[str, Any]) -> Leaf:
    return Leaf(
        name=entry["name"],
        nouns=tuple(entry["nouns"]),
        brands=tuple(entry["brands"]),
        price=(entry["price"][0], entry["price"][1]),
        specs=tuple(tuple(values) for values in entry["specs"]),
        aspects=tuple(entry["aspects"]),
        features=tuple(entry["features"]),
        pattern=entry.get("pattern", Leaf.pattern),
        options=entry.get("options", Leaf.options),
    )


def _by_stars(table: dict[int, list[str]]) -> dict[int, tuple[str, ...]]:
    return {int(stars): tuple(texts) for stars, texts in table.items()}


@functools.cache
def vocabulary() -> Vocabulary:
    """``catalog.yaml``, read once per process."""
    data = yaml.safe_load(resources.files(__package__).joinpath("catalog.yaml").read_text("utf-8"))
    reviews = data["reviews"]
    return Vocabulary(
        taxonomy={
            top: {sub: tuple(_leaf(entry) for entry in leaves) for sub, leaves in subs.items()}
            for top, subs in data["taxonomy"].items()
        },
        praise=tuple(reviews["praise"]),
        criticism=tuple(reviews["criticism"]),
        neutral=tuple(reviews["neutral"]),
        openers=_by_stars(reviews["openers"]),
        closers=_by_stars(reviews["closers"]),
        titles=_by_stars(reviews["titles"]),
        blurbs=tuple(data["blurbs"]),
        sizes={kind: tuple(values) for kind, values in data["sizes"].items()},
        colours=tuple(data["colours"]),
    )


# ------------------------------------------------------------------------------ helpers


def slugify(text: str) -> str:
    """Magento-like URL keys: lower case, runs of other characters become one dash."""
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")


def hash_password(password: str, salt: str) -> str:
    """``pbkdf2_sha256$iterations$salt$hex``; few iterations, the store only runs locally."""
    digest = hashlib.pbkdf2_hmac("sha256", password.encode(), salt.encode(), 1000).hex()
    return f"pbkdf2_sha256$1000${salt}${digest}"


def verify_password(password: str, stored: str) -> bool:
    try:
        _, iterations, salt, digest = stored.split("$")
    except ValueError:
        return False
    mine = hashlib.pbkdf2_hmac("sha256", password.encode(), salt.encode(), int(iterations))
    return hmac.compare_digest(mine.hex(), digest)


def fts_query(text: str) -> str | None:
    """An FTS5 MATCH expression requiring every word of ``text`` (prefix match on the last,
    as shoppers type), or ``None`` for no words. Words are quoted, so no syntax leaks."""
    words = re.findall(r"\w+", text.lower())
    if not words:
        return None
    quoted = [f'"{w}"' for w in words]
    quoted[-1] += "*"
    return " ".join(quoted)


def stamp(when: dt.datetime) -> str:
    return when.strftime("%Y-%m-%d %H:%M:%S")


def connect(path: str | Path) -> sqlite3.Connection:
    """A connection as the shop uses it: rows by name, foreign keys on, waits on locks."""
    conn = sqlite3.connect(path, timeout=10)
    conn.row_factory = sqlite3.Row
    conn.execute("PRAGMA foreign_keys = ON")
    return conn


# ---------------------------------------------------------------------------- generator


class _Generator:
    """Fills an empty database; one method per table group, called in a fixed order."""

    def __init__(self, conn: sqlite3.Connection, seed: int) -> None:
        self.conn = conn
        self.rng = random.Random(seed)
        self.fake = Faker("en_US")
        self.fake.seed_instance(seed)
        self.words = vocabulary()
        self.leaves: list[tuple[int, Leaf]] = []  # (category id, leaf)
        self.products: list[sqlite3.Row] = []

    def run(self) -> None:
        self.config()
        self.categories()
        self.catalog()
        self.customers()
        self.reviews()
        self.orders()
        self.wishlists()
        self.search_terms()
        self.admin()

    def config(self) -> None:
        self.conn.executemany("INSERT INTO store_config VALUES (?, ?)", STORE.items())

    def categories(self) -> None:
        next_id = 1
        for top_pos, (top, subs) in enumerate(self.words.taxonomy.items()):
            top_id, next_id = next_id, next_id + 1
            self._category(top_id, None, top, slugify(top), 1, top_pos)
            for sub_pos, (sub, leaves) in enumerate(subs.items()):
                sub_id, next_id = next_id, next_id + 1
                sub_path = f"{slugify(top)}/{slugify(sub)}"
                self._category(sub_id, top_id, sub, sub_path, 2, sub_pos)
                for leaf_pos, spec in enumerate(leaves):
                    leaf_id, next_id = next_id, next_id + 1
                    self._category(
                        leaf_id, sub_id, spec.name, f"{sub_path}/{slugify(spec.name)}", 3, leaf_pos
                    )
                    self.leaves.append((leaf_id, spec))

    def _category(
        self, cid: int, parent: int | None, name: str, path: str, level: int, position: int
    ) -> None:
        self.conn.execute(
            "INSERT INTO categories VALUES (?, ?, ?, ?, ?, ?)",
            (cid, parent, name, path, level, position),
        )

    # -- products

    def catalog(self) -> None:
        names: set[str] = set()
        skus: set[str] = set()
        product_id = 0
        for leaf_index, (category_id, spec) in enumerate(self.leaves):
            hue = (leaf_index * 37) % 360
            for _ in range(self.rng.randint(11, 15)):
                name, noun = self._unique_name(spec, names)
                product_id += 1
                self._product(product_id, category_id, spec, name, noun, hue, skus)
        self.products = self.conn.execute(
            "SELECT p.*, c.name AS leaf FROM products p JOIN categories c "
            "ON c.id = p.category_id ORDER BY p.id"
        ).fetchall()

    def _unique_name(self, spec: Leaf, taken: set[str]) -> tuple[str, str]:
        """A new product name for the leaf, and the noun it was made with."""
        for _ in range(50):
            picks = [self.rng.choice(values) for values in spec.specs]
            fields = dict(zip("abc", [*picks, "", "", ""], strict=False))
            noun = self.rng.choice(spec.nouns)
            name = spec.pattern.format(brand=self.rng.choice(spec.brands), noun=noun, **fields)
            name = re.sub(r"\s+", " ", name).strip(" ,-")
            if name not in taken:
                taken.add(name)
                return name, noun
        raise RuntimeError(f"cannot name more products in {spec.name}")

    def _product(
        self, pid: int, category_id: int, spec: Leaf, name: str, noun: str, hue: int, skus: set[str]
    ) -> None:
        rng = self.rng
        low, high = spec.price
        price = math.exp(rng.uniform(math.log(low), math.log(high)))
        price = round(max(1.0, round(price) - rng.choice((0.01, 0.01, 0.05, 0.51))), 2)
        special = round(price * rng.uniform(0.7, 0.9), 2) if rng.random() < 0.08 else None
        qty = 0 if rng.random() < 0.05 else rng.randint(3, 500)
        status = 2 if rng.random() < 0.01 else 1
        sku = self._sku(skus)
        features = rng.sample(spec.features, k=min(3, len(spec.features)))
        description = "\n".join(
            [
                f"{name}.",
                f"Designed by {_brand(name, spec)} for everyday use, this "
                f"{noun.lower()} {rng.choice(self.words.blurbs)}.",
                *[f"- {feature[0].upper()}{feature[1:]}" for feature in features],
            ]
        )
        colour = f"hsl({(hue + rng.randint(-12, 12)) % 360}, 45%, {rng.randint(72, 86)}%)"
        created = HISTORY_START - dt.timedelta(days=rng.randint(30, 900))
        self.conn.execute(
            "INSERT INTO products (id, sku, name, url_key, brand, category_id, price, "
            "special_price, qty, is_in_stock, status, description, weight, image_color, "
            "created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (
                pid,
                sku,
                name,
                slugify(name),
                _brand(name, spec),
                category_id,
                price,
                special,
                qty,
                int(qty > 0),
                status,
                description,
                round(rng.uniform(0.1, 40.0), 1),
                colour,
                created.isoformat() + " 00:00:00",
            ),
        )
        self._options(pid, spec.options)

    def _sku(self, taken: set[str]) -> str:
        while True:
            sku = "B0" + "".join(
                self.rng.choice("ABCDEFGHJKLMNPQRSTUVWXYZ0123456789") for _ in range(8)
            )
            if sku not in taken:
                taken.add(sku)
                return sku

    def _options(self, pid: int, kind: str) -> None:
        rng = self.rng
        rows: list[tuple[str, str]] = []
        if kind in ("apparel", "pants", "shoes"):
            sizes = self.words.sizes[kind]
            start = rng.randint(0, max(0, len(sizes) - 4))
            rows += [("Size", size) for size in sizes[start : start + rng.randint(3, 5)]]
        if kind:
            rows += [("Color", c) for c in rng.sample(self.words.colours, k=rng.randint(2, 4))]
        self.conn.executemany(
            "INSERT INTO product_options (product_id, attribute, value, position) "
            "VALUES (?, ?, ?, ?)",
            [(pid, a, v, i) for i, (a, v) in enumerate(rows)],
        )

    # -- people

    def customers(self) -> None:
        fake, rng = self.fake, self.rng
        people = [("Emma", "Lopez", CUSTOMER_LOGIN["username"])]
        emails = {people[0][2]}
        while len(people) < 80:
            first, last = fake.first_name(), fake.last_name()
            email = (
                f"{first}.{last}{rng.choice(['', '', str(rng.randint(1, 99))])}@"
                f"{rng.choice(['gmail.com', 'yahoo.com', 'hotmail.com', 'outlook.com'])}"
            )
            if email.lower() not in emails:
                emails.add(email.lower())
                people.append((first, last, email.lower()))
        for cid, (first, last, email) in enumerate(people, start=1):
            created = HISTORY_START - dt.timedelta(days=rng.randint(1, 700))
            salt = "".join(rng.choice("abcdefghijklmnopqrstuvwxyz0123456789") for _ in range(12))
            self.conn.execute(
                "INSERT INTO customers (id, firstname, lastname, email, password_hash, gender, "
                "dob, newsletter, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    cid,
                    first,
                    last,
                    email,
                    hash_password(CUSTOMER_LOGIN["password"], salt),
                    rng.choice(["Female", "Male", "Not Specified"]),
                    fake.date_of_birth(minimum_age=19, maximum_age=75).isoformat(),
                    int(rng.random() < 0.3),
                    stamp(dt.datetime.combine(created, dt.time(10))),
                ),
            )
            addresses = [self._address(cid, first, last) for _ in range(rng.choice([1, 1, 2]))]
            billing = addresses[-1] if len(addresses) > 1 and rng.random() < 0.3 else addresses[0]
            self.conn.execute(
                "UPDATE customers SET default_billing = ?, default_shipping = ? WHERE id = ?",
                (billing, addresses[0], cid),
            )

    def _address(self, cid: int, first: str, last: str) -> int:
        fake = self.fake
        phone = f"{self.rng.randint(201, 989)}555{self.rng.randint(1000, 9999)}"
        cur = self.conn.execute(
            "INSERT INTO addresses (customer_id, firstname, lastname, street, city, region, "
            "postcode, country, telephone) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (
                cid,
                first,
                last,
                fake.street_address(),
                fake.city(),
                fake.state(),
                fake.postcode(),
                "United States",
                phone,
            ),
        )
        return int(cur.lastrowid or 0)

    # -- reviews

    def reviews(self) -> None:
        rng, fake = self.rng, self.fake
        customers = self.conn.execute("SELECT id, firstname FROM customers ORDER BY id").fetchall()
        span = (TODAY - HISTORY_START).days
        rows = []
        for product in self.products:
            spec = self._leaf_of(product["category_id"])
            quality = rng.uniform(2.3, 4.9)
            for _ in range(rng.choice([0, 1, 2, 2, 3, 3, 4, 5, 6, 8])):
                rating = min(5, max(1, round(rng.gauss(quality, 1.0))))
                author = rng.choice(customers) if rng.random() < 0.2 else None
                nickname = author["firstname"] if author else fake.first_name()
                when = HISTORY_START + dt.timedelta(days=rng.randint(0, span - 1))
                roll = rng.random()
                status = "Pending" if roll < 0.06 else "Not Approved" if roll < 0.08 else "Approved"
                rows.append(
                    (
                        product["id"],
                        author["id"] if author else None,
                        nickname,
                        rng.choice(self.words.titles[rating]),
                        self._review_text(spec, rating),
                        rating,
                        status,
                        stamp(
                            dt.datetime.combine(
                                when, dt.time(rng.randint(7, 22), rng.randint(0, 59))
                            )
                        ),
                    )
                )
        rows.sort(key=lambda r: r[-1])  # ids follow dates, as on a live site
        self.conn.executemany(
            "INSERT INTO reviews (product_id, customer_id, nickname, title, detail, rating, "
            "status, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            rows,
        )

    def _review_text(self, spec: Leaf, rating: int) -> str:
        rng, words = self.rng, self.words
        aspects = rng.sample(spec.aspects, k=2)
        good = rng.choice(words.praise).format(aspect=aspects[0])
        bad = rng.choice(words.criticism).format(aspect=aspects[1])
        meh = rng.choice(words.neutral).format(aspect=aspects[rating == 4])
        body = {
            5: [good, rng.choice(words.praise).format(aspect=aspects[1])],
            4: [good, meh],
            3: [good, bad],
            2: [meh, bad],
            1: [bad, rng.choice(words.criticism).format(aspect=aspects[0])],
        }[rating]
        parts = [rng.choice(words.openers[rating]), *body, rng.choice(words.closers[rating])]
        return " ".join(p[0].upper() + p[1:] for p in parts if p)

    def _leaf_of(self, category_id: int) -> Leaf:
        return next(spec for cid, spec in self.leaves if cid == category_id)

    # -- orders

    def orders(self) -> None:
        rng = self.rng
        customers = self.conn.execute("SELECT * FROM customers ORDER BY id").fetchall()
        # A few loyal customers buy often; Emma (id 1) is the WebArena-style main account.
        weights = [40.0] + [rng.choice([1.0, 2.0, 4.0, 8.0]) for _ in customers[1:]]
        span = (TODAY - HISTORY_START).days
        placed = []
        for _ in range(360):
            customer = rng.choices(customers, weights)[0]
            # Sales grow over time: later days are more likely.
            day = HISTORY_START + dt.timedelta(days=int(span * rng.random() ** 0.8))
            when = dt.datetime.combine(
                day, dt.time(rng.randint(6, 23), rng.randint(0, 59), rng.randint(0, 59))
            )
            placed.append((when, customer))
        placed.sort(key=lambda pair: (pair[0], pair[1]["id"]))
        enabled = [p for p in self.products if p["status"] == 1]
        # The main account always has an open order, as WebArena's shopping tasks assume.
        emma_last = max(i for i, (_, c) in enumerate(placed, start=1) if c["id"] == 1)
        for order_id, (when, customer) in enumerate(placed, start=1):
            status = "pending" if order_id == emma_last else self._status(when)
            self._order(order_id, when, customer, enabled, status)

    def _order(
        self,
        order_id: int,
        when: dt.datetime,
        customer: sqlite3.Row,
        products: list[sqlite3.Row],
        status: str,
    ) -> None:
        rng = self.rng
        items = []
        for product in rng.sample(products, k=rng.choice([1, 1, 2, 2, 3, 4])):
            options = self._pick_options(product["id"])
            qty = rng.choice([1, 1, 1, 2, 3])
            price = product["special_price"] or product["price"]
            items.append((product, options, qty, price))
        subtotal = round(sum(qty * price for _, _, qty, price in items), 2)
        total_qty = sum(qty for _, _, qty, _ in items)
        method = "freeshipping" if subtotal >= FREE_SHIPPING_FROM else "flatrate"
        shipping = 0.0 if method == "freeshipping" else FLAT_RATE * total_qty
        self.conn.execute(
            "INSERT INTO orders (id, increment_id, customer_id, customer_firstname, "
            "customer_lastname, customer_email, status, created_at, subtotal, shipping_amount, "
            "grand_total, total_qty, shipping_method, payment_method) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (
                order_id,
                f"{order_id:09d}",
                customer["id"],
                customer["firstname"],
                customer["lastname"],
                customer["email"],
                status,
                stamp(when),
                subtotal,
                shipping,
                round(subtotal + shipping, 2),
                total_qty,
                SHIPPING_METHODS[method],
                PAYMENT_METHOD,
            ),
        )
        for kind, column in (("shipping", "default_shipping"), ("billing", "default_billing")):
            self.conn.execute(
                "INSERT INTO order_addresses (order_id, type, firstname, lastname, company, "
                "street, city, region, postcode, country, telephone) SELECT ?, ?, firstname, "
                "lastname, company, street, city, region, postcode, country, telephone "
                "FROM addresses WHERE id = ?",
                (order_id, kind, customer[column]),
            )
        self.conn.executemany(
            "INSERT INTO order_items (order_id, product_id, sku, name, options, price, qty, "
            "row_total) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            [
                (
                    order_id,
                    p["id"],
                    p["sku"],
                    p["name"],
                    json.dumps(o),
                    price,
                    qty,
                    round(price * qty, 2),
                )
                for p, o, qty, price in items
            ],
        )
        self._history(order_id, when, status)

    def _pick_options(self, product_id: int) -> list[list[str]]:
        rows = self.conn.execute(
            "SELECT attribute, value FROM product_options WHERE product_id = ? ORDER BY position",
            (product_id,),
        ).fetchall()
        chosen: dict[str, list[str]] = {}
        for row in rows:
            chosen.setdefault(row["attribute"], []).append(row["value"])
        return [[attr, self.rng.choice(values)] for attr, values in chosen.items()]

    def _status(self, when: dt.datetime) -> str:
        """Recent orders are still open; a few old ones were never paid or shipped."""
        age = (TODAY - when.date()).days
        weights = (
            {"pending": 45, "processing": 35, "canceled": 12, "holded": 8}
            if age <= 14
            else {"complete": 60, "processing": 25, "canceled": 10, "pending": 5}
            if age <= 60
            else {"complete": 82, "canceled": 12, "pending": 4, "processing": 2}
        )
        return self.rng.choices(list(weights), list(weights.values()))[0]

    def _history(self, order_id: int, when: dt.datetime, status: str) -> None:
        rng = self.rng
        steps = [("pending", "Order placed.", when)]
        later = when + dt.timedelta(hours=rng.randint(2, 30))
        if status in ("processing", "complete"):
            steps.append(("processing", "Invoice created: payment received.", later))
        if status == "complete":
            shipped = later + dt.timedelta(days=rng.randint(1, 4))
            carrier = rng.choice(["UPS", "FedEx", "USPS", "DHL"])
            number = "".join(rng.choice("0123456789") for _ in range(12))
            steps.append(
                (
                    "complete",
                    f"Tracking number {number} for {carrier} assigned. Order shipped.",
                    shipped,
                )
            )
        if status == "canceled":
            steps.append(
                (
                    "canceled",
                    rng.choice(
                        ["Canceled at the customer's request.", "Payment not received in time."]
                    ),
                    later,
                )
            )
        if status == "holded":
            steps.append(("holded", "Order put on hold: address verification needed.", later))
        self.conn.executemany(
            "INSERT INTO order_history (order_id, status, comment, is_customer_notified, "
            "created_at) VALUES (?, ?, ?, 1, ?)",
            [(order_id, s, comment, stamp(min(t, _last_moment()))) for s, comment, t in steps],
        )

    # -- the rest

    def wishlists(self) -> None:
        rng = self.rng
        enabled = [p["id"] for p in self.products if p["status"] == 1]
        rows = []
        for cid in range(1, 81):
            if cid != 1 and rng.random() > 0.4:
                continue
            for pid in rng.sample(enabled, k=4 if cid == 1 else rng.randint(1, 6)):
                day = TODAY - dt.timedelta(days=rng.randint(1, 600))
                rows.append((cid, pid, stamp(dt.datetime.combine(day, dt.time(12)))))
        self.conn.executemany(
            "INSERT INTO wishlist_items (customer_id, product_id, added_at) VALUES (?, ?, ?)", rows
        )

    def search_terms(self) -> None:
        rng = self.rng
        candidates: list[str] = []
        for _, spec in self.leaves:
            candidates += [
                spec.name.lower(),
                rng.choice(spec.nouns).lower(),
                rng.choice(spec.brands).lower(),
            ]
        candidates += [
            "switch accessories",
            "xbox controller",
            "white desk",
            "mouth guard",
            "body butter",
            "chairs",
            "taper candles",
            "phone case",
            "yoga mat",
        ]
        unique = list(dict.fromkeys(candidates))
        chosen = rng.sample(unique, k=80)
        rows = []
        for rank, query in enumerate(chosen, start=1):
            match = fts_query(query)
            hits = self.conn.execute(
                "SELECT COUNT(*) FROM product_search JOIN products p ON p.id = "
                "product_search.rowid WHERE product_search MATCH ? AND p.status = 1",
                (match,),
            ).fetchone()[0]
            popularity = max(1, int(300 / rank**0.9) + rng.randint(0, 5))
            day = TODAY - dt.timedelta(days=rng.randint(1, 365))
            rows.append((query, hits, popularity, stamp(dt.datetime.combine(day, dt.time(9)))))
        self.conn.executemany(
            "INSERT INTO search_terms (query_text, num_results, popularity, "
            "updated_at) VALUES (?, ?, ?, ?)",
            rows,
        )

    def admin(self) -> None:
        self.conn.execute(
            "INSERT INTO admin_users (username, password_hash, firstname, lastname, email) "
            "VALUES (?, ?, ?, ?, ?)",
            (
                ADMIN_LOGIN["username"],
                hash_password(ADMIN_LOGIN["password"], "adminsalt"),
                "Store",
                "Admin",
                "admin@onestopmarket.com",
            ),
        )


def _brand(name: str, spec: Leaf) -> str:
    """The brand a generated name starts with (some brands are several words)."""
    return next((b for b in spec.brands if b in name), spec.brands[0])


def _last_moment() -> dt.datetime:
    """Seeded history ends before the store's 'today', so new activity always sorts last."""
    return dt.datetime.combine(TODAY - dt.timedelta(days=1), dt.time(23, 59, 59))


def build(path: str | Path, seed: int = 0) -> None:
    """Create the shop's database at ``path`` (which must not exist yet) from ``seed``."""
    conn = sqlite3.connect(path)
    conn.row_factory = sqlite3.Row
    try:
        conn.executescript(SCHEMA.read_text())
        with conn:
            _Generator(conn, seed).run()
        conn.execute("VACUUM")
    finally:
        conn.close()
