"""Mistakes a user meets: constructor arguments refused in words, the command line answering
in one message with the fix, and the error tree callers catch."""

import dataclasses
import io

import gymnasium as gym
import pytest
from rich.console import Console

import vab_gym
from vab_gym import cli
from vab_gym.core.errors import BackendUnavailable, TaskError, VabError
from vab_gym.core.tasks import TaskSet

BAD_ARGUMENTS = [
    ({"image_size": (0, 0)}, r"image_size\[0\] \(height\)=0: must be from 1 to 4096"),
    ({"image_size": (64, -3)}, r"image_size\[1\] \(width\)=-3"),
    ({"image_size": (64,)}, r"image_size=\(64,\): give \(height, width\)"),
    ({"image_size": "64x64"}, r"image_size='64x64'"),
    ({"image_size": (10**6, 64)}, r"must be from 1 to 4096"),
    ({"image_size": (64.5, 64)}, r"give a whole number"),
    ({"max_steps": -1}, r"max_steps=-1: must be >= 1"),
    ({"max_steps": 0}, r"max_steps=0"),
    ({"max_steps": True}, r"max_steps=True: give a whole number"),
    ({"reward_mode": "dense"}, r"reward_mode='dense': choose one of 'sparse', 'progress'"),
    ({"backend": "nope"}, r"backend='nope': choose one of"),
    ({"split": 3}, r"split=3"),
    ({"early_stop": 3}, r"early_stop=3: give an EarlyStop"),
    ({"render_mode": "ansi"}, r"render_mode='ansi'"),
]


@pytest.mark.parametrize("env_id", vab_gym.ENVIRONMENTS)
def test_every_env_refuses_bad_arguments_by_name(env_id):
    for kwargs, message in BAD_ARGUMENTS:
        with pytest.raises(ValueError, match=message):
            gym.make(env_id, **kwargs)


@pytest.mark.parametrize("env_id", vab_gym.ENVIRONMENTS)
def test_a_task_file_with_a_misspelt_setup_key_names_its_line_and_field(env_id, tmp_path):
    from vab_gym.core.registration import load_object
    from vab_gym.core.tasks import write_jsonl

    env_cls = load_object(vab_gym.ENVIRONMENTS[env_id])
    task = env_cls.default_tasks("test").ids[0]
    good = env_cls.default_tasks("test")[task]
    key = next(iter(good.setup))
    bad = dataclasses.replace(good, setup={**good.setup, key + "x": good.setup[key]})
    write_jsonl([good, bad], tmp_path / "mine.jsonl")
    with pytest.raises(TaskError, match=rf"mine.jsonl:2: bad task: .*setup.{key}x: Unexpected"):
        gym.make(env_id, tasks=str(tmp_path / "mine.jsonl"))
    wrong = dataclasses.replace(good, setup={**good.setup, key: [object()]})
    with pytest.raises(TaskError, match=rf"{env_id}: task '{task}': setup.{key}"):
        gym.make(env_id, tasks=TaskSet([wrong]))


def test_an_unknown_task_names_the_close_ones():
    env = gym.make("VAB-Minecraft-v0")
    try:
        some = env.unwrapped.tasks.ids[0]
        with pytest.raises(TaskError, match=f"did you mean {some}"):
            env.reset(options={"task_id": some + "x"})
    finally:
        env.close()


def run_cli(capsys, *argv):
    code = cli.main(list(argv))
    out = capsys.readouterr()
    return code, out.out, out.err


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["run", "VAB-CSS-v1"], "vab-gym run: unknown env 'VAB-CSS-v1': did you mean VAB-CSS-v0"),
        (["run", "VAB-Minecraft-v0", "--task", "nope"], "no task 'nope' in split 'test'"),
        (["run", "VAB-Minecraft-v0", "--tasks-file", "/no/such.jsonl"], "/no/such.jsonl"),
        (["run", "VAB-CSS-v0", "--image-size", "0", "0"], "image_size[0] (height)=0"),
        (["css-build", "--out", "/tmp/unused.jsonl"], "give --sites DIR or --generate N"),
        (
            ["export", "/no/such/store", "--format", "trl", "--out", "/tmp/unused"],
            "no episode store at /no/such/store",
        ),
    ],
)
def test_the_command_line_answers_mistakes_without_a_traceback(capsys, argv, message):
    code, _out, err = run_cli(capsys, *argv)
    assert code == 2
    assert message in " ".join(err.split())
    assert "Traceback" not in err


def test_vab_gym_debug_shows_the_traceback(capsys, monkeypatch):
    monkeypatch.setenv("VAB_GYM_DEBUG", "1")
    with pytest.raises(VabError, match="unknown env"):
        cli.main(["run", "VAB-CSS-v1"])


def test_list_shows_whole_env_ids_in_a_narrow_terminal(monkeypatch):
    narrow = Console(width=60, file=io.StringIO())
    monkeypatch.setattr(cli, "console", narrow)
    assert cli.main(["list"]) == 0
    shown = narrow.file.getvalue()
    assert all(env_id in shown for env_id in vab_gym.ENVIRONMENTS)


def test_backend_errors_share_one_root():
    from vab_gym.bench import BenchError
    from vab_gym.core.browser import BrowserHung, BrowserUnavailable
    from vab_gym.envs.mobile.device import DeviceUnavailable
    from vab_gym.envs.webarena.sites import SiteUnavailable

    for error in (BrowserUnavailable, BrowserHung, SiteUnavailable, DeviceUnavailable):
        assert issubclass(error, BackendUnavailable) and issubclass(error, RuntimeError)
    assert issubclass(TaskError, ValueError) and issubclass(BenchError, VabError)
