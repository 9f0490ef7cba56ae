"""vab-gym ui: a real browser (Playwright) annotates whole episodes to a judged success and
browses the store; plus the mapping of clicks to elements and the server's safety rules."""

from __future__ import annotations

import re
import socket
import threading
import time
from pathlib import Path
from types import SimpleNamespace

import psutil
import pytest
import uvicorn
from starlette.testclient import TestClient

from vab_gym.agents import make_solver
from vab_gym.bench import EpisodeStore
from vab_gym.bench.jobs import AgentSpec, Job, Worker, WorkerConfig
from vab_gym.envs.mobile.screen import Node
from vab_gym.envs.webarena.som import Mark
from vab_gym.ui import create_app
from vab_gym.ui.annotate import (
    AnnotationSession,
    Region,
    mobile_regions,
    region_at,
    webarena_regions,
)
from vab_gym.ui.browse import OutsideStore, inside

MC_TASK = "mc-train-0-clay"  # the solver: mine clay balls, craft clay (2 steps)
WEBARENA_TASK = "wal-local-train-189"  # the solver: click [1] (My Account), click [2], stop
MOBILE_TASK = "clock_train_3"  # the solver: tap the 5:15 AM alarm's switch, finish()


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class Server:
    """The app under uvicorn, in-process on a free port, in a thread."""

    def __init__(self, store: Path) -> None:
        self.app = create_app(store)
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.server = uvicorn.Server(
            uvicorn.Config(
                self.app, host="127.0.0.1", port=self.port, log_level="warning", lifespan="on"
            )
        )
        self.thread = threading.Thread(target=self.server.run, daemon=True)
        self.thread.start()
        deadline = time.monotonic() + 30
        while not self.server.started:
            assert time.monotonic() < deadline and self.thread.is_alive(), "uvicorn did not start"
            time.sleep(0.05)

    def stop(self) -> None:
        self.server.should_exit = True
        self.thread.join(120)
        assert not self.thread.is_alive()


@pytest.fixture(scope="module")
def ui(tmp_path_factory):
    store = tmp_path_factory.mktemp("ui-store")
    server = Server(store)
    yield SimpleNamespace(url=server.url, app=server.app, store=store)
    server.stop()


@pytest.fixture(scope="module")
def solver_episode(ui) -> dict:
    """The program solver's episode of MC_TASK, as ``vab-gym bench`` stores it, in the run
    ``solver-run`` of the viewer's store."""
    worker = Worker(WorkerConfig(AgentSpec("solver"), split="train"))
    try:
        _row, episode, blobs = worker.run(Job("VAB-Minecraft-v0", MC_TASK, 0))
    finally:
        worker.close()
    EpisodeStore(ui.store / "solver-run").write(episode, blobs)
    return episode


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    yield context.new_page()
    context.close()


def start_session(page, ui, env_id: str, task_id: str) -> AnnotationSession:
    page.goto(f"{ui.url}/annotate")
    page.select_option("#env", env_id)
    page.select_option("#split", "train")
    page.fill("#task", task_id)
    page.click("#begin")
    page.wait_for_selector("#instruction")
    session_id = page.url.rsplit("/", 1)[1]
    return ui.app.state.sessions.get(session_id)


def annotate_with_solver(
    page, session: AnnotationSession, click, ways: list[str] | None = None
) -> list[tuple[str, str]]:
    """Play the env's program solver through the page until the verdict shows; ``click``
    decides, per action, whether to click on the screenshot (and does it); the grounded
    list is used where it has the action, else the action is typed. Returns the (action,
    thought) pairs played; ``ways`` gets how each action was given."""
    ways = [] if ways is None else ways
    env = session.env
    solver = make_solver(env)
    session.call(lambda: solver.reset(env, *session.observation))
    played = []
    while page.query_selector("#verdict") is None:
        assert len(played) < 30, "the solver did not finish"
        action = session.call(lambda: solver.act(*session.observation))
        thought = (getattr(solver, "last_step", None) or {}).get(
            "thought"
        ) or f"My reason for step {len(played) + 1}: {action}"
        options = page.eval_on_selector_all("#grounded option", "os => os.map(o => o.value)")
        if click(page, session, action):
            assert page.input_value("#action") == action
            ways.append("click")
        elif action in options:
            page.select_option("#grounded", action)
            ways.append("grounded")
        else:
            page.fill("#action", action)
            ways.append("typed")
        page.fill("#thought", thought)
        page.click("#step")
        page.wait_for_load_state()
        played.append((action, thought))
    return played


