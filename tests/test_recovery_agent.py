"""RecoveryAgent (vab_gym/trajectories/recovery.py) on its own: where the mistake goes in,
the queue of recovery steps, continuing the plan vs replanning, the notice, and the flags
each step carries. A scripted solver and a stub env: no real env is needed."""

from __future__ import annotations

import numpy as np

from vab_gym.core.mistakes import Mistake
from vab_gym.trajectories.recovery import RecoveryAgent


class PlanSolver:
    """Plays ``plan`` in order; every (re)plan starts again from ``replans[n]`` if given."""

    def __init__(self, plan: list[str], replans: list[list[str]] | None = None) -> None:
        self.plans = [plan, *(replans or [])]
        self.resets = 0
        self.acts = 0
        self.last_step: dict = {}

    def reset(self, env, obs, info) -> None:
        self.plan = list(self.plans[min(self.resets, len(self.plans) - 1)])
        self.resets += 1
        self.seen = obs

    def act(self, obs, info) -> str:
        self.acts += 1
        action = self.plan.pop(0)
        self.last_step = {"thought": f"why {action}"}
        return action


def propose_at(offers: dict[int, Mistake | None], calls: list[int]):
    """A mistake model offering ``offers[n]`` on its n-th call (1-based), else None."""

    def propose(env, obs, info, rng):
        calls.append(obs["step"])
        return offers.get(len(calls))

    return propose


UNDO = Mistake(
    "edit('.a', 'red')",
    "The header looks red in the target.",
    "wrong_value",
    recovery=(("revert()", "Making .a red was wrong: revert it."),),
)


def play(agent: RecoveryAgent, steps: int) -> list[tuple[str, dict]]:
    agent.reset(None, {"step": 0}, {})
    played = []
    for n in range(1, steps + 1):
        action = agent.act({"step": n}, {})
        played.append((action, dict(agent.last_step)))
    return played


def test_the_mistake_its_undo_and_the_planned_action_in_order():
    solver = PlanSolver(["a1", "a2", "a3", "done"])
    calls: list[int] = []
    agent = RecoveryAgent(solver, propose_at({1: UNDO}, calls), np.random.default_rng(0), at=2)
    played = play(agent, 6)
    assert [action for action, _ in played] == [
        "a1",
        "edit('.a', 'red')",
        "revert()",
        "a2",
        "a3",
        "done",
    ]
    first, mistake, undo, planned, *_ = (flags for _, flags in played)
    assert first == {"thought": "why a1"}
    assert mistake == {
        "thought": "The header looks red in the target.",
        "injected": True,
        "mistake": {
            "kind": "wrong_value",
            "action": "edit('.a', 'red')",
            "replan": False,
            "recovery": ["revert()"],
        },
    }
    assert undo == {"thought": "Making .a red was wrong: revert it.", "recovery": True}
    assert planned == {"thought": "why a2"}  # a2 was planned at step 2, played after the undo
    assert calls == [2]  # asked once, at the chosen step; never again after a mistake
    assert solver.acts == 4 and solver.resets == 1  # no replan: the plan went on
    assert agent.mistake is UNDO


def test_a_step_without_an_offer_moves_the_mistake_to_the_next_one():
    solver = PlanSolver(["a1", "a2", "a3", "a4"])
    calls: list[int] = []
    agent = RecoveryAgent(solver, propose_at({3: UNDO}, calls), np.random.default_rng(0), at=1)
    played = play(agent, 5)
    assert calls == [1, 2, 3]
    assert [action for action, _ in played] == ["a1", "a2", "edit('.a', 'red')", "revert()", "a3"]
    assert [bool(flags.get("injected")) for _, flags in played] == [
        False,
        False,
        True,
        False,
        False,
    ]


def test_replan_without_recovery_steps_opens_the_next_thought_with_the_notice():
    wrong = Mistake(
        "craft('planks', 1)",
        "Planks could help.",
        "wrong_item",
        replan=True,
        notice="Crafting planks was a mistake: the cake needs no planks.",
    )
    solver = PlanSolver(["a1", "a2", "a3"], replans=[["b1", "b2"]])
    agent = RecoveryAgent(solver, propose_at({1: wrong}, []), np.random.default_rng(0), at=2)
    played = play(agent, 4)
    # a2 was planned but never played: the solver planned afresh from the state it found
    assert [action for action, _ in played] == ["a1", "craft('planks', 1)", "b1", "b2"]
    assert played[1][1]["injected"] and played[1][1]["mistake"]["replan"] is True
    assert played[2][1] == {
        "thought": "Crafting planks was a mistake: the cake needs no planks. why b1"
    }
    assert played[3][1] == {"thought": "why b2"}  # the notice is said once
    assert solver.resets == 2 and solver.seen == {"step": 3}  # replanned from step 3's obs


def test_replan_after_recovery_steps():
    back = Mistake(
        "click(7)",
        "Link 7 looks like the orders page.",
        "wrong_link",
        recovery=(("go_back()", "Link 7 was the wrong page; go back."),),
        replan=True,
        notice="unused: recovery steps name the mistake",
    )
    solver = PlanSolver(["a1", "a2"], replans=[["c1"]])
    agent = RecoveryAgent(solver, propose_at({1: back}, []), np.random.default_rng(0), at=1)
    played = play(agent, 3)
    assert [action for action, _ in played] == ["click(7)", "go_back()", "c1"]
    assert played[1][1] == {"thought": "Link 7 was the wrong page; go back.", "recovery": True}
    assert played[2][1] == {"thought": "why c1"}


def test_the_step_is_drawn_from_one_to_max_at_per_episode():
    solver = PlanSolver(["a"] * 20)
    agent = RecoveryAgent(solver, propose_at({}, []), np.random.default_rng(5), max_at=3)
    expected = np.random.default_rng(5).integers(1, 4, size=6)  # numpy's own draws
    drawn = []
    for _ in range(6):
        agent.reset(None, {"step": 0}, {})
        drawn.append(agent.inject_at)
    assert drawn == expected.tolist() and set(drawn) <= {1, 2, 3}
    assert agent.describe()["max_at"] == 3


def test_a_mistake_that_is_the_planned_action_waits_for_the_next_step():
    """The mistake model cannot see the solver's plan: offering the planned action as the
    "mistake" would mark a correct step as injected."""
    same = Mistake("a1", "a1 is wrong here.", "wrong_link", recovery=(("back", "Undo a1."),))
    agent = RecoveryAgent(
        PlanSolver(["a1", "a2", "done"]),
        propose_at({1: same, 2: UNDO}, []),
        np.random.default_rng(0),
        at=1,
    )
    played = play(agent, 4)
    assert [action for action, _ in played] == ["a1", "edit('.a', 'red')", "revert()", "a2"]
    assert "injected" not in played[0][1] and played[1][1]["injected"]


def test_the_window_comes_from_the_env_class_unless_given():
    class ShortEnv:
        mistake_window = 1

    draws = set()
    for seed in range(20):
        agent = RecoveryAgent(
            PlanSolver(["a", "done"]), propose_at({}, []), np.random.default_rng(seed)
        )
        agent.reset(ShortEnv(), {"step": 0}, {})
        draws.add(agent.inject_at)
    assert draws == {1}
