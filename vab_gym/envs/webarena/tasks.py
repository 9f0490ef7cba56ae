"""VAB-WebArena-Lite's task sets: WebArena-Lite's 165 test tasks from VAB's file, and
WebArena-style tasks for the local shop, ``data/prototypes.yaml`` grounded in its database.

WebArena-Lite's tasks (VAB's re-checked subset of WebArena) are converted once from VAB's
``test_webarena_lite.raw.json`` into ``data/webarena_lite.jsonl``. Configs keep WebArena's
``__SITE__`` URL placeholders; the env substitutes the configured site URLs at reset.
WebArena's ``storage_state`` files are dropped: the env logs in itself.

For the local shop, each prototype names a grounding below (``candidates``) that lists, from
the seed-0 database, every filling of its slots together with what the answer is and where
the solution lies (``solution``, read by the program solver). Fillings are split once, with a
fixed shuffle, into a test part and a train part, so the two splits ask about different
things wherever a prototype has enough fillings.

Run ``python -m vab_gym.envs.webarena.tasks`` to rewrite ``data/test.jsonl`` and
``data/train.jsonl``, and ``python -m vab_gym.envs.webarena.tasks --lite
path/to/test_webarena_lite.raw.json`` to rewrite ``data/webarena_lite.jsonl``.
"""

from __future__ import annotations

import argparse
import dataclasses
import datetime as dt
import json
import sqlite3
import tempfile
from collections.abc import Callable
from importlib import resources
from pathlib import Path
from typing import Any
from urllib.parse import quote_plus

import numpy as np
import yaml
from faker import Faker

from vab_gym.core.tasks import Task, TaskSet, write_jsonl
from vab_gym.core.templates import Prototype, fill
from vab_gym.envs.webarena.shop import catalog
from vab_gym.envs.webarena.shop.formats import as_date, long_date, money, short_date

ENV_ID = "VAB-WebArena-Lite-v0"
SHOP_SEED = 0
PARTITION_SEED = 20240  # the fixed shuffle that splits each prototype's fillings
TEST_SHARE = 0.4  # of each prototype's fillings reserved for the test split
SPLIT_SEEDS = {"test": 0, "train": 1}
SPLIT_COUNTS = {"test": 189, "train": 300}
EVAL_DEFAULTS = {
    "eval_types": [],
    "reference_answers": None,
    "reference_url": "",
    "program_html": [],
    "string_note": "",
    "url_note": "",
}

LITE_SOURCE = "VAB-WebArena-Lite test_webarena_lite.raw.json"
LITE_PATH = Path(__file__).parent / "data" / "webarena_lite.jsonl"

Candidate = tuple[dict[str, Any], dict[str, Any]]  # (filling, solution)


# --- WebArena-Lite's own tasks, from VAB's file -----------------------------------------


def lite_task(config: dict[str, Any]) -> Task:
    """One WebArena config as a task of the project's format."""
    setup = {
        key: config[key]
        for key in ("sites", "start_url", "require_login", "require_reset", "geolocation")
    }
    return Task(
        id=f"wal-test-{config['task_id']}",
        env=ENV_ID,
        split="test",
        instruction=config["intent"],
        setup={**setup, "backend": "webarena"},
        judge=config["eval"],
        metadata={
            "intent_template_id": config["intent_template_id"],
            "old_task_id": config["old_task_id"],
            "source": LITE_SOURCE,
        },
    )


def convert_lite(raw_path: str | Path) -> list[Task]:
    """The tasks of a WebArena-Lite raw file (a JSON list of WebArena configs), in order."""
    configs = json.loads(Path(raw_path).read_text(encoding="utf-8"))
    return [lite_task(config) for config in configs]


# --- the local shop's prototypes --------------------------------------------------------


@dataclasses.dataclass(frozen=True)
class LocalPrototype:
    """A prototype with WebArena's task fields and the grounding that fills it."""

    prototype: Prototype
    kind: str  # info, nav or change
    candidates: str
    start_url: str
    sites: tuple[str, ...]
    answer: str | None = None  # the solver's answer, a template over filling and answers