def no_click(page, session, action) -> bool:
    return False


def tap_on_screenshot(page, session, action) -> bool:
    """``tap(N)``: click the centre of element N (its device-px bounds scaled to the
    picture as the env scales its 1082x2402 screenshots) on the displayed image."""
    match = re.fullmatch(r"tap\((\d+)\)", action)
    if not match:
        return False
    x1, y1, x2, y2 = session.env.unwrapped.elements[int(match.group(1)) - 1].bounds
    height, width = session.env.unwrapped.image_size
    image = page.locator("#observation")
    box = image.bounding_box()
    page.mouse.click(
        box["x"] + (x1 + x2) / 2 / 1082 * width * box["width"] / width,
        box["y"] + (y1 + y2) / 2 / 2402 * height * box["height"] / height,
    )
    page.wait_for_function("document.getElementById('picked').textContent.length > 0")
    return True


def click_on_screenshot(page, session, action) -> bool:
    """``click [N]``: click the centre of mark N's box (CSS px of the 1280x720 viewport,
    which the observation shows unscaled) on the displayed image."""
    match = re.fullmatch(r"click \[(\d+)\]", action)
    if not match:
        return False
    mark = next(m for m in session.env.unwrapped.session.marks if m.id == int(match.group(1)))
    x, y, w, h = mark.box
    height, width = session.env.unwrapped.image_size
    box = page.locator("#observation").bounding_box()
    page.mouse.click(
        box["x"] + (x + w / 2) * box["width"] / width,
        box["y"] + (y + h / 2) * box["height"] / height,
    )
    page.wait_for_function("document.getElementById('picked').textContent.length > 0")
    return True


def saved_episode(ui, session: AnnotationSession) -> dict:
    assert session.saved is not None
    return EpisodeStore(ui.store).load(session.saved)


def check_saved(ui, episode: dict, env_id: str, task_id: str, played) -> None:
    assert episode["env_id"] == env_id and episode["task_id"] == task_id
    assert episode["strategy"] == "human" and episode["agent"]["kind"] == "human"
    assert episode["success"] is True and episode["judge"]["success"] is True
    assert [(s["action"], s["thought"]) for s in episode["steps"]] == played
    # the model's view after the reset and after each step, its images in the store
    views = [episode["reset"]["view"]] + [s["view"] for s in episode["steps"]]
    assert all(v["text"] is not None and v["images"] for v in views)
    for view in views:
        for path in view["images"]:
            assert (ui.store / path).is_file()
    loaded = [e for e in EpisodeStore(ui.store) if e["id"] == episode["id"]]
    assert len(loaded) == 1 and loaded[0]["steps"][0]["images"]["image"]
    assert (ui.store / loaded[0]["reset"]["images"]["image"]).is_file()


@pytest.mark.slow
def test_annotate_minecraft_by_typing_and_grounded_actions(ui, page, solver_episode):
    session = start_session(page, ui, "VAB-Minecraft-v0", MC_TASK)
    assert page.inner_text("#instruction") == "Your task is to get a clay in your inventory."
    ways: list[str] = []
    played = annotate_with_solver(page, session, no_click, ways)
    assert [a for a, _ in played] == ["execute('mine clay', 'clay_ball', 4)", "craft('clay', 1)"]
    # mining four balls is no grounded call (those mine one); crafting the clay is
    assert ways == ["typed", "grounded"]
    assert page.inner_text("#verdict").startswith("success")
    episode = saved_episode(ui, session)
    check_saved(ui, episode, "VAB-Minecraft-v0", MC_TASK, played)
    assert session.env.unwrapped._closed  # the episode ended: its env is closed

    # browse: the filters find it, the episode page steps through it
    page.goto(f"{ui.url}/episodes?strategy=human&env=VAB-Minecraft-v0&success=yes")
    rows = page.locator("table.episodes tbody tr")  # (the solver's episode is filtered out)
    assert rows.count() == 1 and MC_TASK in rows.inner_text()
    page.goto(f"{ui.url}/episodes?strategy=human&env=VAB-Minecraft-v0&success=no")
    assert page.locator("table.episodes tbody tr").count() == 0
    page.goto(f"{ui.url}/episodes?strategy=solver")
    assert page.locator("table.episodes tbody tr").count() == 0
    page.goto(f"{ui.url}/episodes?env=VAB-Minecraft-v0&task=clay")  # human + solver
    rate = page.locator("tr[data-env='VAB-Minecraft-v0'] td")
    assert rate.all_inner_texts() == ["VAB-Minecraft-v0", "2", "2", "100.0%"]
    page.goto(f"{ui.url}/episodes?env=VAB-Minecraft-v0&task=clay&strategy=human")
    page.click(f"text={MC_TASK}")
    assert page.inner_text("#strategy") == "human"
    assert page.locator("section.step:visible h2").inner_text() == "Reset"
    page.click("#next")
    step = page.locator("section.step:visible")
    assert step.locator(".action").inner_text() == played[0][0]
    assert step.locator(".thought").inner_text() == played[0][1]
    # decode() waits for the image to load (it may still be loading right after the click)
    assert step.locator("img").evaluate("img => img.decode().then(() => img.naturalWidth)") == 640
    page.click("[data-goto='2']")
    assert page.locator("section.step:visible .action").inner_text() == played[1][0]
    assert page.locator("svg.curve circle").count() == 3  # the reset and two steps

    # side by side with the solver's episode of the same task
    page.select_option("form.compare select", f"solver-run/VAB-Minecraft-v0/{MC_TASK}.seed0")
    page.click("form.compare button")
    heads = page.locator("table.compare thead th")
    assert "human" in heads.nth(0).inner_text() and "bench" in heads.nth(1).inner_text()
    thoughts = page.locator("table.compare tbody tr").nth(1).locator("td").nth(0)
    assert thoughts.locator(".thought").inner_text() == played[0][1]


