"""Cantook's train-split prototypes (AndroidLab's phrasings with slots), their grounding in
the shelf, and the shelf's reproducible variations."""

from __future__ import annotations

import sqlite3
from typing import Any

import numpy as np

from vab_gym.core.templates import Prototype
from vab_gym.envs.mobile.apps.cantook import data


def _state(goal: str, **params: Any) -> dict[str, Any]:
    return {"kind": "state", "goal": goal, "params": params}


PROTOTYPES = (
    Prototype(
        "cantook_delete",
        "Delete {title} from my books.",
        {"title": "book"},
        _state("cantook_deleted", title="{title}"),
    ),
    Prototype(
        "cantook_mark_read",
        "Mark {title} as read.",
        {"title": "unfinished_book"},
        _state("cantook_marked", title="{title}", read=True),
    ),
    Prototype(
        "cantook_mark_unread",
        "Mark {title} as unread.",
        {"title": "finished_book"},
        _state("cantook_marked", title="{title}", read=False),
    ),
    Prototype(
        "cantook_open",
        "Open {title}.",
        {"title": "book"},
        _state("cantook_view", screen="reader:{title}", what="{title} open in the reader"),
    ),
    Prototype(
        "cantook_category",
        "Open the category named '{category}'.",
        {"category": "category"},
        _state("cantook_view", screen="category:{category}", what="the category {category} open"),
    ),
    Prototype(
        "cantook_collection",
        'Create a new collection called "{name}".',
        {"name": "new_collection"},
        _state("cantook_collection", name="{name}"),
    ),
    Prototype(
        "cantook_import",
        "Import {title} from folder /Download/Ebooks/.",
        {"title": "importable_book"},
        _state("cantook_imported", title="{title}"),
    ),
    Prototype(
        "cantook_author_count",
        "How many {author} books do I have?",
        {"author": "author", "answer": "count"},
        {"kind": "query", "answer": "{answer}", "match": {"type": "number", "value": "{answer}"}},
    ),
    Prototype(
        "cantook_progress",
        "What is my progress in reading {title}?",
        {"title": "book", "answer": "percent"},
        {"kind": "query", "answer": "{answer}%", "match": {"type": "number", "value": "{answer}"}},
    ),
)
COLLECTION_NAMES = ("Favorite", "Classics", "Holiday reading", "Plays", "Book club", "Read again")


def _pick(rng: np.random.Generator, values: list[Any]) -> Any:
    return values[int(rng.integers(len(values)))] if values else None


def ground(
    conn: sqlite3.Connection, rng: np.random.Generator, prototype: Prototype
) -> dict[str, Any] | None:
    """A filling of ``prototype``'s slots from this shelf (query answers computed from it)."""
    books = [dict(r) for r in conn.execute("SELECT * FROM books ORDER BY id")]
    kind = prototype.id.removeprefix("cantook_")
    if kind in ("delete", "open"):
        book = _pick(rng, books)
        return None if book is None else {"title": book["title"]}
    if kind == "mark_read":
        book = _pick(rng, [b for b in books if not b["finished"]])
        return None if book is None else {"title": book["title"]}
    if kind == "mark_unread":
        book = _pick(rng, [b for b in books if b["finished"]])
        return None if book is None else {"title": book["title"]}
    if kind == "category":
        name = _pick(rng, sorted({b["category"] for b in books}))
        return None if name is None else {"category": name}
    if kind == "collection":
        have = {r["name"] for r in conn.execute("SELECT name FROM collections")}
        name = _pick(rng, [n for n in COLLECTION_NAMES if n not in have])
        return None if name is None else {"name": name}
    if kind == "import":
        shelf = {b["title"] for b in books}
        titles = [data.book_of_file(f) for f in data.FILES["/Download/Ebooks/"]]
        title = _pick(rng, [t for t in titles if t and t not in shelf])
        return None if title is None else {"title": title}
    if kind == "author_count":
        author = _pick(rng, sorted({b["author"] for b in books}))
        if author is None:
            return None
        return {"author": author, "answer": str(sum(b["author"] == author for b in books))}
    if kind == "progress":
        book = _pick(rng, books)
        return (
            None if book is None else {"title": book["title"], "answer": f"{book['progress']:.1f}"}
        )
    raise ValueError(f"unknown Cantook prototype {prototype.id!r}")


def vary(conn: sqlite3.Connection, rng: np.random.Generator) -> None:
    """Another shelf: some library books swapped in or out, other reading progress and
    reading and adding dates (the imports in /Download/Ebooks/ stay off the shelf)."""
    importable = {data.book_of_file(f) for f in data.FILES["/Download/Ebooks/"]}
    shelf = [r["title"] for r in conn.execute("SELECT title FROM books ORDER BY id")]
    spare = [t for t in data.LIBRARY if t not in shelf and t not in importable]
    for title in rng.permutation(spare)[: int(rng.integers(0, len(spare) + 1))]:
        data.add_book(conn, str(title), data.NOW)
    for title in rng.permutation(shelf)[: int(rng.integers(0, 3))]:
        conn.execute("DELETE FROM books WHERE title = ?", (str(title),))
    ids = [r["id"] for r in conn.execute("SELECT id FROM books ORDER BY id")]
    for book_id, day in zip(ids, rng.permutation(28)[: len(ids)] + 1, strict=False):
        finished = int(rng.random() < 0.25)
        progress = 100.0 if finished else round(float(rng.uniform(0, 99.9)), 1)
        read = (
            f"2024-05-{int(rng.integers(1, 10)):02d} {int(rng.integers(6, 23)):02d}:"
            f"{int(rng.integers(60)):02d}"
            if progress > 0
            else ""
        )
        conn.execute(
            "UPDATE books SET added = ?, last_read = ?, progress = ?, finished = ? WHERE id = ?",
            (f"2024-04-{int(day):02d} 10:00", read, progress, finished, book_id),
        )