def load_prototypes() -> list[LocalPrototype]:
    text = (resources.files(__package__) / "data" / "prototypes.yaml").read_text("utf-8")
    return [
        LocalPrototype(
            Prototype(
                id=e["id"],
                instruction=e["instruction"],
                slots=e["slots"],
                judge={**EVAL_DEFAULTS, **e["eval"]},
            ),
            e["kind"],
            e["candidates"],
            e["start_url"],
            tuple(e["sites"]),
            e.get("answer"),
        )
        for e in yaml.safe_load(text)
    ]


# --- the database ----------------------------------------------------------------------


def shop_database(seed: int = SHOP_SEED) -> sqlite3.Connection:
    """An in-memory copy of the shop's pristine database (the one the server starts from)."""
    memory = sqlite3.connect(":memory:")
    with tempfile.TemporaryDirectory(prefix="vab-shop-tasks-") as tmp:
        path = Path(tmp) / "shop.sqlite3"
        catalog.build(path, seed)
        disk = sqlite3.connect(path)
        try:
            disk.backup(memory)
        finally:
            disk.close()
    memory.row_factory = sqlite3.Row
    return memory


def date_answers(day: str) -> str:
    """The ways an answer may write a date, WebArena's ``|OR|`` alternatives (the first is
    the storefront's, the last the admin's short date)."""
    d = as_date(day)
    return " |OR| ".join(
        [
            long_date(d),
            f"{d:%b} {d.day}, {d.year}",
            d.isoformat(),
            f"{d.month}/{d.day}/{d.year}",
            short_date(d),
        ]
    )


# --- groundings: every filling of a prototype, with its solution ------------------------

PRODUCTS = (
    "SELECT p.*, COALESCE(p.special_price, p.price) AS final_price, "
    "COALESCE(r.review_count, 0) AS reviews, r.avg_rating FROM products p "
    "LEFT JOIN product_ratings r ON r.product_id = p.id WHERE p.status = 1 "
    "AND p.name IN (SELECT name FROM products GROUP BY name HAVING COUNT(*) = 1)"
)


def _product(row: sqlite3.Row, **extra: Any) -> Candidate:
    filling = {
        "name": row["name"],
        "id": row["id"],
        "sku": row["sku"],
        "url_key": row["url_key"],
        **extra,
    }
    return filling, {"product_url": f"/{row['url_key']}.html", "product_id": row["id"]}


def products(db: sqlite3.Connection) -> list[Candidate]:
    out = []
    for row in db.execute(PRODUCTS + " ORDER BY p.id"):
        filling, solution = _product(row, price=money(row["final_price"]), brand=row["brand"])
        key = {"price": filling["price"], "brand": row["brand"], "sku": row["sku"]}
        out.append((filling, {**solution, "answers": key}))
    return out


def reviewed_products(db: sqlite3.Connection) -> list[Candidate]:
    out = []
    for row in db.execute(PRODUCTS + " AND r.review_count > 0 ORDER BY p.id"):
        rating = f"{row['avg_rating']:.1f}"
        filling, solution = _product(row, reviews=str(row["reviews"]), rating=rating)
        out.append(
            (filling, {**solution, "answers": {"reviews": str(row["reviews"]), "rating": rating}})
        )
    return out


def simple_products(db: sqlite3.Connection) -> list[Candidate]:
    """In stock, without options, and not in the customer's newest order (so that order
    does not already pass a 'place an order for X' check)."""
    newest = db.execute(
        "SELECT id FROM orders WHERE customer_id = 1 ORDER BY created_at DESC, id DESC LIMIT 1"
    ).fetchone()["id"]
    return [
        _product(row)
        for row in db.execute(
            PRODUCTS + " AND p.is_in_stock = 1 AND p.qty > 10 AND NOT EXISTS (SELECT 1 FROM "
            "product_options o WHERE o.product_id = p.id) AND p.id NOT IN (SELECT product_id "
            "FROM order_items WHERE order_id = ? AND product_id IS NOT NULL) ORDER BY p.id",
            (newest,),
        )
    ]


