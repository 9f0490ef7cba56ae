"""Cantook's screens: the My Books shelf, Categories, Collections, a book's info, the reader
and the import browser.

Every screen a task may ask to have open records itself as the shelf's ``view`` setting, as
Cantook keeps its last screen: AndroidLab judges "open the category" and "open the book"
from the screen the agent finishes on (``evaluation/tasks/cantook/cantook.py``
``SingleTask_cantook_10``/``_11``), and here that screen is part of the app's state.
"""

from __future__ import annotations

import sqlite3
from typing import Any

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from vab_gym.envs.mobile.apps.cantook import data
from vab_gym.envs.mobile.phone.web import (
    database,
    page,
    put_setting,
    redirect,
    setting,
    to_int,
)

TABS = (
    ("My Books", "/cantook/books"),
    ("Categories", "/cantook/categories"),
    ("Collections", "/cantook/collections"),
)


def _books(
    conn: sqlite3.Connection, where: str = "", params: tuple = (), order: str = "Recently added"
) -> list[dict[str, Any]]:
    rows = conn.execute(f"SELECT * FROM books {where} ORDER BY {data.ORDER_BY[order]}", params)
    return [dict(r) for r in rows]


def _screen(
    request: Request, conn: sqlite3.Connection, view: str, name: str, **context: Any
) -> Response:
    put_setting(conn, "cantook", "view", view)
    return page(request, f"cantook/{name}", tabs=TABS, **context)


async def books(request: Request) -> Response:
    with database(request) as conn:
        order = setting(conn, "cantook", "shelf_sort") or data.SORTS[0]
        return _screen(
            request,
            conn,
            "books",
            "books.html",
            tab="My Books",
            books=_books(conn, order=order),
            sort=order,
            sorts=data.SORTS,
            dialog=request.query_params.get("dialog", ""),
        )


async def sort(request: Request) -> Response:
    form = await request.form()
    with database(request) as conn:
        if form.get("sort") in data.SORTS:
            put_setting(conn, "cantook", "shelf_sort", str(form["sort"]))
    return redirect("/cantook/books")


async def book(request: Request) -> Response:
    with database(request) as conn:
        row = conn.execute(
            "SELECT * FROM books WHERE id = ?", (to_int(request.path_params["id"]),)
        ).fetchone()
        if row is None:
            return redirect("/cantook/books")
        collections = [
            dict(r)
            for r in conn.execute(
                "SELECT c.*, EXISTS(SELECT 1 FROM collection_books b WHERE b.collection_id = c.id "
                "AND b.book_id = ?) AS has FROM collections c ORDER BY c.name COLLATE NOCASE",
                (row["id"],),
            )
        ]
        return _screen(
            request,
            conn,
            f"info:{row['title']}",
            "book.html",
            book=dict(row),
            collections=collections,
            dialog=request.query_params.get("dialog", ""),
        )


async def book_change(request: Request) -> Response:
    """``open`` (then the reader), ``read``/``unread`` (Mark as read/unread), ``delete``,
    ``collect`` (add to or remove from a collection)."""
    book_id = to_int(request.path_params["id"])
    what = request.path_params["what"]
    form = await request.form()
    with database(request) as conn:
        if conn.execute("SELECT 1 FROM books WHERE id = ?", (book_id,)).fetchone() is None:
            return redirect("/cantook/books")
        if what == "open":
            conn.execute("UPDATE books SET last_read = ? WHERE id = ?", (data.NOW, book_id))
            return redirect(f"/cantook/read/{book_id}")
        if what == "read":  # Cantook puts a book read to its end
            conn.execute("UPDATE books SET finished = 1, progress = 100.0 WHERE id = ?", (book_id,))
        elif what == "unread":
            conn.execute("UPDATE books SET finished = 0, progress = 0.0 WHERE id = ?", (book_id,))
        elif what == "delete":
            conn.execute("DELETE FROM books WHERE id = ?", (book_id,))
            return redirect("/cantook/books")
        elif what == "collect":
            cid = to_int(form.get("collection"))
            have = conn.execute(
                "SELECT 1 FROM collection_books WHERE collection_id = ? AND book_id = ?",
                (cid, book_id),
            ).fetchone()
            if have:
                conn.execute(
                    "DELETE FROM collection_books WHERE collection_id = ? AND book_id = ?",
                    (cid, book_id),
                )
            elif conn.execute("SELECT 1 FROM collections WHERE id = ?", (cid,)).fetchone():
                conn.execute("INSERT INTO collection_books VALUES (?, ?)", (cid, book_id))
    return redirect(f"/cantook/book/{book_id}")


