"""The cost of VAB-WebArena-Lite's grounding (``valid_actions``) on the local shop.

    python benchmarks/bench_webarena_grounding.py [--rounds 5] [--out FILE]

Each round resets a logged-in task and walks six states (the home page, a product page,
the review form scrolled to its fields, search results, an address form, a new empty tab);
in each, ``valid_actions()`` is timed twice: the first call of a state reads the page once
(scroll position and history, one ``page.evaluate``) and builds the list, the second
finds that read cached and only builds the list. The step that reached the state is timed
too, for scale, and the length of each list is kept.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from common import machine, summary, timed

from vab_gym.core.tasks import Task, TaskSet
from vab_gym.envs.webarena.env import WebArenaEnv

TASK = Task(
    "bench",
    "VAB-WebArena-Lite-v0",
    "test",
    'Write a review of Purely Vanilla Body Butter, 6.7 oz titled "Smells great".',
    {"sites": ["shopping"], "start_url": "__SHOPPING__", "require_login": True},
    {"eval_types": ["string_match"], "reference_answers": {"exact_match": "x"}},
)
SHOP = "http://onestopmarket.com"  # VAB's alias, which the env maps to the local shop
WALK = (
    ("home", None),
    ("product page", f"goto [{SHOP}/purely-vanilla-body-butter-6-7-oz.html]"),
    ("review form", f"goto [{SHOP}/review/product/list/id/319/]"),
    ("review form, scrolled", "scroll [down]"),
    ("search results", f"goto [{SHOP}/catalogsearch/result/?q=coffee]"),
    ("address form", f"goto [{SHOP}/customer/address/edit/id/1/]"),
    ("new tab", "new_tab"),
)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--out", default="benchmarks/results/webarena_grounding.json")
    args = parser.parse_args()
    env = WebArenaEnv(tasks=TaskSet([TASK]))
    first, cached, steps, lengths = [], [], [], {}
    try:
        env.reset(options={"task_id": "bench"})
        env.valid_actions()  # warm-up: imports, the regexes' compilation
        for _ in range(args.rounds):
            env.reset(options={"task_id": "bench"})
            for name, action in WALK:
                if action is not None:
                    seconds, (_, _, _, _, info) = timed(lambda a=action: env.step(a))
                    assert info["action_error"] is None, (action, info["action_error"])
                    steps.append(seconds)
                seconds, calls = timed(env.valid_actions)
                first.append(seconds)
                seconds, again = timed(env.valid_actions)
                cached.append(seconds)
                assert again == calls
                lengths[name] = len(calls)
    finally:
        env.close()
    report = {
        "machine": machine(),
        "rounds": args.rounds,
        "states": len(WALK),
        "valid_actions_first": summary(first),
        "valid_actions_cached": summary(cached),
        "step": summary(steps),
        "calls_per_state": lengths,
    }
    Path(args.out).write_text(json.dumps(report, indent=2) + "\n")
    print(json.dumps(report, indent=2))


if __name__ == "__main__":
    main()