def wishable_products(db: sqlite3.Connection) -> list[Candidate]:
    return [
        _product(row)
        for row in db.execute(
            PRODUCTS + " AND p.id NOT IN (SELECT product_id FROM wishlist_items WHERE "
            "customer_id = 1) ORDER BY p.id"
        )
    ]


def price_updates(db: sqlite3.Connection) -> list[Candidate]:
    """Products without a sale price (the page would show that instead), repriced."""
    out = []
    for row in db.execute(
        PRODUCTS + " AND p.special_price IS NULL AND p.price < 800 ORDER BY p.id"
    ):
        factor = (0.8, 0.9, 1.1, 1.25)[row["id"] % 4]
        new_price = f"{round(row['price'] * factor, 0) - 0.01:.2f}"
        if float(new_price) > 0 and float(new_price) != row["price"]:
            filling, solution = _product(row, new_price=new_price)
            out.append(
                (
                    filling,
                    {
                        **solution,
                        "new_price": new_price,
                        "edit_path": f"/catalog/product/edit/id/{row['id']}/",
                    },
                )
            )
    return out


def review_posts(db: sqlite3.Connection) -> list[Candidate]:
    fake = Faker("en_US")
    fake.seed_instance(SHOP_SEED)
    out = []
    for row in db.execute(PRODUCTS + " ORDER BY p.id"):
        stars = 1 + row["id"] % 5
        title = fake.sentence(nb_words=4).rstrip(".")
        detail = fake.sentence(nb_words=12)
        filling, solution = _product(
            row, stars=str(stars), percent=str(stars * 20), title=title, detail=detail
        )
        out.append(
            (
                filling,
                {
                    **solution,
                    "stars": stars,
                    "title": title,
                    "detail": detail,
                    "review_path": f"/review/product/list/id/{row['id']}/",
                },
            )
        )
    return out


def category_prices(db: sqlite3.Connection) -> list[Candidate]:
    categories = {r["id"]: dict(r) for r in db.execute("SELECT * FROM categories")}
    prices = [dict(r) for r in db.execute(PRODUCTS)]
    out = []
    for cat in sorted(categories.values(), key=lambda c: c["id"]):
        path = cat["url_path"]
        inside = [
            p
            for p in prices
            if categories[p["category_id"]]["url_path"] == path
            or categories[p["category_id"]]["url_path"].startswith(path + "/")
        ]
        for limit in (25, 50, 100, 200, 500):
            count = sum(p["final_price"] < limit for p in inside)
            if 0 < count < len(inside) and count <= 40:
                out.append(
                    (
                        {"category": cat["name"], "limit": str(limit), "count": str(count)},
                        {"answer": str(count), "category_url": f"/{path}.html"},
                    )
                )
    return out


def categories(db: sqlite3.Connection) -> list[Candidate]:
    names = [r["name"] for r in db.execute("SELECT name FROM categories")]
    return [
        ({"category": r["name"], "url_path": r["url_path"]}, {"url": f"/{r['url_path']}.html"})
        for r in db.execute("SELECT * FROM categories ORDER BY id")
        if names.count(r["name"]) == 1
    ]


def _order(row: sqlite3.Row) -> dict[str, Any]:
    return {"increment": row["increment_id"], "order_id": row["id"]}


def my_orders(db: sqlite3.Connection) -> list[Candidate]:
    out = []
    for row in db.execute("SELECT * FROM orders WHERE customer_id = 1 ORDER BY id"):
        status = catalog.ORDER_STATUSES[row["status"]]
        answers = {
            "total": money(row["grand_total"]),
            "status": status,
            "date": long_date(row["created_at"]),
        }
        out.append(
            (
                {
                    **_order(row),
                    "total": money(row["grand_total"]),
                    "status": status,
                    "date": date_answers(row["created_at"]),
                },
                {"order_path": f"/sales/order/view/order_id/{row['id']}/", "answers": answers},
            )
        )
    return out


