"""WebArena-Lite's 165 test tasks (VAB's re-checked subset of WebArena) as package data.

``python -m vab_gym.envs.webarena.lite path/to/test_webarena_lite.raw.json`` converts VAB's
``test_webarena_lite.raw.json`` into ``data/webarena_lite.jsonl``. Configs keep WebArena's
``__SITE__`` URL placeholders; the env substitutes the configured site URLs at reset.
WebArena's ``storage_state`` files are dropped: the env logs in itself.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

from vab_gym.core.tasks import Task, write_jsonl

ENV_ID = "VAB-WebArena-Lite-v0"
SOURCE = "VAB-WebArena-Lite test_webarena_lite.raw.json"
DATA_PATH = Path(__file__).parent / "data" / "webarena_lite.jsonl"


def to_task(config: dict[str, Any]) -> Task:
    """One WebArena config as a task of the project's format."""
    setup = {key: config[key] for key in
             ("sites", "start_url", "require_login", "require_reset", "geolocation")}
    return Task(
        id=f"wal-test-{config['task_id']}",
        env=ENV_ID,
        split="test",
        instruction=config["intent"],
        setup={**setup, "backend": "webarena"},
        judge=config["eval"],
        metadata={"intent_template_id": config["intent_template_id"],
                  "old_task_id": config["old_task_id"], "source": SOURCE},
    )


def convert(raw_path: str | Path) -> list[Task]:
    """The tasks of a WebArena-Lite raw file (a JSON list of WebArena configs), in order."""
    configs = json.loads(Path(raw_path).read_text(encoding="utf-8"))
    return [to_task(config) for config in configs]


def main(argv: list[str]) -> None:
    if len(argv) != 1:
        sys.exit("usage: python -m vab_gym.envs.webarena.lite path/to/test_webarena_lite.raw.json")
    DATA_PATH.parent.mkdir(exist_ok=True)
    count = write_jsonl(convert(argv[0]), DATA_PATH)
    print(f"wrote {count} tasks to {DATA_PATH}")


if __name__ == "__main__":
    main(sys.argv[1:])
