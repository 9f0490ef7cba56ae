"""Tasks as data, prototype + instantiation, and VAB-CSS's task building."""

import json

import numpy as np
import pytest

from vab_gym.core.errors import TaskError
from vab_gym.core.tasks import (
    Task,
    TaskSet,
    package_tasks,
    read_jsonl,
    setup_of,
    setup_record,
    write_jsonl,
)
from vab_gym.core.templates import Prototype, fill, sample_instances
from vab_gym.envs.css import corruptions
from vab_gym.envs.css.stylesheet import Stylesheet


def test_jsonl_round_trip_and_errors(tmp_path):
    task = Task("t1", "VAB-CSS-v0", "train", "Do it.", {"site": "x"}, {"type": "j"}, {"m": 1})
    path = tmp_path / "tasks.jsonl"
    assert write_jsonl([task], path) == 1
    assert read_jsonl(path) == [task]
    path.write_text(json.dumps({"id": "t2"}) + "\n")
    with pytest.raises(ValueError, match="lacks"):
        read_jsonl(path)
    with pytest.raises(ValueError, match="duplicate"):
        TaskSet([task, task])
    with pytest.raises(ValueError, match="unknown split"):
        package_tasks("vab_gym.envs.css", "valid")


@setup_record
class _Setup:
    site: str
    seed: int = 0
    kits: list[str] | None = None


def _task(setup):
    return Task("t-1", "VAB-X-v0", "test", "do it", setup, {})


def test_a_setup_record_is_typed_strict_and_names_the_bad_field():
    record = setup_of(_task({"site": "a", "kits": ["water"]}), _Setup)
    assert (record.site, record.seed, record.kits) == ("a", 0, ["water"])
    with pytest.raises(AttributeError):
        record.site = "b"  # frozen
    cases = {
        "setup.seed: Input should be a valid integer (got '3')": {"site": "a", "seed": "3"},
        "setup.site: Field required": {},
        "setup.sitte: Unexpected keyword argument": {"site": "a", "sitte": "b"},
        "setup.kits.1: Input should be a valid string": {"site": "a", "kits": ["w", 2]},
    }
    for bad in (["site", "a"], {1: "a"}):
        with pytest.raises(TaskError, match="setup must be an object with string keys"):
            setup_of(_task(bad), _Setup)
    for message, setup in cases.items():
        with pytest.raises(TaskError) as caught:
            setup_of(_task(setup), _Setup)
        assert str(caught.value).startswith(f"task 't-1': {message}"), str(caught.value)


def test_a_bad_setup_in_a_task_file_names_its_line_and_field(tmp_path):
    path = tmp_path / "tasks.jsonl"
    good, bad = _task({"site": "a"}).to_dict(), _task({"site": "a", "seed": 1.5}).to_dict()
    path.write_text(json.dumps(good) + "\n\n" + json.dumps(bad) + "\n")
    assert len(read_jsonl(path)) == 2  # no record: setups are not looked at
    with pytest.raises(TaskError, match=r"tasks.jsonl:3: bad task: task 't-1': setup.seed"):
        read_jsonl(path, _Setup)


def test_prototype_instantiation_fills_instruction_and_judge():
    proto = Prototype(
        "obtain",
        "Get a {item} ({count}).",
        {"item": "item", "count": "int"},
        {"type": "inventory", "item": "{item}", "keep": "{literal}"},
    )
    task = proto.instantiate(
        {"item": "stick", "count": 2}, task_id="a", env="E", split="train", setup={}
    )
    assert task.instruction == "Get a stick (2)."
    assert task.judge == {"type": "inventory", "item": "stick", "keep": "{literal}"}
    assert task.metadata["prototype"] == "obtain"
    with pytest.raises(ValueError, match="not filled"):
        proto.instantiate({"item": "x"}, task_id="b", env="E", split="train", setup={})
    assert fill(["{a}", {"k": "{a}"}, 3], {"a": 1}) == ["1", {"k": "1"}, 3]


def test_sample_instances_applies_the_filter_and_is_seeded():
    make = lambda n: None if n % 2 else Task(str(n), "E", "train", "", {}, {})  # noqa: E731
    first = sample_instances(range(20), make, 5, np.random.default_rng(3))
    again = sample_instances(range(20), make, 5, np.random.default_rng(3))
    assert [t.id for t in first] == [t.id for t in again] and len(first) == 5
    assert all(int(t.id) % 2 == 0 for t in first)


def test_corruption_candidates_are_grounded_in_the_stylesheet(site):
    sheet = Stylesheet.parse((site / "style.css").read_text())
    found = corruptions.candidates(sheet, np.random.default_rng(0))
    selectors = {r.selector for r in sheet.rules}
    assert found and all(record["selector"] in selectors for _, record in found)
    for proto, record in found:
        rule = sheet.find(record["selector"])
        if "property" in record:
            assert record["old_value"] == rule.declarations[record["property"]]
        broken = corruptions.apply(sheet, record)
        assert broken.css() != sheet.css(), (proto.prototype.id, record)
    kinds = {proto.operation for proto, _ in found}
    assert kinds == {"delete_rule", "delete_property", "change_value"}


def test_human_names():
    assert corruptions.human_name(".nav-links a") == "the links in the nav links"
    assert corruptions.human_name(".hero-title") == "the hero title"
    assert corruptions.human_name("body") == "the page body"


@pytest.mark.slow
def test_build_tasks_from_a_folder_of_sites(site):
    from vab_gym.envs.css.tasks import build_tasks

    report = build_tasks([(str(site), site)], split="train", per_site=2, seed=5)
    assert report.tasks, "the small site should afford visible corruptions"
    for task in report.tasks:
        assert task.split == "train" and task.metadata["initial_distance"] >= 0.2
        assert task.instruction.startswith("Fix the css rules")
    assert report.unsolved == []
