"""Cantook's judge goals, from the app's state: AndroidLab's sub-goals of
``evaluation/tasks/cantook/cantook.py`` (``"1"``, ``"2"``, ...) for what the task text asks.

AndroidLab reads them from the screen the agent finishes on: a book listed or not on the
My Books tab (``SingleTask_cantook_6``/``_7``), a book's info page with "Mark as unread"
and "100.0%" (``_8``) or "Mark as read" (``_9``), the reader's text (``_10``), the
Tragedies category with its books (``_11``), the Collections tab with "Favorite" (``_12``).
"""

from __future__ import annotations

from vab_gym.envs.mobile.judge import State, SubGoals


def _book(state: State, title: str) -> dict | None:
    rows = state.sql("SELECT * FROM books WHERE title = ?", (title,))
    return rows[0] if rows else None


def imported(state: State, title: str) -> SubGoals:
    return [(f"{title} in My Books", _book(state, title) is not None)]


def deleted(state: State, title: str, keep: list[str] = ()) -> SubGoals:
    return [(f"{title} not in My Books", _book(state, title) is None)] + [
        (f"{k} kept", _book(state, k) is not None) for k in keep
    ]


def marked(state: State, title: str, read: bool) -> SubGoals:
    """Marked as read (Cantook then shows "Mark as unread" and 100.0%) or as unread."""
    book = _book(state, title)
    if read:
        done = book is not None and bool(book["finished"]) and book["progress"] == 100.0
    else:
        done = book is not None and not book["finished"]
    return [
        (f"{title} in My Books", book is not None),
        (f"{title} marked as {'read (100.0%)' if read else 'unread'}", done),
    ]


def view(state: State, screen: str, what: str) -> SubGoals:
    """The app's screen ``screen`` (``reader:<title>``, ``category:<name>``, ...) is open."""
    shown = state.sql("SELECT value FROM settings WHERE app = 'cantook' AND key = 'view'")
    return [
        ("Cantook is on screen", state.screen_app == "cantook"),
        (what, state.screen_app == "cantook" and bool(shown) and shown[0]["value"] == screen),
    ]


def collection(state: State, name: str) -> SubGoals:
    rows = state.sql("SELECT 1 FROM collections WHERE name = ?", (name,))
    return [(f"collection {name}", bool(rows))]


GOALS = {
    "cantook_imported": imported,
    "cantook_deleted": deleted,
    "cantook_marked": marked,
    "cantook_view": view,
    "cantook_collection": collection,
}
