"""Generated data stays what was shipped: the shop database the WebArena answers are read
from, and the CSS pages, whatever the vocabulary files or the installed Faker.

``python benchmarks/hash_generated_data.py`` prints the same fingerprints (and more); a
deliberate change of the data means rebuilding the splits and recording the new digest here.
"""

import hashlib
import sqlite3
from importlib import metadata
from pathlib import Path

import pytest

from vab_gym.envs.css.env import sites_root
from vab_gym.envs.css.pagegen import generate_site
from vab_gym.envs.webarena.shop import catalog

# SHA-256 of the seed-0 shop database as SQL text (``iterdump``), recorded at 14e0d25 with
# Faker 40.63.0, before the vocabularies moved into catalog.yaml.
SHOP_DB_SHA256 = "46314fa3f54c8bddb4f51840202b91c99ca7e6f48ccdeb18653bd88ef70275f7"
PYPROJECT = Path(__file__).parents[1] / "pyproject.toml"


def test_the_shop_database_is_the_recorded_one(tmp_path):
    path = tmp_path / "shop.sqlite3"
    catalog.build(path, seed=0)
    conn = sqlite3.connect(path)
    try:
        digest = hashlib.sha256("\n".join(conn.iterdump()).encode()).hexdigest()
    finally:
        conn.close()
    assert digest == SHOP_DB_SHA256, (
        f"the seed-0 shop database changed (Faker {metadata.version('faker')}): the shipped "
        "WebArena answers no longer match it"
    )


def test_the_shipped_css_pages_are_what_pagegen_makes():
    sites = sorted(sites_root().glob("gen-*"))
    assert len(sites) > 100
    for folder in sites:
        for name, text in generate_site(int(folder.name.removeprefix("gen-"))).items():
            assert (folder / name).read_text("utf-8") == text, f"{folder.name}/{name}"


def test_the_installed_faker_is_the_pinned_one():
    """The generated data depends on Faker's word lists, so pyproject pins one release."""
    tomllib = pytest.importorskip("tomllib")
    extras = tomllib.loads(PYPROJECT.read_text("utf-8"))["project"]["optional-dependencies"]
    pins = {req for reqs in extras.values() for req in reqs if req.lower().startswith("faker")}
    assert pins == {f"faker=={metadata.version('faker')}"}
