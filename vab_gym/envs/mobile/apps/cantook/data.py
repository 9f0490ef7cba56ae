"""Cantook's tables and pristine shelf: the books AndroidLab's cantook tasks ask about.

From the standard answers of ``evaluation/tasks/cantook/cantook.py`` (research file §3):
no Pride and Prejudice on the shelf (cantook_1); The Scarlet Letter read last and Oliver
Twist (marked read) second (cantook_2, cantook_9); Hamlet, by William Shakespeare, the
second book recently added (cantook_3); two books by Charles Dickens (cantook_4); Romeo
and Juliet at 37.8 %, its reader showing "Mer. Thou desir'st me to stop in my tale against
the haire" (cantook_5, cantook_10); Don Quixote and Hamlet unread on the shelf (cantook_7,
cantook_8); Hamlet and Romeo and Juliet in the category "Tragedies" (cantook_11); no
collection "Favorite" yet (cantook_12); Alice's Adventures in Wonderland as an .epub in
/Download/Ebooks/ (cantook_6). Book texts are short public-domain excerpts (Project
Gutenberg editions); Romeo and Juliet's is the First Folio spelling AndroidLab's judge reads.
"""

from __future__ import annotations

import sqlite3

SCHEMA = """
CREATE TABLE books (id INTEGER PRIMARY KEY, title TEXT NOT NULL, author TEXT NOT NULL,
    category TEXT NOT NULL, added TEXT NOT NULL, last_read TEXT NOT NULL DEFAULT '',
    progress REAL NOT NULL DEFAULT 0, finished INTEGER NOT NULL DEFAULT 0,
    file TEXT NOT NULL);
CREATE TABLE collections (id INTEGER PRIMARY KEY, name TEXT NOT NULL UNIQUE,
    created TEXT NOT NULL);
CREATE TABLE collection_books (collection_id INTEGER NOT NULL REFERENCES collections
    ON DELETE CASCADE, book_id INTEGER NOT NULL REFERENCES books ON DELETE CASCADE,
    PRIMARY KEY (collection_id, book_id));
"""

# title -> (author, category, file name, the text the reader shows at the reading position)
LIBRARY: dict[str, tuple[str, str, str, tuple[str, ...]]] = {
    "Romeo and Juliet": (
        "William Shakespeare",
        "Tragedies",
        "romeo-and-juliet.epub",
        (
            "Actus Secundus.",
            "Mer. Thou desir'st me to stop in my tale against the haire",
            "Ben. Thou would'st else haue made thy tale large",
            "Mer. O thou art deceiu'd, I would haue made it short, for I was come to the whole "
            "depth of my tale: and meant indeed to occupie the argument no longer.",
        ),
    ),
    "Hamlet": (
        "William Shakespeare",
        "Tragedies",
        "hamlet.epub",
        (
            "Enter Barnardo and Francisco two Centinels.",
            "Barnardo. Who's there?",
            "Fran. Nay answer me: Stand & vnfold your selfe",
        ),
    ),
    "Macbeth": (
        "William Shakespeare",
        "Tragedies",
        "macbeth.epub",
        (
            "Thunder and Lightning. Enter three Witches.",
            "1. When shall we three meet againe? In Thunder, Lightning, or in Raine?",
        ),
    ),
    "A Midsummer Night's Dream": (
        "William Shakespeare",
        "Comedies",
        "midsummer.epub",
        ("The course of true love never did run smooth.",),
    ),
    "The Scarlet Letter": (
        "Nathaniel Hawthorne",
        "Novels",
        "the-scarlet-letter.epub",
        (
            "A throng of bearded men, in sad-coloured garments and grey steeple-crowned hats, "
            "intermixed with women, some wearing hoods, and others bareheaded, was assembled in "
            "front of a wooden edifice.",
        ),
    ),
    "Oliver Twist": (
        "Charles Dickens",
        "Novels",
        "oliver-twist.epub",
        (
            "Among other public buildings in a certain town, which for many reasons it will be "
            "prudent to refrain from mentioning, there is one anciently common to most towns, "
            "great or small: to wit, a workhouse.",
        ),
    ),
    "A Tale of Two Cities": (
        "Charles Dickens",
        "Novels",
        "a-tale-of-two-cities.epub",
        (
            "It was the best of times, it was the worst of times, it was the age of wisdom, it "
            "was the age of foolishness.",
        ),
    ),
    "Great Expectations": (
        "Charles Dickens",
        "Novels",
        "great-expectations.epub",
        (
            "My father's family name being Pirrip, and my Christian name Philip, my infant tongue "
            "could make of both names nothing longer or more explicit than Pip.",
        ),
    ),
    "Don Quixote": (
        "Miguel de Cervantes",
        "Novels",
        "don-quixote.epub",
        (
            "In a village of La Mancha, the name of which I have no desire to call to mind, there "
            "lived not long since one of those gentlemen that keep a lance in the lance-rack, an "
            "old buckler, a lean hack, and a greyhound for coursing.",
        ),
    ),
    "Frankenstein": (
        "Mary Shelley",
        "Gothic fiction",
        "frankenstein.epub",
        (
            "You will rejoice to hear that no disaster has accompanied the commencement of an "
            "enterprise which you have regarded with such evil forebodings.",
        ),
    ),
    "Moby Dick": (
        "Herman Melville",
        "Novels",
        "moby-dick.epub",
        (
            "Call me Ishmael. Some years ago, never mind how long precisely, having little or no "
            "money in my purse, and nothing particular to interest me on shore, I thought I would "
            "sail about a little and see the watery part of the world.",
        ),
    ),
    "Pride and Prejudice": (
        "Jane Austen",
        "Novels",
        "pride-and-prejudice.epub",
        (
            "It is a truth universally acknowledged, that a single man in possession of a good "
            "fortune, must be in want of a wife.",
        ),
    ),
    "Alice's Adventures in Wonderland": (
        "Lewis Carroll",
        "Children's books",
        "Alice's Adventures in Wonderland.epub",
        (
            "Alice was beginning to get very tired of sitting by her sister on the bank, and of "
            "having nothing to do: once or twice she had peeped into the book her sister was "
            "reading, but it had no pictures or conversations in it.",
        ),
    ),
    "The Time Machine": (
        "H. G. Wells",
        "Science fiction",
        "The Time Machine.epub",
        (
            "The Time Traveller (for so it will be convenient to speak of him) was expounding a "
            "recondite matter to us.",
        ),
    ),
}