def latest_order_facts(db: sqlite3.Connection) -> list[Candidate]:
    row = db.execute(
        "SELECT * FROM orders WHERE customer_id = 1 ORDER BY created_at DESC, id DESC LIMIT 1"
    ).fetchone()
    facts = {
        "grand total": (money(row["grand_total"]), money(row["grand_total"])),
        "status": (catalog.ORDER_STATUSES[row["status"]],) * 2,
        "order date": (date_answers(row["created_at"]), long_date(row["created_at"])),
    }
    return [
        (
            {"fact": fact, "value": reference},
            {"answer": answer, "order_path": f"/sales/order/view/order_id/{row['id']}/"},
        )
        for fact, (reference, answer) in facts.items()
    ]


def default_addresses(db: sqlite3.Connection) -> list[Candidate]:
    customer = db.execute("SELECT * FROM customers WHERE id = 1").fetchone()
    out = []
    for which in ("shipping", "billing"):
        address = db.execute(
            "SELECT * FROM addresses WHERE id = ?", (customer[f"default_{which}"],)
        ).fetchone()
        out.append(
            (
                {"which": which, "city": address["city"]},
                {"answer": address["city"], "path": "/customer/address/"},
            )
        )
    return out


def _months(db: sqlite3.Connection) -> list[str]:
    return [
        r[0] for r in db.execute("SELECT DISTINCT substr(created_at, 1, 7) FROM orders ORDER BY 1")
    ]


def _month_name(month: str) -> str:
    return f"{dt.date.fromisoformat(month + '-01'):%B %Y}"


def _month_range(month: str) -> tuple[dt.date, dt.date]:
    first = dt.date.fromisoformat(month + "-01")
    last = (first + dt.timedelta(days=32)).replace(day=1) - dt.timedelta(days=1)
    return first, last


def bestseller_months(db: sqlite3.Connection) -> list[Candidate]:
    """Months whose top-N by quantity (the admin's Bestsellers report, canceled orders left
    out) is unambiguous: the N-th product sold more than the next one."""
    out = []
    for month in _months(db):
        ranked = db.execute(
            "SELECT i.product_id, MAX(i.name) AS name, SUM(i.qty) AS qty FROM order_items i "
            "JOIN orders o ON o.id = i.order_id WHERE substr(o.created_at, 1, 7) = ? AND "
            "o.status != 'canceled' GROUP BY i.product_id ORDER BY qty DESC, MAX(i.price) "
            "DESC, i.product_id",
            (month,),
        ).fetchall()
        for n in (1, 2, 3):
            if len(ranked) > n and ranked[n - 1]["qty"] > ranked[n]["qty"]:
                names = [r["name"] for r in ranked[:n]]
                first, last = _month_range(month)
                report = (
                    "/reports/report_sales/bestsellers/?period_type=month&from="
                    f"{short_date(first)}&to={short_date(last)}"
                )
                out.append(
                    (
                        {"n": str(n), "month_name": _month_name(month), "names": names},
                        {"answer": "; ".join(names), "admin_path": report},
                    )
                )
    return out


def status_months(db: sqlite3.Connection) -> list[Candidate]:
    out = []
    for month in _months(db):
        for status, label in catalog.ORDER_STATUSES.items():
            count = db.execute(
                "SELECT COUNT(*) FROM orders WHERE status = ? AND substr(created_at, 1, 7) = ?",
                (status, month),
            ).fetchone()[0]
            if count:
                out.append(
                    (
                        {
                            "status_label": label.lower(),
                            "month_name": _month_name(month),
                            "count": str(count),
                        },
                        {"answer": str(count), "admin_path": f"/sales/order/?status={status}"},
                    )
                )
    return out


def customers(db: sqlite3.Connection) -> list[Candidate]:
    rows = db.execute("SELECT * FROM customers WHERE id != 1 ORDER BY id").fetchall()
    names = [f"{r['firstname']} {r['lastname']}" for r in rows]
    return [
        (
            {"customer": name, "email": r["email"]},
            {"answer": r["email"], "admin_path": f"/customer/index/edit/id/{r['id']}/"},
        )
        for r, name in zip(rows, names, strict=True)
        if names.count(name) == 1
    ]


