"""Fingerprints of the suite's generated data: the shop's database, its task splits, CSS pages.

    python benchmarks/hash_generated_data.py [--css-seeds 200]

The shop database (VAB-WebArena-Lite's local site), the WebArena task splits grounded in it
and VAB-CSS's pages are all generated from seeds, by code and vocabularies that live in
this package and by Faker. Moving a vocabulary into a data file, or a new Faker, must not
change a byte of them. This prints one SHA-256 per artefact:

- ``shop-db``: the seed-0 database as SQL text (``iterdump``, so the digest does not depend
  on SQLite's page layout), the value ``tests/test_generated_data.py`` records;
- ``webarena-test`` / ``webarena-train``: the local task splits rebuilt in memory, and
  whether they equal the shipped ``envs/webarena/data/*.jsonl``;
- ``css-pages``: ``generate_site`` for the first ``--css-seeds`` test and train page seeds,
  and whether every shipped page under ``envs/css/data/sites/`` is regenerated exactly.

Run it before and after a change; the digests agree or the changed artefact is named.
"""

from __future__ import annotations

import argparse
import hashlib
import sqlite3
import tempfile
from pathlib import Path

from vab_gym.core.tasks import write_jsonl
from vab_gym.envs.css import tasks as css_tasks
from vab_gym.envs.css.env import sites_root
from vab_gym.envs.css.pagegen import generate_site
from vab_gym.envs.webarena import tasks as webarena_tasks
from vab_gym.envs.webarena.shop import catalog


def shop_dump(seed: int = webarena_tasks.SHOP_SEED) -> str:
    """The shop's database built from ``seed``, as SQL statements in a fixed order."""
    with tempfile.TemporaryDirectory(prefix="vab-shop-hash-") as tmp:
        path = Path(tmp) / "shop.sqlite3"
        catalog.build(path, seed)
        conn = sqlite3.connect(path)
        try:
            return "\n".join(conn.iterdump())
        finally:
            conn.close()


def shop_digest(seed: int = webarena_tasks.SHOP_SEED) -> str:
    """SHA-256 of :func:`shop_dump`."""
    return hashlib.sha256(shop_dump(seed).encode()).hexdigest()


def webarena_splits() -> dict[str, tuple[str, bool]]:
    """Per split: the digest of the rebuilt JSONL and whether it equals the shipped file."""
    db = webarena_tasks.shop_database()
    shipped = Path(webarena_tasks.__file__).parent / "data"
    out = {}
    with tempfile.TemporaryDirectory(prefix="vab-wal-hash-") as tmp:
        for split, count in webarena_tasks.SPLIT_COUNTS.items():
            built = Path(tmp) / f"{split}.jsonl"
            tasks = webarena_tasks.build_tasks(split, count, webarena_tasks.SPLIT_SEEDS[split], db)
            write_jsonl(tasks, built)
            data = built.read_bytes()
            out[split] = (
                hashlib.sha256(data).hexdigest(),
                data == (shipped / f"{split}.jsonl").read_bytes(),
            )
    return out


def css_pages(seeds: int) -> tuple[str, list[str]]:
    """The digest of the pages of the first ``seeds`` test and train seeds, and the shipped
    pages that the generator no longer reproduces byte for byte."""
    digest = hashlib.sha256()
    for base in (0, css_tasks.TRAIN_SITE_SEED_BASE):
        for seed in range(base, base + seeds):
            for name, text in sorted(generate_site(seed).items()):
                digest.update(f"{seed}/{name}\n".encode())
                digest.update(text.encode())
    differ = []
    for folder in sorted(sites_root().glob("gen-*")):
        site = generate_site(int(folder.name.removeprefix("gen-")))
        if any((folder / name).read_text("utf-8") != text for name, text in site.items()):
            differ.append(folder.name)
    return digest.hexdigest(), differ


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--css-seeds", type=int, default=200)
    args = parser.parse_args()
    print("shop-db", shop_digest())
    for split, (digest, same) in webarena_splits().items():
        print(f"webarena-{split}", digest, "shipped: " + ("identical" if same else "DIFFERS"))
    digest, differ = css_pages(args.css_seeds)
    print("css-pages", digest, "shipped: " + (f"DIFFER {differ}" if differ else "identical"))


if __name__ == "__main__":
    main()
