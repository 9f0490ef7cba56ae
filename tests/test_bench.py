"""`vab-gym bench` (issue 12): checks before any job, the results file and resume (for real,
with SIGKILL), crash retries and timeouts, the episode store, VAB's table, and the Ray engine
against the local one. Real runs use VAB-Minecraft-v0's program solver (no browser, ~9 steps
a task)."""

from __future__ import annotations

import hashlib
import json
import math
import os
import signal
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

import psutil
import pytest
import uvicorn
from rich.console import Console
from starlette.applications import Starlette
from starlette.responses import JSONResponse
from starlette.routing import Route

from vab_gym.bench import AgentSpec, BenchError, BenchOptions, EpisodeStore, run_bench
from vab_gym.bench.jobs import row_fields
from vab_gym.bench.report import leaderboard_markdown, summarize
from vab_gym.bench.runner import read_results

ROOT = Path(__file__).resolve().parents[1]
MC = "VAB-Minecraft-v0"
MC_TASKS = [
    "mc-test-cake",
    "mc-test-sugar",
    "mc-test-glass_bottle",
    "mc-test-glass",
    "mc-test-sand",
    "mc-test-furnace",
]
QUIET = Console(file=open(os.devnull, "w"))  # noqa: SIM115  (lives as long as the tests)


def options(out: Path, **kwargs) -> BenchOptions:
    kwargs.setdefault("agent", AgentSpec("solver"))
    return BenchOptions(out=out, **kwargs)


# -- checks before any job -----------------------------------------------------------------
def test_unknown_env_and_task_ids_are_named_before_any_job(tmp_path):
    with pytest.raises(BenchError, match="unknown env id 'VAB-Nope-v0'"):
        run_bench(options(tmp_path / "a", envs=f"{MC},VAB-Nope-v0"), QUIET)
    with pytest.raises(BenchError, match="mc-test-unobtainium"):
        run_bench(
            options(tmp_path / "b", envs=MC, task_ids=["mc-test-cake", "mc-test-unobtainium"]),
            QUIET,
        )
    assert not (tmp_path / "a").exists() and not (tmp_path / "b").exists()


@pytest.fixture(scope="module")
def models_server():
    """A local OpenAI-compatible /v1/models that serves one model and wants a key."""

    async def models(request):
        if request.headers.get("authorization") != "Bearer sk-test":
            return JSONResponse({"error": {"message": "bad key"}}, status_code=401)
        return JSONResponse({"object": "list", "data": [{"id": "served-model", "object": "model"}]})

    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    server = uvicorn.Server(
        uvicorn.Config(Starlette(routes=[Route("/v1/models", models)]), log_level="error")
    )
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    while not server.started:
        time.sleep(0.05)
    yield f"http://127.0.0.1:{port}/v1"
    server.should_exit = True
    thread.join(10)


def lmm(base_url: str, model: str, key: str | None = "sk-test") -> AgentSpec:
    return AgentSpec("lmm", model=model, base_url=base_url, api_key=key)


def test_bad_endpoints_are_clear_errors_before_any_job(tmp_path, models_server):
    with pytest.raises(BenchError, match=r"does not serve model 'gpt-9'.*served-model"):
        run_bench(
            options(tmp_path / "a", envs=MC, tasks=1, agent=lmm(models_server, "gpt-9")), QUIET
        )
    with pytest.raises(BenchError, match="refused the key"):
        run_bench(
            options(
                tmp_path / "b",
                envs=MC,
                tasks=1,
                agent=lmm(models_server, "served-model", key="sk-wrong"),
            ),
            QUIET,
        )
    closed = socket.socket()
    closed.bind(("127.0.0.1", 0))
    port = closed.getsockname()[1]
    closed.close()
    with pytest.raises(BenchError, match="does not answer"):
        run_bench(
            options(
                tmp_path / "c",
                envs=MC,
                tasks=1,
                agent=lmm(f"http://127.0.0.1:{port}/v1", "served-model"),
            ),
            QUIET,
        )
    assert not any((tmp_path / name).exists() for name in "abc")