def search_terms(db: sqlite3.Connection) -> list[Candidate]:
    """Words of product names that a shopper would type: found in 3 to 30 names, not brands."""
    brands = {r[0].lower() for r in db.execute("SELECT DISTINCT brand FROM products")}
    words: dict[str, int] = {}
    for row in db.execute(PRODUCTS):
        for word in {w.lower() for w in row["name"].replace(",", " ").split()}:
            if word.isalpha() and len(word) > 3 and word not in brands:
                words[word] = words.get(word, 0) + 1
    terms = sorted(w for w, n in words.items() if 3 <= n <= 30)
    return [({"query": term, "query_url": quote_plus(term)}, {"query": term}) for term in terms]


def account_pages(db: sqlite3.Connection) -> list[Candidate]:
    pages = {
        "order history (My Orders)": ("/sales/order/history/", "My Orders"),
        "wish list": ("/wishlist/", "My Wish List"),
        "address book": ("/customer/address/", "Address Book"),
        "product reviews (My Product Reviews)": ("/review/customer/", "My Product Reviews"),
        "account information": ("/customer/account/edit/", "Account Information"),
    }
    return [
        ({"page": page, "path": path}, {"path": path, "link": link})
        for page, (path, link) in pages.items()
    ]


def all_orders(db: sqlite3.Connection) -> list[Candidate]:
    return [
        (_order(row), {"path": f"/sales/order/view/order_id/{row['id']}/"})
        for row in db.execute("SELECT * FROM orders ORDER BY id")
    ]


def open_orders(db: sqlite3.Connection) -> list[Candidate]:
    return [
        (_order(row), {"path": f"/sales/order/view/order_id/{row['id']}/"})
        for row in db.execute(
            "SELECT * FROM orders WHERE status IN ('pending', 'processing', 'holded') ORDER BY id"
        )
    ]


def new_cities(db: sqlite3.Connection) -> list[Candidate]:
    customer = db.execute("SELECT * FROM customers WHERE id = 1").fetchone()
    current = db.execute(
        "SELECT city FROM addresses WHERE id = ?", (customer["default_shipping"],)
    ).fetchone()["city"]
    fake = Faker("en_US")
    fake.seed_instance(SHOP_SEED)
    cities = sorted({fake.city() for _ in range(200)} - {current})
    path = f"/customer/address/edit/id/{customer['default_shipping']}/"
    return [({"city": city}, {"address_path": path, "city": city}) for city in cities]


GROUNDINGS: dict[str, Callable[[sqlite3.Connection], list[Candidate]]] = {
    f.__name__: f
    for f in (
        products,
        reviewed_products,
        simple_products,
        wishable_products,
        price_updates,
        review_posts,
        category_prices,
        categories,
        my_orders,
        latest_order_facts,
        default_addresses,
        bestseller_months,
        status_months,
        customers,
        search_terms,
        account_pages,
        all_orders,
        open_orders,
        new_cities,
    )
}


# --- instantiation ----------------------------------------------------------------------


def _lists_in_place(template: Any, filling: dict[str, Any]) -> Any:
    """A judge template whose ``"{slot}"`` strings naming a list-valued slot are that list
    (``Prototype.fill`` only writes strings)."""
    if isinstance(template, str) and template.startswith("{") and template.endswith("}"):
        value = filling.get(template[1:-1])
        return list(value) if isinstance(value, list) else template
    if isinstance(template, dict):
        return {k: _lists_in_place(v, filling) for k, v in template.items()}
    if isinstance(template, list):
        return [_lists_in_place(v, filling) for v in template]
    return template


def _share(candidates: list[Candidate], split: str) -> list[Candidate]:
    """This split's part of the fillings (all of them when there are too few to share)."""
    order = np.random.default_rng(PARTITION_SEED).permutation(len(candidates))
    shuffled = [candidates[int(i)] for i in order]
    if len(shuffled) < 4:
        return shuffled
    cut = max(1, round(len(shuffled) * TEST_SHARE))
    return shuffled[:cut] if split == "test" else shuffled[cut:]


