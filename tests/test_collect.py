"""`vab-gym collect` (issue 13): solver episodes with their model views, fresh train tasks
beyond the shipped split, resume after SIGKILL, LMM bootstrapping that keeps only judged
successes (against tests/fake_openai.py), and recovery episodes that keep only injected,
judged successes (with a small Minecraft mistake model defined here)."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import psutil
import pytest
from rich.console import Console

from tests.fake_openai import FakeOpenAI
from tests.test_agents import css_reply
from vab_gym.bench import EpisodeStore
from vab_gym.bench.runner import read_results
from vab_gym.core.mistakes import Mistake
from vab_gym.core.tasks import TaskSet, package_tasks
from vab_gym.trajectories.collect import CollectOptions, _config_record, env_tasks, run_collect

ROOT = Path(__file__).resolve().parents[1]
MC, CSS = "VAB-Minecraft-v0", "VAB-CSS-v0"
QUIET = Console(file=open(os.devnull, "w"))  # noqa: SIM115  (lives as long as the tests)


def log_rows(store: Path, strategy: str) -> list[dict]:
    return read_results(store / "collect" / f"{strategy}.jsonl")


# -- solver episodes ----------------------------------------------------------------------
@pytest.mark.slow
def test_solver_episodes_on_two_envs_keep_their_model_views(tmp_path):
    out = tmp_path / "store"
    summary = run_collect(
        CollectOptions("solver", out, count=1, envs=f"{MC},{CSS}", split="test", workers=2), QUIET
    )
    rows = {r["task_id"]: r for r in log_rows(out, "solver")}
    assert sorted(rows) == ["css-test-0000", "mc-test-cake"]
    assert all(r["kept_as"] == "success" and r["attempt"] == 1 for r in rows.values())
    assert summary["envs"][MC]["kept"] == 1 and summary["envs"][CSS]["kept"] == 1
    store = EpisodeStore(out)
    episodes = {e["id"]: e for e in store}
    assert sorted(episodes) == ["css-test-0000.solver.1", "mc-test-cake.solver.1"]
    css = episodes["css-test-0000.solver.1"]
    assert (css["strategy"], css["attempt"], css["kept_as"]) == ("solver", 1, "success")
    # VAB-CSS's first message (css_agent/task.py): target, html, current page, instruction
    view = css["reset"]["view"]
    assert view["text"].startswith("Here is the target screenshot.\nHere is the html content.")
    assert view["text"].endswith(css["instruction"]) and len(view["images"]) == 2
    target_path, page_path = view["images"]
    assert target_path != page_path  # other pixels: the page is corrupted
    target = store.image(target_path)
    # a step's view: the feedback after the step, with the edit's screenshot
    assert [s["action"] for s in css["steps"]] == [
        "select_rule('.gallery-grid')",
        "edit_rule('.gallery-grid', 'display', 'grid')",
        "done()",
    ]
    edit = css["steps"][1]["view"]
    assert edit["text"] == css["steps"][1]["text"] and len(edit["images"]) == 1
    assert (store.image(edit["images"][0]) == target).all()  # the fix restores the target
    cake = episodes["mc-test-cake.solver.1"]
    assert (
        [bool(s.get("view")) for s in cake["steps"]] == [True] * len(cake["steps"]) == [True] * 9
    )  # the solver's 9 steps (test_bench.py)
    assert all(
        (out / p).is_file()
        for e in episodes.values()
        for v in [e["reset"]["view"], *(s["view"] for s in e["steps"])]
        for p in v["images"]
    )


@pytest.mark.parametrize(
    "env_id",
    [
        "VAB-Minecraft-v0",
        "VAB-OmniGibson-v0",
        "VAB-WebArena-Lite-v0",
        "VAB-Mobile-v0",
        pytest.param(CSS, marks=pytest.mark.slow),
    ],
)  # CSS renders and corrupts new pages
def test_every_env_names_a_generator_of_fresh_train_tasks(env_id, tmp_path):
    import gymnasium as gym
    from gymnasium.envs.registration import load_env_creator

    from vab_gym.core.registration import load_object

    env_cls = load_env_creator(gym.spec(env_id).entry_point)
    shipped = env_cls.default_tasks("train")
    fresh = load_object(env_cls.fresh_tasks)(2, shipped, tmp_path)
    assert len(fresh) == 2 and not {t.id for t in fresh} & set(shipped.ids)
    assert all(t.env == env_id and t.split == "train" for t in fresh)
    env = gym.make(env_id, tasks=TaskSet(fresh))  # the env takes them (typed setups)
    env.close()


def test_fresh_train_tasks_beyond_the_shipped_split(tmp_path):
    shipped = package_tasks("vab_gym.envs.minecraft", "train")
    tasks, ids = env_tasks(MC, "train", len(shipped) + 3, tmp_path, QUIET)
    assert ids[: len(shipped)] == shipped.ids and len(ids) == len(shipped) + 3
    fresh = tasks[len(shipped) :]
    # minecraft/tasks.train_tasks with seed 1 (the shipped split is seed 0's): new worlds
    assert all(t.id.startswith("mc-train-1-") and t.id not in shipped for t in fresh)
    assert len({t.setup["world_seed"] for t in tasks}) == len(tasks)
    cached = (tmp_path / "tasks" / f"{MC}.jsonl").read_text().splitlines()
    assert [json.loads(line)["id"] for line in cached] == [t.id for t in fresh]
    assert env_tasks(MC, "train", len(shipped) + 2, tmp_path, QUIET)[1] == ids[:-1]

    web = package_tasks("vab_gym.envs.webarena", "train")
    _, more = env_tasks("VAB-WebArena-Lite-v0", "train", len(web) + 4, tmp_path, QUIET)
    fresh_web = more[len(web) :]
    assert len(set(fresh_web)) == 4 and not set(fresh_web) & set(web.ids)
    # a larger count (here: a second round over every prototype) keeps the first fresh
    # tasks as they were, ids included, so a collect can grow
    prototypes = {web[i].metadata["prototype"] for i in web.ids}
    (tmp_path / "tasks" / "VAB-WebArena-Lite-v0.jsonl").unlink()
    _, most = env_tasks(
        "VAB-WebArena-Lite-v0", "train", len(web) + len(prototypes) + 4, tmp_path, QUIET
    )
    assert most[: len(more)] == more and len(most) == len(more) + len(prototypes)


def test_a_split_without_a_generator_is_capped_with_a_message(tmp_path):
    console = Console(file=open(tmp_path / "log", "w"), width=200)  # noqa: SIM115
    test = package_tasks("vab_gym.envs.minecraft", "test")
    tasks, ids = env_tasks(MC, "test", len(test) + 10, tmp_path, console)
    console.file.close()
    assert tasks is None and ids == test.ids
    assert (
        f"{MC}: split 'test' has {len(test)} tasks and no generator here; collecting "
        f"{len(test)}, not {len(test) + 10}"
    ) in (tmp_path / "log").read_text()


# -- resume -------------------------------------------------------------------------------
def _collect_process(out: Path) -> subprocess.Popen:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    return subprocess.Popen(
        [
            sys.executable,
            "-m",
            "vab_gym.cli",
            "collect",
            "--strategy",
            "solver",
            "--envs",
            MC,
            "--split",
            "test",
            "--count",
            "5",
            "--workers",
            "2",
            "--out",
            str(out),
        ],
        env=env,
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )


@pytest.mark.slow  # 16-45 s: three collect processes
def test_a_collect_sigkilled_mid_run_resumes_with_each_episode_once(tmp_path):
    out = tmp_path / "store"
    log = out / "collect" / "solver.jsonl"
    proc = _collect_process(out)
    while not log.exists() or log.read_bytes().count(b"\n") < 1:
        assert proc.poll() is None, proc.stderr.read().decode()
        time.sleep(0.05)
    workers = psutil.Process(proc.pid).children(recursive=True)
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    before = log_rows(out, "solver")
    assert 1 <= len(before) < 5
    _, alive = psutil.wait_procs(workers, timeout=60)
    assert alive == []
    final = _collect_process(out)  # the same command again continues the collect
    assert final.wait(600) == 0, final.stderr.read().decode()
    rows = log_rows(out, "solver")
    test = package_tasks("vab_gym.envs.minecraft", "test").ids[:5]
    assert sorted(r["task_id"] for r in rows) == sorted(test)  # each task exactly once
    assert rows[: len(before)] == before  # the first run's lines are kept as they were
    kept = sorted(f"{r['task_id']}.solver.1.json" for r in rows if r["kept_as"])
    assert sorted(p.name for p in EpisodeStore(out).paths()) == kept and len(kept) >= 4


# -- LMM bootstrapping --------------------------------------------------------------------
def css_plan(task_id: str) -> list[str]:
    from vab_gym.envs.css.solver import plan

    return [
        step if isinstance(step, str) else step[0]
        for step in plan(package_tasks("vab_gym.envs.css", "test")[task_id])
    ]


GIVE_UP = "Thought: the page looks right to me.\nI have fixed the css style"


@pytest.mark.slow  # 25-65 s: five CSS episodes, each judged on full-page screenshots
def test_lmm_keeps_only_judged_successes_and_stops_at_the_first(tmp_path, capsys):
    from vab_gym import cli

    tasks = ["css-test-0000", "css-test-0001", "css-test-0002"]
    solve = {t: [css_reply(None, a) for a in css_plan(t)] for t in tasks}
    # one worker plays in order: every task's attempt 1, then the attempts 2 it earned.
    # 0000 succeeds at once; 0001 gives up twice; 0002 gives up, then succeeds.
    script = [*solve["css-test-0000"], GIVE_UP, GIVE_UP, GIVE_UP, *solve["css-test-0002"]]
    out = tmp_path / "store"
    with FakeOpenAI(script) as fake:
        code = cli.main(
            [
                "collect",
                "--strategy",
                "lmm",
                "--model",
                "fake-model",
                "--base-url",
                fake.url,
                "--envs",
                CSS,
                "--split",
                "test",
                "--count",
                "3",
                "--attempts",
                "2",
                "--temperatures",
                "0,0.7",
                "--out",
                str(out),
            ]
        )
        assert code == 0, capsys.readouterr().out
        assert not fake.script  # no request after a task's first success
        requests = list(fake.requests)
    rows = [
        (r["task_id"], r["attempt"], r["success"], r["kept_as"], r["rejected"])
        for r in log_rows(out, "lmm")
    ]
    assert rows == [
        ("css-test-0000", 1, True, "success", None),
        ("css-test-0001", 1, False, None, "judge"),
        ("css-test-0002", 1, False, None, "judge"),
        ("css-test-0001", 2, False, None, "judge"),
        ("css-test-0002", 2, True, "success", None),
    ]
    episodes = {e["id"]: e for e in EpisodeStore(out)}
    assert sorted(episodes) == ["css-test-0000.lmm.1", "css-test-0002.lmm.2"]
    assert all(e["success"] and e["strategy"] == "lmm" for e in episodes.values())
    second = episodes["css-test-0002.lmm.2"]
    assert (
        second["attempt"] == 2 and [s["reply"] for s in second["steps"]] == solve["css-test-0002"]
    )
    # attempt a asks with seed a - 1 and the a-th temperature
    n = len(solve["css-test-0000"])
    assert [(r["seed"], r["temperature"]) for r in requests] == [(0, 0.0)] * (n + 2) + [
        (1, 0.7)
    ] * (1 + n)
    summary = json.loads((out / "collect" / "lmm-summary.json").read_text())
    assert summary["envs"][CSS]["kept"] == 2
    assert summary["envs"][CSS]["rejected"] == {"judge": 3, "no_mistake": 0, "error": 0}


@pytest.mark.slow  # 25 s: another CSS worker with its Chromium
def test_keep_failures_keeps_the_failed_attempts_flagged(tmp_path):
    from vab_gym.bench import AgentSpec

    out = tmp_path / "store"
    with FakeOpenAI([GIVE_UP, *(css_reply(None, a) for a in css_plan("css-test-0001"))]) as fake:
        run_collect(
            CollectOptions(
                "lmm",
                out,
                count=2,
                envs=CSS,
                split="test",
                agent=AgentSpec("lmm", model="fake-model", base_url=fake.url),
                keep_failures=True,
            ),
            QUIET,
        )
    episodes = {e["id"]: (e["success"], e["kept_as"]) for e in EpisodeStore(out)}
    assert episodes == {
        "css-test-0000.lmm.1": (False, "failure"),
        "css-test-0001.lmm.1": (True, "success"),
    }


# -- recovery -----------------------------------------------------------------------------
def wrong_craft(env, obs, info, rng) -> Mistake | None:
    """A test mistake model for VAB-Minecraft: craft something the inventory allows that is
    not (a recipe of) the target (valid_actions' first such craft), then let the solver
    replan."""
    target = env.unwrapped.task.judge["item"]
    crafts = [
        a for a in env.unwrapped.valid_actions() if a.startswith("craft(") and target not in a
    ]
    if not crafts:
        return None
    return Mistake(
        crafts[0],
        f"I think {crafts[0]} gets me closer to the {target}.",
        "wrong_item",
        replan=True,
        notice=f"{crafts[0]} was a mistake: the {target} does not need it.",
    )


@pytest.mark.slow
def test_recovery_keeps_only_injected_judged_successes(tmp_path):
    out = tmp_path / "store"
    # As if a killed run had written mc-test-sugar's episode but not its log line: the
    # rerun rejects it, and the stale episode must not stay in the store.
    stale = out / EpisodeStore.relative_path(MC, "mc-test-sugar.recovery.1")
    stale.parent.mkdir(parents=True)
    stale.write_text(json.dumps({"id": "mc-test-sugar.recovery.1", "env_id": MC}))
    summary = run_collect(
        CollectOptions(
            "recovery",
            out,
            count=2,
            envs=MC,
            split="test",
            mistakes={MC: "tests.test_collect:wrong_craft"},
            max_at=1,
        ),
        QUIET,
    )
    rows = {r["task_id"]: r for r in log_rows(out, "recovery")}
    # mc-test-sugar: one sugar_cane is gathered, then sugar crafted: nothing else can be
    # crafted from one cane, no mistake, so the success is not kept. mc-test-cake starts
    # with logs (its init_inventory): planks can be crafted at step 1.
    assert rows["mc-test-sugar"]["success"] and rows["mc-test-sugar"]["rejected"] == "no_mistake"
    assert rows["mc-test-cake"]["kept_as"] == "success"
    assert summary["envs"][MC]["rejected"]["no_mistake"] == 1
    (episode,) = EpisodeStore(out)
    assert episode["id"] == "mc-test-cake.recovery.1" and episode["success"]
    injected = [i for i, s in enumerate(episode["steps"]) if s.get("injected")]
    assert len(injected) == 1
    step = episode["steps"][injected[0]]
    assert step["action"].startswith("craft(") and step["mistake"]["kind"] == "wrong_item"
    assert step["mistake"]["replan"] is True and step["action_error"] is None
    after = episode["steps"][injected[0] + 1]
    assert after["thought"].startswith(f"{step['action']} was a mistake: the cake")
    assert episode["agent"]["class"] == "RecoveryAgent"


def test_a_config_with_tuples_still_resumes(tmp_path):
    """The stored config reads back from JSON with lists for tuples; the comparison on
    resume must not refuse the same flags because of it."""
    options = CollectOptions(
        "solver", tmp_path, count=1, envs=MC, env_kwargs={"image_size": (36, 64)}
    )
    stored = json.loads(json.dumps({"config": _config_record(options)}, default=str))
    assert stored["config"] == _config_record(options)
