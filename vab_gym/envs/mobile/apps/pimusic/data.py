"""Pi Music Player's tables and pristine library: the songs AndroidLab's pimusic tasks ask
about.

From the standard answers of ``evaluation/tasks/pimusic/pimusic.py`` (research file §3):
12 songs (pimusic_1); 4 by Pink Floyd, the longest 1:21:03 (pimusic_2, pimusic_4); "Wish
You Were Here" on the album "Pulse Live" (pimusic_3); sorted by title, #2 "Dark Side Of
The Moon" and #4 "Future sounds" (pimusic_5); Eason Chan's songs 11:50 in all (pimusic_6);
the playlist "Favorite" starting with "PINK BLOOD" (pimusic_7); "Lightship" by Sonny Boy
(pimusic_11); a song playing at the start, to pause and seek (pimusic_10); no playlist
"Creepy" yet (pimusic_9). The other titles, albums and durations are the real songs'.
"""

from __future__ import annotations

import sqlite3

SCHEMA = """
CREATE TABLE songs (id INTEGER PRIMARY KEY, title TEXT NOT NULL, artist TEXT NOT NULL,
    album TEXT NOT NULL, seconds INTEGER NOT NULL, added TEXT NOT NULL);
CREATE TABLE playlists (id INTEGER PRIMARY KEY, name TEXT NOT NULL UNIQUE,
    created TEXT NOT NULL);
CREATE TABLE playlist_songs (playlist_id INTEGER NOT NULL REFERENCES playlists
    ON DELETE CASCADE, song_id INTEGER NOT NULL REFERENCES songs ON DELETE CASCADE,
    position INTEGER NOT NULL, PRIMARY KEY (playlist_id, song_id));
"""

# title, artist, album, seconds, added
SONGS = (
    ("Another Brick In The Wall", "Pink Floyd", "The Wall", 3 * 60 + 59, "2024-04-02 10:00"),
    (
        "Dark Side Of The Moon",
        "Pink Floyd",
        "The Dark Side Of The Moon Live",
        3600 + 21 * 60 + 3,
        "2024-04-02 10:01",
    ),
    ("Echoes", "Pink Floyd", "Meddle", 23 * 60 + 31, "2024-04-02 10:02"),
    ("Future sounds", "Stellar Drift", "Future sounds", 4 * 60 + 5, "2024-04-20 18:30"),
    ("Hotel California", "Eagles", "Hotel California", 6 * 60 + 30, "2024-03-15 09:00"),
    ("Lightship", "Sonny Boy", "Lightship", 3 * 60 + 12, "2024-05-06 21:00"),
    ("Lonely Christmas", "Eason Chan", "Lonely Christmas", 4 * 60 + 12, "2024-03-28 20:10"),
    ("PINK BLOOD", "Hikaru Utada", "BAD Mode", 3 * 60 + 29, "2024-05-01 12:00"),
    (
        "Shall We Talk",
        "Eason Chan",
        "Shall We Dance? Shall We Talk!",
        4 * 60 + 13,
        "2024-03-28 20:11",
    ),
    ("Ten Years", "Eason Chan", "Black White Grey", 3 * 60 + 25, "2024-03-28 20:12"),
    ("Wish You Were Here", "Pink Floyd", "Pulse Live", 6 * 60 + 35, "2024-04-02 10:03"),
    ("Yellow", "Coldplay", "Parachutes", 4 * 60 + 29, "2024-02-14 08:00"),
)
PLAYLISTS = (
    ("Favorite", "2024-04-05 12:00", ("PINK BLOOD", "Lightship", "Yellow", "Wish You Were Here")),
    ("Road trip", "2024-03-20 08:00", ("Hotel California", "Another Brick In The Wall")),
)
NOW_PLAYING = ("Yellow", 42)  # playing, 0:42 in (the phone's clock is frozen)
SORT_KEYS = {
    "Title": "title COLLATE NOCASE",
    "Artist": "artist COLLATE NOCASE",
    "Album": "album COLLATE NOCASE",
    "Duration": "seconds",
    "Date added": "added",
}
ORDERS = ("Ascending", "Descending")
DEFAULT_SORT = {"tracks": "Date added,Descending", "artist": "Title,Ascending"}
EQUALIZER = (
    "Normal",
    "Classical",
    "Dance",
    "Flat",
    "Folk",
    "Heavy Metal",
    "Hip Hop",
    "Jazz",
    "Pop",
    "Rock",
)
NOW = "2024-05-10 12:00"


def duration(seconds: int) -> str:
    """``3:59``, ``23:31``, ``1:21:03``: as the track rows show a song's length."""
    hours, rest = divmod(int(seconds), 3600)
    minutes, secs = divmod(rest, 60)
    return f"{hours}:{minutes:02d}:{secs:02d}" if hours else f"{minutes}:{secs:02d}"


def seed(conn: sqlite3.Connection) -> None:
    conn.executemany(
        "INSERT INTO songs (title, artist, album, seconds, added) VALUES (?, ?, ?, ?, ?)", SONGS
    )
    for name, created, titles in PLAYLISTS:
        pid = conn.execute(
            "INSERT INTO playlists (name, created) VALUES (?, ?)", (name, created)
        ).lastrowid
        conn.executemany(
            "INSERT INTO playlist_songs SELECT ?, id, ? FROM songs WHERE title = ?",
            [(pid, position, title) for position, title in enumerate(titles)],
        )
    title, position = NOW_PLAYING
    song = conn.execute("SELECT id FROM songs WHERE title = ?", (title,)).fetchone()[0]
    queue = ",".join(str(r[0]) for r in conn.execute("SELECT id FROM songs ORDER BY added DESC"))
    conn.executemany(
        "INSERT INTO settings VALUES ('pimusic', ?, ?)",
        [
            ("song", str(song)),
            ("paused", "0"),
            ("position", str(position)),
            ("queue", queue),
            ("source", "tracks"),
            ("sort:tracks", DEFAULT_SORT["tracks"]),
            ("equalizer", "Normal"),
        ],
    )