def test_api_key_env_must_be_set(monkeypatch, tmp_path, capsys):
    from vab_gym import cli

    monkeypatch.delenv("VAB_TEST_NO_SUCH_KEY", raising=False)
    code = cli.main(
        [
            "bench",
            "--agent",
            "lmm",
            "--model",
            "m",
            "--base-url",
            "http://127.0.0.1:9/v1",
            "--api-key-env",
            "VAB_TEST_NO_SUCH_KEY",
            "--envs",
            MC,
            "--out",
            str(tmp_path / "run"),
        ]
    )
    assert code == 2 and not (tmp_path / "run").exists()
    assert "the variable VAB_TEST_NO_SUCH_KEY is not set" in " ".join(
        capsys.readouterr().err.split()
    )


# -- the results file ----------------------------------------------------------------------
def test_a_torn_last_line_is_dropped_and_its_job_runs_again(tmp_path):
    path = tmp_path / "results.jsonl"
    whole = json.dumps({"env_id": MC, "task_id": "mc-test-cake"}) + "\n"
    path.write_bytes(whole.encode() + b'{"env_id": "VAB-Minecraft-v0", "task_')
    assert read_results(path) == [{"env_id": MC, "task_id": "mc-test-cake"}]
    assert path.read_text() == whole


# -- VAB's table ---------------------------------------------------------------------------
def row(env_id, success, *, metrics=None, steps=4, invalid=0):
    return {
        "env_id": env_id,
        "task_id": "t",
        "success": success,
        "steps": steps,
        "progress": 1.0 if success else 0.0,
        "invalid_actions": invalid,
        "tokens": {"prompt": 100, "completion": 10},
        "cost": 0.01,
        "seconds": 1.0,
        "error": None,
        "metrics": metrics or {},
    }


def test_summary_and_leaderboard_hold_vab_rates_errors_and_partial_metrics():
    rows = [
        row(MC, True, metrics={"reward": 1.0}),
        row(MC, True, metrics={"reward": 1.0}),
        row(MC, True, metrics={"reward": 1.0}),
        row(MC, False, metrics={"reward": 0.2}, invalid=2),
        row("VAB-CSS-v0", True, metrics={"improved": True, "distance": 0.05}),
        row("VAB-CSS-v0", False, metrics={"improved": False, "distance": 0.3}),
        row("VAB-WebArena-Lite-v0", True, metrics={"site": "shopping"}),
        row("VAB-WebArena-Lite-v0", False, metrics={"site": "shopping"}),
        {**row("VAB-WebArena-Lite-v0", False), "error": "timeout", "steps": 0},
    ]
    summary = summarize(rows, "my-model")
    mc, css, wa = (summary["envs"][k] for k in (MC, "VAB-CSS-v0", "VAB-WebArena-Lite-v0"))
    assert mc["success_rate"] == 75.0
    assert math.isclose(mc["stderr"], 100 * math.sqrt(0.75 * 0.25 / 4))  # 21.65
    assert math.isclose(mc["average_reward"], 3.2 / 4)
    assert mc["invalid_action_rate"] == 2 / 16
    assert css["improve_rate"] == 50.0 and math.isclose(css["mean_distance"], 0.175)
    # the error row counts as a failed task of its site (it has no site metric: "unknown")
    assert wa["errors"] == 1 and math.isclose(wa["success_rate"], 100 / 3)
    assert wa["per_site"] == {"shopping": 50.0, "unknown": 0.0}
    assert math.isclose(summary["average"], (75 + 50 + 100 / 3) / 3)  # 52.8
    board = leaderboard_markdown(summary)
    assert "| Model | AVG | OmniGibson | Minecraft | Mobile | WebArena-Lite | CSS |" in board
    assert "| my-model | 52.8* | — | 75.0 ± 21.7 | — | 33.3 ± 27.2 | 50.0 ± 35.4 |" in board
    assert "| gpt-4o-2024-05-13 (VAB paper) | 36.2 | 41.4 | 55.2 | 31.9 | 18.2 | 34.5 |" in board
    assert "improve 50.0%, mean distance 0.175" in board


