"""AndroidLab's tasks as the suite's test split.

``python -m vab_gym.envs.mobile.tasks [folder]`` reads AndroidLab's task files
(``evaluation/config/<app>.yaml``; shared/vab-data/androidlab by default) and writes
``data/test.jsonl``: AndroidLab's instruction ("You should use {APP} to complete the
following task: {task}", with the yaml's ``APP``), the app the episode starts in (AndroidLab
launches it), and the judge of ``data/androidlab_judges.yaml`` (Clock, Contacts) or of the
app package's ``judges.yaml``, with the human step count of AndroidLab's
``ground_truth_length.json`` (``data/androidlab_reference_steps.json``) as ``reference_steps``
for the reversed redundancy ratio. Only the apps the embedded phone has so far are converted.
"""

from __future__ import annotations

import json
import sys
from importlib import resources
from pathlib import Path

import yaml

from vab_gym.core.tasks import Task, write_jsonl
from vab_gym.envs.mobile.apps import installed
from vab_gym.envs.mobile.env import MobileEnv, instruction

DEFAULT_SOURCE = Path("/work/shared/vab-data/androidlab")
# AndroidLab's task files (evaluation/config/<name>.yaml) -> the phone's app key.
ANDROIDLAB_FILES = {
    "clock": "clock",
    "contacts": "contacts",
    "calendar": "calendar",
    "setting": "settings",
    "bluecoins": "bluecoins",
    "cantook": "cantook",
    "pimusic": "pimusic",
    "map": "mapme",
    "zoom": "zoom",
}
BUILT_IN = {"clock": "/clock/alarm", "contacts": "/contacts"}  # the others are app packages


def starts() -> dict[str, str]:
    """The launch screen of every app the phone has, by app key."""
    return {**BUILT_IN, **{app.key: app.start for app in installed()}}


def judges() -> dict[str, dict]:
    texts = [(resources.files(__package__) / "data" / "androidlab_judges.yaml").read_text()]
    texts += [
        (app.folder / "judges.yaml").read_text("utf-8")
        for app in installed()
        if (app.folder / "judges.yaml").exists()
    ]
    return {task_id: spec for text in texts for task_id, spec in yaml.safe_load(text).items()}


def reference_steps() -> dict[str, int]:
    """AndroidLab's human step counts per task id (evaluation/tasks/human_ground_turth)."""
    path = resources.files(__package__) / "data" / "androidlab_reference_steps.json"
    return json.loads(path.read_text("utf-8"))


def convert(source: Path) -> list[Task]:
    specs = judges()
    steps = reference_steps()
    tasks = []
    have = starts()
    for name, app in ANDROIDLAB_FILES.items():
        if app not in have:
            continue
        start = have[app]
        config = yaml.safe_load((source / f"{name}.yaml").read_text("utf-8"))
        for entry in config["tasks"]:
            spec = dict(specs[entry["task_id"]])
            differs = spec.pop("differs", None)
            if entry["task_id"] in steps:
                spec["reference_steps"] = steps[entry["task_id"]]
            metadata = {
                "source": f"AndroidLab evaluation/config/{name}.yaml (MIT licence, "
                "data/LICENSE-AndroidLab.txt)",
                "category": entry.get("category", ""),
                "metric_type": entry["metric_type"],
                "package": config["package"],
            }
            if differs:
                metadata["androidlab_judge_differs"] = differs
            tasks.append(
                Task(
                    id=entry["task_id"],
                    env=MobileEnv.env_id,
                    split="test",
                    instruction=instruction(config["APP"], entry["task"].strip()),
                    setup={"app": app, "start": start},
                    judge=spec,
                    metadata=metadata,
                )
            )
    return tasks


def main(argv: list[str]) -> None:
    source = Path(argv[0]) if argv else DEFAULT_SOURCE
    out = Path(str(resources.files(__package__) / "data" / "test.jsonl"))
    print(f"wrote {write_jsonl(convert(source), out)} tasks to {out}")


if __name__ == "__main__":
    main(sys.argv[1:])
