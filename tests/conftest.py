"""Shared fixtures: a small hand-written site and tasks on it, independent of the shipped split."""

import contextlib
from pathlib import Path

import gymnasium as gym
import psutil
import pytest

import vab_gym  # noqa: F401  (registers the envs)
from vab_gym.core.tasks import Task, TaskSet

HTML = """<!DOCTYPE html>
<html><head><meta charset="utf-8"><link rel="stylesheet" href="style.css"></head>
<body>
<header class="site-header"><nav class="nav-links"><a href="#">Home</a><a href="#">About</a></nav></header>
<main class="cards">
  <div class="card" id="first">One</div><div class="card">Two</div><div class="card">Three</div>
</main>
<footer class="site-footer">Footer text</footer>
</body></html>
"""
CSS = """body { margin: 0; font-family: "DejaVu Sans", sans-serif; }
.site-header { display: flex; padding: 24px; background-color: #1d3557; }
.nav-links a { color: #ffffff; margin-right: 16px; }
.cards { display: grid; grid-template-columns: repeat(3, 1fr); gap: 24px; padding: 32px; }
.card { height: 240px; background-color: #e63946; color: #ffffff; }
.site-footer { padding: 40px; background-color: #457b9d; }
"""


def pytest_addoption(parser):
    parser.addoption(
        "--full-splits",
        action="store_true",
        default=False,
        help="whole-split solver tests play every task (default: a stratified "
        "fifth, tests/splits.py)",
    )


@pytest.fixture(scope="session")
def full_splits(request) -> bool:
    return request.config.getoption("--full-splits")


def make_task(task_id: str, site: Path, corruption: dict | None) -> Task:
    setup = {"site": str(site), "css_file": "style.css"}
    if corruption:
        setup["corruption"] = corruption
    return Task(
        task_id,
        "VAB-CSS-v0",
        "test",
        "Fix the css rules.",
        setup,
        {"type": "ssim_distance", "threshold": 0.1},
    )


@pytest.fixture(scope="session")
def site(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("site")
    (folder / "index.html").write_text(HTML)
    (folder / "style.css").write_text(CSS)
    return folder


@pytest.fixture(scope="session")
def tasks(site) -> TaskSet:
    return TaskSet(
        [
            make_task("untouched", site, None),
            make_task(
                "grid-gone",
                site,
                {
                    "operation": "change_value",
                    "selector": ".cards",
                    "property": "display",
                    "old_value": "grid",
                    "new_value": "block",
                },
            ),
            make_task(
                "card-rule-gone",
                site,
                {
                    "operation": "delete_rule",
                    "selector": ".card",
                    "declarations": {
                        "height": "240px",
                        "background-color": "#e63946",
                        "color": "#ffffff",
                    },
                },
            ),
        ]
    )


@pytest.fixture(scope="session")
def env(tasks):
    """One small VAB-CSS env for the session (Chromium starts once)."""
    from vab_gym.envs.css.env import CssEnv

    env = CssEnv(tasks=tasks, image_size=(96, 128))
    yield env
    env.close()


@pytest.fixture(scope="module")
def minecraft():
    """VAB-Minecraft-v0 as gym.make gives it, one per test module."""
    env = gym.make("VAB-Minecraft-v0")
    yield env
    env.close()


@pytest.fixture(scope="module")
def css():
    """VAB-CSS-v0 as gym.make gives it, one per test module (Chromium starts once)."""
    env = gym.make("VAB-CSS-v0")
    yield env
    env.close()


@pytest.fixture(scope="module")
def browser():
    """A bare Playwright Chromium for one test module (the envs start their own)."""
    from playwright.sync_api import sync_playwright

    from vab_gym.core.browser import CHROMIUM_ARGS, find_chromium

    with sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=find_chromium(), args=list(CHROMIUM_ARGS))
        yield chromium
        chromium.close()


def processes_of(driver_pid: int) -> list[psutil.Process]:
    """The driver and everything under it (Chromium's processes), still running."""
    try:
        driver = psutil.Process(driver_pid)
        procs = [driver, *driver.children(recursive=True)]
    except psutil.NoSuchProcess:
        return []
    alive = []
    for proc in procs:
        with contextlib.suppress(psutil.NoSuchProcess):
            if proc.status() != psutil.STATUS_ZOMBIE:
                alive.append(proc)
    return alive