# The shelf: title, added, last read ('' never), progress %, finished (marked as read).
SHELF = (
    ("Frankenstein", "2024-05-09 18:20", "", 0.0, 0),
    ("Hamlet", "2024-05-08 09:10", "", 0.0, 0),
    ("The Scarlet Letter", "2024-05-01 21:05", "2024-05-09 22:40", 64.2, 0),
    ("Oliver Twist", "2024-04-20 08:30", "2024-05-08 07:15", 100.0, 1),
    ("Romeo and Juliet", "2024-04-15 19:45", "2024-05-06 23:10", 37.8, 0),
    ("A Tale of Two Cities", "2024-03-18 12:00", "2024-04-30 20:00", 81.3, 0),
    ("Don Quixote", "2024-04-02 10:25", "", 0.0, 0),
    ("Moby Dick", "2024-03-01 16:40", "2024-03-20 21:30", 12.5, 0),
)
COLLECTIONS = (("To read", "2024-04-01 10:00", ("Don Quixote", "Frankenstein")),)

# The phone's files the import screen browses: folder -> entries (a trailing "/" marks a
# folder); the .epub names are books of LIBRARY.
FILES: dict[str, tuple[str, ...]] = {
    "/": ("Alarms/", "DCIM/", "Documents/", "Download/", "Music/", "Pictures/"),
    "/Alarms/": (),
    "/DCIM/": (),
    "/Music/": (),
    "/Pictures/": (),
    "/Documents/": ("notes.txt",),
    "/Download/": ("Ebooks/", "invoice-0423.pdf"),
    "/Download/Ebooks/": ("Alice's Adventures in Wonderland.epub", "The Time Machine.epub"),
}
SORTS = ("Recently read", "Recently added", "Title", "Author")
ORDER_BY = {
    "Recently read": "last_read = '', last_read DESC, added DESC",
    "Recently added": "added DESC",
    "Title": "title COLLATE NOCASE",
    "Author": "author COLLATE NOCASE, title COLLATE NOCASE",
}
NOW = "2024-05-10 12:00"  # AndroidLab's adb date


def book_of_file(name: str) -> str | None:
    return next((t for t, (_a, _c, f, _x) in LIBRARY.items() if f == name), None)


def add_book(
    conn: sqlite3.Connection,
    title: str,
    added: str,
    last_read: str = "",
    progress: float = 0.0,
    finished: int = 0,
) -> int:
    author, category, file, _text = LIBRARY[title]
    return int(
        conn.execute(
            "INSERT INTO books (title, author, category, added, last_read, progress, finished, "
            "file) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            (title, author, category, added, last_read, progress, finished, file),
        ).lastrowid
    )


def seed(conn: sqlite3.Connection) -> None:
    for title, added, last_read, progress, finished in SHELF:
        add_book(conn, title, added, last_read, progress, finished)
    for name, created, titles in COLLECTIONS:
        cid = conn.execute(
            "INSERT INTO collections (name, created) VALUES (?, ?)", (name, created)
        ).lastrowid
        conn.executemany(
            "INSERT INTO collection_books SELECT ?, id FROM books WHERE title = ?",
            [(cid, t) for t in titles],
        )
    conn.executemany(
        "INSERT INTO settings VALUES ('cantook', ?, ?)",
        [("shelf_sort", "Recently added"), ("view", "books")],
    )
