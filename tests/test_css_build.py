"""css-build on a framework-sized site: Bootstrap 5.3's compiled stylesheet (232 KB, 2,553
style rules, 18 media queries; MIT, vendored in tests/data/css-frameworks/bootstrap with
its license) under a hand-written shop page that uses its navbar, grid, cards, table and
list group."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import numpy as np
import pytest
import soupsieve
from bs4 import BeautifulSoup

from vab_gym.cli import main
from vab_gym.core.browser import ChromiumProcess
from vab_gym.envs.css.renderer import SiteRenderer
from vab_gym.envs.css.stylesheet import Stylesheet
from vab_gym.envs.css.tasks import grounded_candidates

BOOTSTRAP = Path(__file__).parent / "data" / "css-frameworks" / "bootstrap"
CSS_FILE = "css/bootstrap.min.css"
_STATES = (":hover", ":focus", ":active", "::before", "::after", "::placeholder")


def rendered_matches(selector: str, soup: BeautifulSoup) -> list:
    """Elements outside <head> the selector matches (soupsieve; states and pseudo-elements
    cut, as the page at rest shows them)."""
    for state in _STATES:
        selector = selector.replace(state, "")
    selector = ", ".join(part.strip() or "*" for part in selector.split(","))  # ::before
    return [
        e
        for e in soupsieve.select(selector, soup)
        if e.name != "head" and not e.find_parent("head")
    ]


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    """One css-build run through the CLI on two sites: the Bootstrap page, and a page
    whose stylesheet is missing."""
    root = tmp_path_factory.mktemp("framework-sites")
    shutil.copytree(BOOTSTRAP, root / "bootstrap")
    (root / "no-css").mkdir()
    (root / "no-css" / "index.html").write_text("<p>no stylesheet here</p>")
    out = root / "tasks.jsonl"
    assert (
        main(
            [
                "css-build",
                "--sites",
                str(root),
                "--css-file",
                CSS_FILE,
                "--out",
                str(out),
                "--per-site",
                "3",
                "--seed",
                "0",
            ]
        )
        == 0
    )
    tasks = [json.loads(line) for line in out.read_text().splitlines()]
    report = json.loads(out.with_suffix(".report.json").read_text())
    return root, tasks, {Path(s["name"]).name: s for s in report["sites"]}


@pytest.mark.slow
def test_a_framework_site_yields_the_tasks_asked(built):
    _, tasks, sites = built
    assert len(tasks) == 3 and sites["bootstrap"]["kept"] == 3
    assert all(t["setup"]["css_file"] == CSS_FILE for t in tasks)
    assert all(t["metadata"]["initial_distance"] >= 0.2 for t in tasks)


def test_every_kept_corruption_styles_an_element_of_the_page(built):
    root, tasks, _ = built
    soup = BeautifulSoup((root / "bootstrap" / "index.html").read_text(), "html.parser")
    sheet = Stylesheet.parse((root / "bootstrap" / CSS_FILE).read_text())
    for task in tasks:
        record = task["setup"]["corruption"]
        assert rendered_matches(record["selector"], soup), record
        if "property" in record:  # the first rule of that selector holds the old value
            rules = [
                r
                for r in sheet.all_rules
                if r.selector == record["selector"] and r.media == record.get("media")
            ]
            assert rules[0].declarations[record["property"]] == record["old_value"]


def test_the_report_rows_add_up_and_say_why(built):
    _, _, sites = built
    row = sites["bootstrap"]
    assert row["asked"] == row["kept"] + row["rejected_close"] + row["rejected_unsolvable"]
    assert row["asked"] >= 3 and row["blocked"] == []
    if row["rejected_close"]:
        assert f"{row['rejected_close']} corruptions changed the page by less" in " ".join(
            row["reasons"]
        )
    empty = sites["no-css"]
    assert (empty["asked"], empty["kept"]) == (0, 0)
    assert empty["reasons"] == [f"no stylesheet '{CSS_FILE}' in the site"]


def test_grounding_keeps_rules_of_rendered_elements_only():
    sheet = Stylesheet.parse((BOOTSTRAP / CSS_FILE).read_text())
    soup = BeautifulSoup((BOOTSTRAP / "index.html").read_text(), "html.parser")
    chromium = ChromiumProcess()
    renderer = SiteRenderer(chromium)
    try:
        renderer.open(BOOTSTRAP.resolve(), CSS_FILE, sheet.css())
        sheet.applicable = frozenset(
            q
            for q, ok in zip(
                sheet.media_queries, renderer.media_matches(sheet.media_queries), strict=True
            )
            if ok
        )
        by_prototype, _ = grounded_candidates(sheet, renderer, np.random.default_rng(0))
    finally:
        renderer.close()
        chromium.close()
    selectors = {record["selector"] for pool in by_prototype.values() for _, record, _ in pool}
    assert {".navbar", ".card", ".row", ".table"} <= selectors  # all on the page
    # not on the page, or styling no element at rest
    assert not selectors & {".modal", ".carousel", ".btn:hover", ".accordion-button"}
    assert [s for s in selectors if not rendered_matches(s, soup)] == []
    # @media rules that apply at 1280 px wide are grounded too (.col-md-4 is inside
    # @media (min-width: 768px))
    assert any(
        record.get("media") == "(min-width:768px)"
        for pool in by_prototype.values()
        for _, record, _ in pool
        if record["selector"] == ".col-md-4"
    )


def test_css_build_refuses_a_missing_assets_folder(tmp_path):
    assert (
        main(
            [
                "css-build",
                "--sites",
                str(tmp_path),
                "--out",
                str(tmp_path / "t.jsonl"),
                "--assets",
                str(tmp_path / "nowhere"),
            ]
        )
        == 2
    )
    assert not (tmp_path / "t.jsonl").exists()