async def reader(request: Request) -> Response:
    with database(request) as conn:
        row = conn.execute(
            "SELECT * FROM books WHERE id = ?", (to_int(request.path_params["id"]),)
        ).fetchone()
        if row is None:
            return redirect("/cantook/books")
        text = data.LIBRARY[row["title"]][3] if row["title"] in data.LIBRARY else ()
        return _screen(
            request, conn, f"reader:{row['title']}", "reader.html", book=dict(row), lines=text
        )


async def categories(request: Request) -> Response:
    with database(request) as conn:
        rows = [
            dict(r)
            for r in conn.execute(
                "SELECT category AS name, COUNT(*) AS size FROM books GROUP BY category "
                "ORDER BY category COLLATE NOCASE"
            )
        ]
        return _screen(
            request, conn, "categories", "categories.html", tab="Categories", categories=rows
        )


async def category(request: Request) -> Response:
    name = request.path_params["name"]
    with database(request) as conn:
        found = _books(conn, "WHERE category = ?", (name,), order="Title")
        if not found:
            return redirect("/cantook/categories")
        return _screen(
            request,
            conn,
            f"category:{name}",
            "shelf.html",
            tab="Categories",
            title=name,
            books=found,
            back="/cantook/categories",
        )


async def collections(request: Request) -> Response:
    with database(request) as conn:
        rows = [
            dict(r)
            for r in conn.execute(
                "SELECT c.id, c.name, COUNT(b.book_id) AS size FROM collections c LEFT JOIN "
                "collection_books b ON b.collection_id = c.id GROUP BY c.id "
                "ORDER BY c.name COLLATE NOCASE"
            )
        ]
        return _screen(
            request,
            conn,
            "collections",
            "collections.html",
            tab="Collections",
            collections=rows,
            dialog=request.query_params.get("dialog", ""),
        )


async def collection_new(request: Request) -> Response:
    form = await request.form()
    name = str(form.get("name", "")).strip()
    if name:
        with database(request) as conn:
            conn.execute(
                "INSERT OR IGNORE INTO collections (name, created) VALUES (?, ?)", (name, data.NOW)
            )
    return redirect("/cantook/collections")


async def collection(request: Request) -> Response:
    with database(request) as conn:
        row = conn.execute(
            "SELECT * FROM collections WHERE id = ?", (to_int(request.path_params["id"]),)
        ).fetchone()
        if row is None:
            return redirect("/cantook/collections")
        found = _books(
            conn,
            "WHERE id IN (SELECT book_id FROM collection_books WHERE collection_id = ?)",
            (row["id"],),
            order="Title",
        )
        return _screen(
            request,
            conn,
            f"collection:{row['name']}",
            "shelf.html",
            tab="Collections",
            title=row["name"],
            books=found,
            back="/cantook/collections",
        )


async def import_browser(request: Request) -> Response:
    path = request.query_params.get("path", "/")
    if path not in data.FILES:
        path = "/"
    parent = path.rstrip("/").rpartition("/")[0] + "/"
    with database(request) as conn:
        have = {r["file"] for r in conn.execute("SELECT file FROM books")}
        return _screen(
            request,
            conn,
            "import",
            "import.html",
            path=path,
            parent=parent if path != "/" else "",
            entries=data.FILES[path],
            have=have,
        )


async def import_file(request: Request) -> Response:
    form = await request.form()
    title = data.book_of_file(str(form.get("file", "")))
    with database(request) as conn:
        exists = conn.execute("SELECT 1 FROM books WHERE title = ?", (title,)).fetchone()
        if title is not None and not exists:
            data.add_book(conn, title, data.NOW)
            put_setting(conn, "cantook", "shelf_sort", "Recently added")  # shows it first
    return redirect("/cantook/books")


def routes() -> list[Route]:
    return [
        Route("/cantook", lambda request: redirect("/cantook/books")),
        Route("/cantook/books", books),
        Route("/cantook/sort", sort, methods=["POST"]),
        Route("/cantook/book/{id:int}", book),
        Route("/cantook/book/{id:int}/{what}", book_change, methods=["POST"]),
        Route("/cantook/read/{id:int}", reader),
        Route("/cantook/categories", categories),
        Route("/cantook/categories/{name}", category),
        Route("/cantook/collections", collections),
        Route("/cantook/collections/new", collection_new, methods=["POST"]),
        Route("/cantook/collections/{id:int}", collection),
        Route("/cantook/import", import_browser),
        Route("/cantook/import", import_file, methods=["POST"]),
    ]