# -- real runs -----------------------------------------------------------------------------
@pytest.mark.slow  # the hanging job alone takes the 30 s timeout
def test_crashes_are_retried_once_then_recorded_and_hangs_time_out(tmp_path):
    markers = tmp_path / "markers"
    markers.mkdir()
    plan = {
        "mc-test-sugar": "raise_once",
        "mc-test-glass_bottle": "raise",
        "mc-test-glass": "exit_once",
        "mc-test-sand": "hang",
    }
    agent = AgentSpec(
        "tests.bench_agents:Misbehaving", params={"plan": plan, "marker_dir": str(markers)}
    )
    out = tmp_path / "run"
    summary = run_bench(
        options(out, agent=agent, envs=MC, task_ids=MC_TASKS[:5], workers=2, timeout=30), QUIET
    )
    rows = {r["task_id"]: r for r in read_results(out / "results.jsonl")}
    assert sorted(rows) == sorted(MC_TASKS[:5])
    assert rows["mc-test-cake"]["success"] and rows["mc-test-cake"]["attempts"] == 1
    sugar = rows["mc-test-sugar"]
    assert sugar["success"] and sugar["attempts"] == 2 and sugar["error"] is None
    assert sugar["earlier_errors"] == ["RuntimeError: injected crash in mc-test-sugar"]
    bottle = rows["mc-test-glass_bottle"]
    assert not bottle["success"] and bottle["attempts"] == 2
    assert bottle["error"] == (
        "RuntimeError: injected crash in mc-test-glass_bottle; then "
        "RuntimeError: injected crash in mc-test-glass_bottle"
    )
    glass = rows["mc-test-glass"]  # its worker died; the retry ran on a fresh worker
    assert glass["success"] and glass["attempts"] == 2
    assert glass["earlier_errors"] == ["the worker process died"]
    assert rows["mc-test-sand"]["error"] == "timeout: the episode ran over 30 s"
    assert summary["envs"][MC]["successes"] == 3 and summary["errors"] == 2
    # the agent's tokens and cost per step add up per job (10 + 2 tokens, $0.001 a step)
    cake = rows["mc-test-cake"]
    assert cake["tokens"] == {"prompt": 10 * cake["steps"], "completion": 2 * cake["steps"]}
    assert math.isclose(cake["cost"], 0.001 * cake["steps"])

    # the episode store: each played job once, whole, with its steps and images
    store = EpisodeStore(out)
    episodes = {e["task_id"]: e for e in store}
    assert sorted(episodes) == ["mc-test-cake", "mc-test-glass", "mc-test-sugar"]
    episode = episodes["mc-test-cake"]
    assert episode["format"] == "vab-gym-episode/1" and episode["success"]
    assert len(episode["steps"]) == cake["steps"] and cake["episode"].endswith(
        "mc-test-cake.seed0.json"
    )
    assert episode["steps"][-1]["reply"] == "Action: (scripted) mc-test-cake"
    assert episode["agent"]["plan"] == plan
    first = store.image(episode["reset"]["images"]["image"])
    assert first.shape == (360, 640, 3)
    assert all((out / s["images"]["image"]).is_file() for s in episode["steps"])
    for name in ("summary.json", "leaderboard.md", "results.png", "run.json"):
        assert (out / name).is_file()
    run = json.loads((out / "run.json").read_text())
    assert run["seeds"] == {"reset": 0, "agent": 0} and run["envs"][MC]["backend"] == "sim"


def _bench_process(out: Path, *extra: str) -> subprocess.Popen:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    return subprocess.Popen(
        [
            sys.executable,
            "-m",
            "vab_gym.cli",
            "bench",
            "--agent",
            "solver",
            "--envs",
            MC,
            "--task-ids",
            ",".join(MC_TASKS),
            "--workers",
            "2",
            "--out",
            str(out),
            *extra,
        ],
        env=env,
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )


def _lines(path: Path) -> int:
    return path.read_bytes().count(b"\n") if path.exists() else 0


def _kill_when(proc: subprocess.Popen, results: Path, lines: int) -> list[psutil.Process]:
    """SIGKILL the driver once ``results`` has ``lines`` lines; its workers are returned."""
    while _lines(results) < lines:
        assert proc.poll() is None, proc.stderr.read().decode()
        time.sleep(0.05)
    workers = psutil.Process(proc.pid).children(recursive=True)
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    return workers


@pytest.mark.slow
def test_a_run_sigkilled_twice_finishes_on_resume_with_each_job_once(tmp_path):
    out = tmp_path / "run"
    results = out / "results.jsonl"
    workers = _kill_when(_bench_process(out), results, 1)
    workers += _kill_when(_bench_process(out, "--resume"), results, _lines(results) + 1)
    assert len(read_results(results)) < len(MC_TASKS)
    # the orphaned workers notice their driver is gone and exit
    _, alive = psutil.wait_procs(workers, timeout=60)
    assert alive == []
    final = _bench_process(out, "--resume")
    assert final.wait(600) == 0, final.stderr.read().decode()
    rows = read_results(results)
    assert sorted(r["task_id"] for r in rows) == sorted(MC_TASKS)  # each job exactly once
    assert all(r["success"] for r in rows)
    assert len(EpisodeStore(out).paths()) == len(MC_TASKS)
    summary = json.loads((out / "summary.json").read_text())
    assert summary["envs"][MC]["successes"] == len(MC_TASKS)