def test_side_by_side_and_marked_steps(ui, page, solver_episode):
    """Two episodes of one task side by side (a solver's and a recovery episode made from
    it), the recovery episode's injected and recovery steps highlighted."""
    bench = solver_episode
    marked = {
        **bench,
        "id": f"{MC_TASK}.recovery.0",
        "strategy": "recovery",
        "steps": [
            {**bench["steps"][0], "injected": True, "mistake": {"kind": "test"}},
            {**bench["steps"][1], "recovery": True},
        ],
    }
    EpisodeStore(ui.store / "solver-run").write(marked, {})

    page.goto(f"{ui.url}/episodes?run=solver-run&strategy=bench")
    page.click(f"text={MC_TASK}")
    page.select_option("form.compare select", f"solver-run/VAB-Minecraft-v0/{MC_TASK}.recovery.0")
    page.click("form.compare button")
    heads = page.locator("table.compare thead th")
    assert heads.count() == 2
    assert "bench" in heads.nth(0).inner_text() and "recovery" in heads.nth(1).inner_text()
    assert page.locator("table.compare tbody tr").count() == 3  # reset + 2 steps
    first = page.locator("table.compare tbody tr").nth(1)
    assert (
        first.locator("code.action").all_inner_texts()
        == ["execute('mine clay', 'clay_ball', 4)"] * 2
    )
    assert first.locator("td").nth(1).get_attribute("class").strip() == "injected"

    page.goto(f"{ui.url}/episode?key=solver-run/VAB-Minecraft-v0/{MC_TASK}.recovery.0")
    assert page.locator("ol.timeline button.injected").inner_text() == "1"
    assert page.locator("ol.timeline button.recovery").inner_text() == "2"
    page.click("[data-goto='1']")
    assert page.locator("section.step:visible .tag.injected").count() == 1
    page.goto(f"{ui.url}/")
    assert "solver-run" in page.locator("table.runs").inner_text()


@pytest.mark.slow
def test_annotate_mobile_by_clicking_the_screenshot(ui, page):
    session = start_session(page, ui, "VAB-Mobile-v0", MOBILE_TASK)
    ways: list[str] = []
    played = annotate_with_solver(page, session, tap_on_screenshot, ways)
    assert [a for a, _ in played] == ["tap(4)", "finish()"]
    assert ways == ["click", "grounded"]
    assert page.inner_text("#verdict").startswith("success")
    episode = saved_episode(ui, session)
    check_saved(ui, episode, "VAB-Mobile-v0", MOBILE_TASK, played)
    page.click("#saved")
    assert page.inner_text("#verdict").startswith("success")


@pytest.mark.slow  # a third env (Mobile already covers clicking); ~8 s on an idle machine
def test_annotate_webarena_by_clicking_the_screenshot(ui, page):
    session = start_session(page, ui, "VAB-WebArena-Lite-v0", WEBARENA_TASK)
    ways: list[str] = []
    played = annotate_with_solver(page, session, click_on_screenshot, ways)
    assert [a for a, _ in played] == ["click [1]", "click [2]", "stop []"]
    assert ways == ["click", "click", "typed"]  # the env has no grounding: stop is typed
    assert page.inner_text("#verdict").startswith("success")
    check_saved(ui, saved_episode(ui, session), "VAB-WebArena-Lite-v0", WEBARENA_TASK, played)