def build_tasks(
    split: str, count: int, seed: int, db: sqlite3.Connection | None = None
) -> list[Task]:
    """``count`` tasks of ``split``, spread evenly over the prototypes (as far as each has
    fillings), ordered by prototype; the same arguments give the same tasks."""
    db = db or shop_database()
    rng = np.random.default_rng(seed)
    prototypes = load_prototypes()
    pools = []
    for proto in prototypes:
        part = _share(GROUNDINGS[proto.candidates](db), split)
        pools.append([part[int(i)] for i in rng.permutation(len(part))])
    quota = [0] * len(prototypes)
    while sum(quota) < count and any(q < len(p) for q, p in zip(quota, pools, strict=True)):
        for i, pool in enumerate(pools):
            if quota[i] < len(pool) and sum(quota) < count:
                quota[i] += 1
    tasks = []
    for proto, pool, n in zip(prototypes, pools, quota, strict=True):
        for filling, solution in pool[:n]:
            tasks.append(_instantiate(proto, filling, solution, split, len(tasks)))
    return tasks


def _instantiate(
    proto: LocalPrototype, filling: dict[str, Any], solution: dict[str, Any], split: str, n: int
) -> Task:
    prototype = dataclasses.replace(
        proto.prototype, judge=_lists_in_place(proto.prototype.judge, filling)
    )
    solution = dict(solution)
    answers = solution.pop("answers", {})
    if proto.answer is not None:
        solution["answer"] = fill(proto.answer, {**filling, **answers})
    setup = {
        "sites": list(proto.sites),
        "start_url": proto.start_url,
        "require_login": True,
        "backend": "local",
        "shop_seed": SHOP_SEED,
    }
    return prototype.instantiate(
        filling,
        task_id=f"wal-local-{split}-{n}",
        env=ENV_ID,
        split=split,
        setup=setup,
        metadata={"kind": proto.kind, "solution": solution},
    )


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(
        prog="python -m vab_gym.envs.webarena.tasks", description="rewrite the shipped task files"
    )
    parser.add_argument(
        "--lite",
        metavar="RAW_JSON",
        help="convert VAB's test_webarena_lite.raw.json into "
        "data/webarena_lite.jsonl instead of rewriting the local shop's "
        "test.jsonl and train.jsonl",
    )
    args = parser.parse_args(argv)
    if args.lite:
        LITE_PATH.parent.mkdir(exist_ok=True)
        count = write_jsonl(convert_lite(args.lite), LITE_PATH)
        print(f"wrote {count} tasks to {LITE_PATH}")
        return
    db = shop_database()
    data = Path(__file__).parent / "data"
    for split, count in SPLIT_COUNTS.items():
        tasks = build_tasks(split, count, SPLIT_SEEDS[split], db)
        print(f"{split}: {write_jsonl(tasks, data / f'{split}.jsonl')} tasks")


if __name__ == "__main__":
    main()


def fresh_train_tasks(count: int, shipped: TaskSet, folder: Path) -> list[Task]:
    """``count`` train tasks beyond ``shipped``: more fillings of the local shop's
    prototypes (:func:`build_tasks` at the train split's seed). Its pools are fixed
    permutations, so a larger count adds the next filling of each prototype in turn; ids
    name (prototype, rank), so they are stable. (``VabEnv.fresh_tasks``.)"""
    ranked: list[tuple[int, int, Task]] = []
    order: dict[str, int] = {}
    seen: dict[str, int] = {}
    for task in build_tasks("train", len(shipped) + count, SPLIT_SEEDS["train"]):
        proto = task.metadata["prototype"]
        order.setdefault(proto, len(order))
        rank = seen.get(proto, 0)
        seen[proto] = rank + 1
        ranked.append(
            (rank, order[proto], dataclasses.replace(task, id=f"wal-local-train-{proto}-{rank}"))
        )
    instructions = {shipped[i].instruction for i in shipped.ids}
    fresh = [
        task
        for *_, task in sorted(ranked, key=lambda r: r[:2])
        if task.instruction not in instructions
    ]
    return fresh[:count]