@pytest.mark.slow
def test_an_existing_run_needs_resume_and_the_same_settings(tmp_path):
    out = tmp_path / "run"
    run_bench(options(out, envs=MC, task_ids=MC_TASKS[:1]), QUIET)
    with pytest.raises(BenchError, match="--resume"):
        run_bench(options(out, envs=MC, task_ids=MC_TASKS[:1]), QUIET)
    with pytest.raises(BenchError, match="other settings"):
        run_bench(options(out, envs=MC, task_ids=MC_TASKS[:1], seed=1, resume=True), QUIET)
    # resuming a finished run plays nothing and keeps its one line
    run_bench(options(out, envs=MC, task_ids=MC_TASKS[:1], resume=True), QUIET)
    assert len(read_results(out / "results.jsonl")) == 1


@pytest.mark.slow
def test_ray_engine_gives_the_local_engines_results(tmp_path):
    import ray

    tasks = MC_TASKS[:3]
    local = tmp_path / "local"
    run_bench(options(local, envs=MC, task_ids=tasks, workers=2), QUIET)
    remote = tmp_path / "ray"
    try:
        run_bench(
            options(remote, envs=MC, task_ids=tasks, workers=2, engine="ray", ray_cpus=2), QUIET
        )
    finally:
        ray.shutdown()
    assert not ray.is_initialized()

    def rows(out):
        return sorted(
            (row_fields(r) for r in read_results(out / "results.jsonl")), key=lambda r: r["task_id"]
        )

    assert rows(remote) == rows(local) and len(rows(local)) == 3
    assert sorted(p.name for p in EpisodeStore(remote).paths()) == sorted(
        p.name for p in EpisodeStore(local).paths()
    )
    assert (remote / "leaderboard.md").read_text() == (local / "leaderboard.md").read_text()


def test_without_images_an_episode_keeps_its_steps_and_no_image_files():
    from vab_gym.bench import Job, Worker, WorkerConfig

    worker = Worker(WorkerConfig(agent=AgentSpec("solver"), keep_images=False))
    try:
        row, episode, images = worker.run(Job(MC, "mc-test-sugar", 0))
    finally:
        worker.close()
    assert row["success"] and images == {}
    assert len(episode["steps"]) == row["steps"] and episode["reset"]["images"] == {}
    assert all(step["images"] == {} for step in episode["steps"])
    # the recorder itself encodes nothing then, but still names each image by its pixels
    import numpy as np

    from vab_gym.bench.store import ImageRecorder, image_hash

    recorder = ImageRecorder(keep_png=False)
    pixels = np.zeros((4, 6, 3), np.uint8)
    recorder.add(0, {"image": pixels, "text": "x"})
    refs, blobs = recorder.finish()
    recorder.close()
    assert blobs == {} and refs == [
        {"image": f"images/{image_hash(pixels)[:2]}/{image_hash(pixels)}.png"}
    ]


# -- the agents end to end through `vab-gym bench` ------------------------------------------
def solver_actions(env_id: str, task_ids: list[str]) -> dict[str, list[str]]:
    """The program solver's actions per task, played here with the bench's reset seed (0)."""
    import gymnasium as gym

    from vab_gym.agents import make_solver

    env = gym.make(env_id)
    actions: dict[str, list[str]] = {}
    try:
        for task_id in task_ids:
            solver = make_solver(env)
            obs, info = env.reset(seed=0, options={"task_id": task_id})
            solver.reset(env, obs, info)
            actions[task_id] = []
            while True:
                actions[task_id].append(solver.act(obs, info))
                obs, _, terminated, truncated, info = env.step(actions[task_id][-1])
                if terminated or truncated:
                    break
    finally:
        env.close()
    return actions