def test_shutdown_closes_the_envs_of_open_sessions(tmp_path, browser):
    """A session left open when the server stops: its env (and its Chromium) is closed."""
    me = psutil.Process()
    before = {p.pid for p in me.children(recursive=True)}
    server = Server(tmp_path)
    context = browser.new_context()
    try:
        page = context.new_page()
        session = start_session(
            page, SimpleNamespace(url=server.url, app=server.app), "VAB-Mobile-v0", MOBILE_TASK
        )
        started = {p.pid for p in me.children(recursive=True)} - before
        assert any("chrom" in psutil.Process(pid).name() for pid in started)
    finally:
        context.close()
        server.stop()
    assert session.done and session.saved is None and session.env.unwrapped._closed
    alive = [p for p in psutil.Process().children(recursive=True) if p.pid in started]
    psutil.wait_procs(alive, timeout=10)
    assert not [p for p in alive if p.is_running() and p.status() != psutil.STATUS_ZOMBIE]
    assert not list(EpisodeStore(tmp_path))


def test_idle_session_ends_and_closes_its_env(tmp_path):
    """(With no task id: a random task of the split.)"""
    session = AnnotationSession(
        EpisodeStore(tmp_path), "VAB-Minecraft-v0", "train", None, 0, idle_timeout=0.5
    )
    session.wait_ready()
    assert session.error is None and session.task_id.startswith("mc-train-")
    assert session.turn.instruction.startswith("Your task is to get")
    session._thread.join(30)
    assert session.done and session.saved is None and session.env.unwrapped._closed
    assert not list(EpisodeStore(tmp_path))


# -- the element under the pointer ----------------------------------------------------------
def test_region_at_picks_the_innermost_preferred_box():
    outer = Region((0, 0, 100, 100), "tap(1)", "outer")
    inner = Region((10, 10, 30, 30), "tap(2)", "inner")
    text = Region((12, 12, 20, 20), "tap(3)", "a label", preferred=False)
    regions = [outer, inner, text]
    assert region_at(regions, 15, 15) is inner  # the label is smaller, but not clickable
    assert region_at(regions, 50, 50) is outer
    assert region_at(regions, 150, 50) is None
    assert region_at([text], 15, 15) is text  # nothing clickable there: what is


def test_webarena_marks_map_to_click_actions():
    marks = [
        Mark(1, "A", "Home", (10, 20, 100, 30), (60, 35), True),
        Mark(-1, "StaticText", "Welcome", (0, 0, 400, 400), (200, 200), False),
        Mark(2, "BUTTON", "Search", (300, 40, 80, 20), (340, 50), True),
        Mark(3, "INPUT", "tiny", (5, 5, 4, 4), (7, 7), True, shown=False),
    ]
    env = SimpleNamespace(session=SimpleNamespace(marks=marks), image_size=(720, 1280))
    regions = webarena_regions(env)
    assert [r.box for r in regions] == [(10, 20, 110, 50), (300, 40, 380, 60)]
    assert region_at(regions, 60, 35).action == "click [1]"
    assert region_at(regions, 379, 59).action == "click [2]"
    assert region_at(regions, 7, 7) is None  # unshown marks are not clickable
    env.image_size = (360, 800)  # the 1280x720 screenshot fitted at half size (360/720)
    assert webarena_regions(env)[1].box == pytest.approx((150, 20, 190, 30))


def node(bounds, clickable=True, text=""):
    return Node(
        "TextView",
        text,
        "",
        "",
        clickable,
        clickable,
        False,
        False,
        False,
        False,
        False,
        False,
        False,
        bounds,
        0,
    )


def test_mobile_elements_scale_from_device_pixels():
    # the default 1200x540 picture of the 1082x2402 device screen, fitted without
    # distortion: every coordinate times min(540/1082, 1200/2402) = 540/1082
    env = SimpleNamespace(
        image_size=(1200, 540),
        obs_mode="som",
        elements=[node((0, 0, 1082, 2402)), node((541, 1201, 1082, 2402))],
    )
    regions = mobile_regions(env)
    s = 540 / 1082
    assert regions[1].box == pytest.approx((541 * s, 1201 * s, 540.0, 2402 * s), abs=0.01)
    assert region_at(regions, 300, 700).action == "tap(2)"
    assert region_at(regions, 100, 100).action == "tap(1)"
    env.obs_mode = "xml"
    assert (
        region_at(mobile_regions(env), 300, 700).action
        == 'do(action="Tap", element=[541, 1201, 1082, 2402])'
    )


