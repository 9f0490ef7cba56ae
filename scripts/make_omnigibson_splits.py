"""Write VAB-OmniGibson's shipped splits and the bddl support survey.

    python scripts/make_omnigibson_splits.py ../shared/vab-data/omnigibson

test.jsonl: VAB's 181 (activity, scene) pairs, house seed 0. train.jsonl: 300 tasks of the
bddl activities the simulator runs (not the test activities), seed 0. survey.json: for each
of bddl's 1016 activities, whether it runs and why not.
"""

from __future__ import annotations

import json
import sys
from collections import Counter
from pathlib import Path

from vab_gym.core.tasks import write_jsonl
from vab_gym.envs.omnigibson.tasks import survey, train_tasks, vab_test_tasks

DATA = Path(__file__).resolve().parents[1] / "vab_gym" / "envs" / "omnigibson" / "data"


def main(vab_dir: str) -> None:
    test = vab_test_tasks(vab_dir)
    write_jsonl(test, DATA / "test.jsonl")
    supported = list(survey())
    train = train_tasks(300, 0, exclude={t.setup["activity"] for t in test}, supported=supported)
    write_jsonl(train, DATA / "train.jsonl")
    report = {
        s.activity: {"ok": s.ok, "reason": s.reason, "scenes": list(s.scenes)} for s in supported
    }
    (DATA / "survey.json").write_text(json.dumps(report, indent=1) + "\n")
    reasons = Counter(s.reason.split(" ")[0] for s in supported if not s.ok)
    print(
        f"test {len(test)}; train {len(train)} "
        f"({len({t.setup['activity'] for t in train})} activities); "
        f"{sum(s.ok for s in supported)}/{len(supported)} bddl activities run; "
        f"not: {dict(reasons)}"
    )


if __name__ == "__main__":
    main(sys.argv[1])