@pytest.mark.slow
def test_lmm_agent_through_the_bench_cli(tmp_path, monkeypatch, capsys):
    """`vab-gym bench --agent lmm` against tests/fake_openai.py, whose replies carry the
    solver's actions in VAB's Minecraft format (container.py: OBSERVATION/THOUGHT/ACTION)."""
    from tests.fake_openai import FakeOpenAI
    from vab_gym import cli
    from vab_gym.agents.prompting import templates

    tasks = ["mc-test-cake", "mc-test-sugar"]  # the split's first two: 9 and 2 solver steps
    actions = solver_actions(MC, tasks)
    # VAB's Minecraft harness reads "Thought:" and "Action:" as "THOUGHT:" and "ACTION:"
    replies = {
        t: [
            f"Observation: a field.\nThought: 1. step {i} of {t}.\nAction: {a}"
            for i, a in enumerate(actions[t])
        ]
        for t in tasks
    }
    key = "sk-bench-secret-4711"
    monkeypatch.setenv("VAB_TEST_BENCH_KEY", key)
    out = tmp_path / "run"
    with FakeOpenAI([r for t in tasks for r in replies[t]]) as fake:
        url = fake.url
        # an unknown model, or a keyword the agent does not take: named, before any job
        for flags, message in (
            (["--model", "gpt-9"], "does not serve model 'gpt-9'"),
            (["--model", "fake-model", "--param", "tempo=1"], "'tempo'"),
        ):
            assert (
                cli.main(
                    [
                        "bench",
                        "--agent",
                        "lmm",
                        *flags,
                        "--base-url",
                        url,
                        "--envs",
                        MC,
                        "--out",
                        str(out),
                    ]
                )
                == 2
            )
            assert message in " ".join(capsys.readouterr().err.split())
        assert not out.exists() and fake.requests == []
        code = cli.main(
            [
                "bench",
                "--agent",
                "lmm",
                "--model",
                "fake-model",
                "--base-url",
                url,
                "--api-key-env",
                "VAB_TEST_BENCH_KEY",
                "--param",
                "prices={'prompt': 2.5, 'completion': 10.0}",
                "--envs",
                MC,
                "--tasks",
                "2",
                "--out",
                str(out),
            ]
        )
        assert code == 0, capsys.readouterr().out
        assert len(fake.requests) == 11 and not fake.script
        assert {h["authorization"] for h in fake.headers} == {f"Bearer {key}"}
    rows = {r["task_id"]: r for r in read_results(out / "results.jsonl")}
    assert sorted(rows) == sorted(tasks)
    for task_id, steps in (("mc-test-cake", 9), ("mc-test-sugar", 2)):
        r = rows[task_id]
        assert r["success"] and r["error"] is None and r["steps"] == steps
        assert r["invalid_actions"] == 0 and r["agent_errors"] == 0
        # the fake's usage, 1000 prompt + 100 completion tokens a request, at $2.5 and $10 /M
        assert r["tokens"] == {"prompt": 1000 * steps, "completion": 100 * steps}
        assert math.isclose(r["cost"], 0.0035 * steps)
    run = json.loads((out / "run.json").read_text())
    agent = run["agent"]
    assert (agent["class"], agent["model"], agent["base_url"], agent["temperature"]) == (
        "LMMAgent",
        "fake-model",
        url,
        0.0,
    )
    assert agent["prices"] == {"prompt": 2.5, "completion": 10.0}
    folder = ROOT / "vab_gym" / "agents" / "prompts"
    assert (
        agent["prompts"][MC] == hashlib.sha256((folder / "minecraft.yaml").read_bytes()).hexdigest()
    )
    assert set(agent["prompts"]) == set(templates())
    for path in out.rglob("*"):  # the key is in no file of the run
        assert not path.is_file() or key.encode() not in path.read_bytes(), path
    episodes = {e["task_id"]: e for e in EpisodeStore(out)}
    for task_id in tasks:
        steps = episodes[task_id]["steps"]
        assert [s["reply"] for s in steps] == replies[task_id]
        assert [s["action"] for s in steps] == [
            r.replace("Observation:", "OBSERVATION:")
            .replace("Thought:", "THOUGHT:")
            .replace("Action:", "ACTION:")
            for r in replies[task_id]
        ]
        assert [s["action_error"] for s in steps] == [None] * len(actions[task_id])
    board = (out / "leaderboard.md").read_text()
    assert "| fake-model | 100.0* | — | 100.0 ± 0.0 | — | — | — |" in board
    summary = json.loads((out / "summary.json").read_text())
    assert summary["tokens"] == {"prompt": 11000, "completion": 1100}
    assert math.isclose(summary["cost"], 0.0385)