# -- safety ---------------------------------------------------------------------------------
def test_paths_stay_inside_the_store(tmp_path):
    (tmp_path / "images").mkdir()
    (tmp_path / "secret.txt").write_text("no")
    assert inside(tmp_path, "images/ab/x.png") == tmp_path.resolve() / "images/ab/x.png"
    for bad in ("../x", "/etc/passwd", "images/../../x", ""):
        with pytest.raises(OutsideStore):
            inside(tmp_path / "images", bad)
    (tmp_path / "images" / "link.png").symlink_to(tmp_path / "secret.txt")
    with pytest.raises(OutsideStore):
        inside(tmp_path / "images", "link.png")


def test_server_refuses_hosts_cross_site_posts_big_bodies_and_escapes(tmp_path):
    (tmp_path / "episodes").mkdir()
    (tmp_path / "run.json").write_text("{}")
    with TestClient(create_app(tmp_path), base_url="http://127.0.0.1:8765") as client:
        assert client.get("/").status_code == 200
        assert client.get("/", headers={"host": "attacker.example"}).status_code == 400
        form = {"env": "VAB-Minecraft-v0", "split": "train", "task": "nope", "seed": "0"}
        assert (
            client.post(
                "/annotate", data=form, headers={"origin": "http://attacker.example"}
            ).status_code
            == 403
        )
        answer = client.post("/annotate", data=form, headers={"origin": "http://127.0.0.1:8765"})
        assert answer.status_code == 200 and "no task nope in VAB-Minecraft-v0" in answer.text
        urlencoded = {"content-type": "application/x-www-form-urlencoded"}
        big = client.post("/annotate", content=b"action=" + b"x" * 10_000_000, headers=urlencoded)
        assert big.status_code == 413  # refused from its Content-Length

        def chunks():  # no Content-Length: the body is cut off as it streams in
            yield b"action="
            for _ in range(100):
                yield b"x" * 100_000

        assert client.post("/annotate", content=chunks(), headers=urlencoded).status_code == 413
        assert client.get("/image/@/../run.json").status_code == 404
        assert client.get("/image/@/%2E%2E/run.json").status_code == 404
        assert client.get("/episode", params={"key": "@/../../run"}).status_code == 404
        # inside the store but not an episode: a run's files are not served as episodes
        assert client.get("/episode", params={"key": "@/../run"}).status_code == 404
        assert client.get("/annotate/nosuchsession").status_code == 404


def test_the_cli_serves_on_loopback_only(tmp_path, capsys):
    from vab_gym.cli import main

    assert main(["ui", "--store", str(tmp_path), "--host", "0.0.0.0"]) == 2
    assert "127.0.0.1 or localhost only" in capsys.readouterr().err


def test_a_declared_huge_body_is_refused_before_it_is_sent(ui):
    """Content-Length 1 GB and no body: 413 at once, without waiting for (or buffering) it."""
    with socket.create_connection(("127.0.0.1", int(ui.url.rsplit(":", 1)[1])), timeout=10) as conn:
        conn.sendall(
            b"POST /annotate HTTP/1.1\r\nHost: 127.0.0.1\r\n"
            b"Content-Type: application/x-www-form-urlencoded\r\n"
            b"Content-Length: 1000000000\r\n\r\naction=x"
        )
        assert conn.recv(64).startswith(b"HTTP/1.1 413")


def test_an_action_posted_twice_is_played_once(tmp_path):
    """A double click (two posts from the page of one step) plays its action once."""
    session = AnnotationSession(EpisodeStore(tmp_path), "VAB-Minecraft-v0", "train", MC_TASK, 0)
    try:
        session.wait_ready()
        look = "look_up('clay')"
        posts = [threading.Thread(target=session.submit, args=(look, None, 0)) for _ in range(2)]
        for post in posts:
            post.start()
        for post in posts:
            post.join(60)
        assert session.submit(look, None, 0) is False  # a stale page: step 0 is gone
        assert session.turn.step == 1 and [h["action"] for h in session.turn.history] == [look]
    finally:
        session.end()
    assert session.env.unwrapped._closed and not list(EpisodeStore(tmp_path))