@pytest.mark.slow
def test_random_agent_through_the_bench_cli(tmp_path, capsys):
    from vab_gym import cli

    out = tmp_path / "run"
    code = cli.main(
        ["bench", "--agent", "random", "--envs", "VAB-CSS-v0", "--tasks", "1", "--out", str(out)]
    )
    assert code == 0, capsys.readouterr().out
    (row_,) = read_results(out / "results.jsonl")
    assert row_["task_id"] == "css-test-0000" and row_["error"] is None
    # a random edit almost never fixes the page: VAB-CSS's 10 rounds run out
    assert row_["steps"] == 10 and row_["truncated"] and not row_["success"]
    assert json.loads((out / "run.json").read_text())["agent"]["class"] == "RandomAgent"
    (episode,) = EpisodeStore(out)
    assert len(episode["steps"]) == 10
    assert "| random | 0.0* | — | — | — | — | 0.0 ± 0.0 |" in (out / "leaderboard.md").read_text()


def test_mobile_metrics_are_the_verdicts():
    """The bench reads Sub-SR, RRR and ROR from VAB-Mobile's verdict (the env computes them
    as AndroidLab does); rows without a verdict give none."""
    from vab_gym.agents.base import EpisodeResult
    from vab_gym.bench.jobs import env_metrics

    result = EpisodeResult(
        "clock_1",
        "embedded",
        judge={"details": {"sub_sr": 1.0, "rrr": 0.8, "ror": 0.75, "steps": 5}},
        success=True,
    )
    assert env_metrics("VAB-Mobile-v0", result, None) == {"sub_sr": 1.0, "rrr": 0.8, "ror": 0.75}
    rows = [
        row("VAB-Mobile-v0", True, metrics={"sub_sr": 1.0, "rrr": 0.8, "ror": 1.0}),
        row("VAB-Mobile-v0", False, metrics={"sub_sr": 0.5, "rrr": None, "ror": 0.5}),
        {**row("VAB-Mobile-v0", False), "error": "timeout", "steps": 0},
    ]
    mobile = summarize(rows, "m")["envs"]["VAB-Mobile-v0"]
    # Sub-SR over all 3 tasks; RRR over the completed one; ROR over the 2 played
    assert (mobile["sub_sr"], mobile["rrr"], mobile["ror"]) == (50.0, 80.0, 75.0)
    assert "Sub-SR 50.0%, RRR 80.0%, ROR 75.0%" in leaderboard_markdown(summarize(rows, "m"))


@pytest.mark.slow  # ~25 s: the embedded phone starts Chromium, 23 solver steps
def test_mobile_through_the_bench(tmp_path, capsys):
    from vab_gym import cli

    out = tmp_path / "run"
    code = cli.main(
        ["bench", "--agent", "solver", "--envs", "VAB-Mobile-v0", "--tasks", "2", "--out", str(out)]
    )
    assert code == 0, capsys.readouterr().out
    rows = {r["task_id"]: r for r in read_results(out / "results.jsonl")}
    assert sorted(rows) == ["clock_1", "clock_2"] and all(r["success"] for r in rows.values())
    # RRR: AndroidLab's human step counts (ground_truth_length.json: clock_1 8, clock_2 10)
    # over the episode's; the solver's screens change after every action (ROR 1)
    rrr = (8 / rows["clock_1"]["steps"] + 10 / rows["clock_2"]["steps"]) / 2
    mobile = json.loads((out / "summary.json").read_text())["envs"]["VAB-Mobile-v0"]
    assert mobile["success_rate"] == 100.0 and mobile["sub_sr"] == 100.0
    assert math.isclose(mobile["rrr"], 100 * rrr) and mobile["ror"] == 100.0
    board = (out / "leaderboard.md").read_text()
    assert "| solver | 100.0* | — | — | 100.0 ± 0.0 | — | — |" in board
    assert f"Sub-SR 100.0%, RRR {100 * rrr:.1f}%, ROR 100.0%" in board


def test_a_store_given_a_relative_path_reads_back_its_episodes(tmp_path, monkeypatch):
    """`vab-gym export data ...` names the store relative to the working directory."""
    monkeypatch.chdir(tmp_path)
    EpisodeStore("data").write({"env_id": "VAB-CSS-v0", "id": "a.seed0", "steps": []}, {})
    assert [episode["id"] for episode in EpisodeStore("data")] == ["a.seed0"]
