"""Error-recovery episodes of VAB-CSS, VAB-WebArena-Lite and VAB-Mobile: each env's mistake
model (``envs/<env>/mistakes.py``) through :class:`RecoveryAgent` and ``run_episode``.

Each episode must hold one injected mistake that the env carried out (no action error) and
that changed the state, then recovery steps whose thoughts name it and that give the state
back, then the solver's own way to a judged success. The mistakes must never change what
the judge reads (the shop's and the phone's databases end as without them)."""

import re
import sqlite3
import urllib.request

import lxml.html
import numpy as np
import pytest

from tests.splits import split_sample, thin
from vab_gym.agents import make_solver, run_episode
from vab_gym.core.tasks import TaskSet
from vab_gym.envs.css.env import CssEnv
from vab_gym.envs.mobile.env import MobileEnv
from vab_gym.envs.webarena.env import WebArenaEnv
from vab_gym.trajectories.recovery import RecoveryAgent, mistake_model

# The whole module is slow: each test starts browsers, servers or processes of its own.
pytestmark = pytest.mark.slow

# The fixture page's rules (tests/conftest.py CSS), read off its text by hand.
FIXTURE_SELECTORS = {"body", ".site-header", ".nav-links a", ".cards", ".card", ".site-footer"}
WEB_PAGE = """() => ({url: location.href, scroll: window.scrollY,
  values: [...document.querySelectorAll('input, textarea')].map((f) => f.value)})"""


def only(propose, kind):
    """The env's mistake model, kept to one kind (fresh draws until it offers that kind)."""

    def propose_kind(env, obs, info, rng):
        for _ in range(16):
            mistake = propose(env, obs, info, np.random.default_rng(int(rng.integers(2**32))))
            if mistake is not None and mistake.kind == kind:
                return mistake
        return None

    return propose_kind


def play(env, propose, task_id, seed=0, at=None, state=None, max_at=4):
    """One recovery episode; ``state(env)`` after the reset and after every step."""
    agent = RecoveryAgent(
        make_solver(env), propose, np.random.default_rng(seed), at=at, max_at=max_at
    )
    states = [] if state else None
    result = run_episode(
        env,
        agent,
        task_id=task_id,
        on_step=(lambda *_: states.append(state(env))) if state else None,
    )
    return result, states


def recovered(result, states):
    """Check the episode's shape; the injected step's mistake record and the recovery's
    (action, thought) pairs."""
    steps = result.steps
    marked = [i for i, s in enumerate(steps) if (s.agent or {}).get("injected")]
    assert len(marked) == 1, [s.action for s in steps]
    k = marked[0]
    assert all(s.info["action_error"] is None for s in steps), [
        (s.action, s.info["action_error"]) for s in steps if s.info["action_error"]
    ]
    undo = [s for s in steps[k + 1 :] if (s.agent or {}).get("recovery")]
    assert undo and all((s.agent or {}).get("recovery") for s in steps[k + 1 : k + 1 + len(undo)])
    assert not any((s.agent or {}).get("recovery") for s in steps[:k])
    assert all((s.agent or {}).get("thought") for s in steps), "a step without a rationale"
    # states[i] is the state after step i (states[0]: after the reset)
    assert states[k + 1] != states[k], "the mistake changed nothing"
    assert states[k + 1 + len(undo)] == states[k], "the recovery did not give the state back"
    assert result.success, result.judge
    return steps[k].agent["mistake"], [(s.action, s.agent["thought"]) for s in undo]


def dump(path) -> list[str]:
    """A database as SQL, with times of day blanked (the shop stamps rows with the clock)."""
    with sqlite3.connect(path) as conn:
        return [re.sub(r"\d{2}:\d{2}:\d{2}", "hh:mm:ss", line) for line in conn.iterdump()]


# -- VAB-CSS ---------------------------------------------------------------------------------
def css_state(env):
    return env.unwrapped.stylesheet.css()


def test_css_wrong_value_is_reverted_and_the_solver_repairs_the_page(env):
    result, states = play(
        env, only(mistake_model(env), "wrong_value"), "grid-gone", at=1, state=css_state
    )
    mistake, undo = recovered(result, states)
    [(action, thought)] = undo
    assert action == "revert_last_edit()"  # VAB's call
    assert mistake["selector"] == ".cards" and mistake["property"] == "display"
    assert mistake["value"] not in ("grid", "block")  # neither the right one nor the broken
    assert mistake["action"] == f"edit_rule('.cards', 'display', '{mistake['value']}')"
    assert f"display: {mistake['value']};" in states[1]
    assert f"display: {mistake['value']}" in thought and "'.cards'" in thought


@pytest.mark.parametrize(
    ("task", "broken", "fixes"),
    [
        (
            "card-rule-gone",
            ".card",
            {"height": "240px", "background-color": "#e63946", "color": "#ffffff"},
        ),
        ("grid-gone", ".cards", {"display": "grid"}),
    ],
)
def test_css_wrong_selector_edits_another_real_rule(env, task, broken, fixes):
    result, states = play(
        env, only(mistake_model(env), "wrong_selector"), task, seed=3, at=1, state=css_state
    )
    mistake, undo = recovered(result, states)
    [(action, thought)] = undo
    assert action == "revert_last_edit()"
    assert mistake["selector"] in FIXTURE_SELECTORS - {broken}
    assert fixes[mistake["property"]] == mistake["value"]  # the repair, on the wrong rule
    assert f"'{mistake['selector']}'" in thought and mistake["property"] in thought


def test_css_solver_steps_say_why(tasks):
    from vab_gym.envs.css.solver import plan

    steps = plan(tasks["grid-gone"])
    assert [a for a, _ in steps] == [
        "select_rule('.cards')",
        "edit_rule('.cards', 'display', 'grid')",
        "done()",
    ]
    assert "'.cards'" in steps[0][1] and "layout" in steps[0][1]
    assert "display to block" in steps[1][1] and "to grid" in steps[1][1]
    insert, _ = plan(tasks["card-rule-gone"])
    assert "'.card'" in insert[1] and "height: 240px" in insert[1]


def test_css_offers_no_mistake_once_the_page_is_repaired(env):
    from vab_gym.envs.css.mistakes import propose

    obs, info = env.reset(options={"task_id": "grid-gone"})
    assert propose(env, obs, info, np.random.default_rng(0)) is not None
    obs, *_, info = env.step("edit_rule('.cards', 'display', 'grid')")
    assert propose(env, obs, info, np.random.default_rng(0)) is None


@pytest.mark.slow
def test_css_shipped_train_task_recovers():
    env = CssEnv(split="train", image_size=(64, 64))
    try:
        task = env.tasks.ids[0]
        result, states = play(env, mistake_model(env), task, seed=1, at=1, state=css_state)
        mistake, undo = recovered(result, states)
        assert [action for action, _ in undo] == ["revert_last_edit()"]
        assert mistake["property"] in undo[0][1] and mistake["selector"] in undo[0][1]
    finally:
        env.close()


# -- VAB-WebArena-Lite -----------------------------------------------------------------------
ADDRESS_TASK = "wal-local-train-240"  # change_address_city: the form, clear City, type, Enter


@pytest.fixture(scope="module")
def web():
    env = WebArenaEnv(split="train")
    yield env
    env.close()


@pytest.fixture(scope="module")
def address_db(web):
    """The shop's database after the solver alone did the address task."""
    assert run_episode(web, make_solver(web), task_id=ADDRESS_TASK).success
    return dump(web.unwrapped._shop.db_path)


def web_state(env):
    web = env.unwrapped
    return web.chromium.run(lambda _browser: web.session.page.evaluate(WEB_PAGE))


def test_webarena_wrong_link_goes_back_and_changes_no_state(web, address_db):
    result, states = play(
        web, only(mistake_model(web), "wrong_link"), ADDRESS_TASK, at=2, state=web_state
    )
    mistake, undo = recovered(result, states)
    [(action, thought)] = undo
    assert action == "go_back"  # VAB's action (webarena actions.py)
    assert f"[{mistake['mark']}] '{mistake['link']}'" in thought and mistake["to"] in thought
    k = injected_at(result)
    assert states[k + 1]["url"].endswith(mistake["to"])
    assert states[k + 1]["url"] != states[k]["url"]
    assert dump(web.unwrapped._shop.db_path) == address_db
    thoughts = {s.action.split(" [")[0]: s.agent["thought"] for s in result.steps}
    assert "City field" in thoughts["clear"] and "Enter" in thoughts["type"]


def test_webarena_offers_no_wrong_link_from_a_search_page(web):
    """The shop records every search results page it serves (app.py record_search), so a
    go_back to one would record the search again."""
    from vab_gym.envs.webarena.mistakes import propose

    task = next(t for t in web.tasks if t.metadata["prototype"] == "search_by_price")
    obs, info = web.reset(options={"task_id": task.id})
    solver = make_solver(web)
    solver.reset(web, obs, info)
    obs, *_, info = web.step(solver.act(obs, info))  # the query typed, Enter pressed
    assert "/catalogsearch/result/" in web_state(web)["url"]
    kinds = {
        m.kind for seed in range(8) if (m := propose(web, obs, info, np.random.default_rng(seed)))
    }
    assert "wrong_link" not in kinds


def injected_at(result):
    return next(i for i, s in enumerate(result.steps) if (s.agent or {}).get("injected"))


def test_webarena_wrong_text_is_cleared_and_changes_no_state(web, address_db):
    result, states = play(
        web, only(mistake_model(web), "wrong_text"), ADDRESS_TASK, at=3, state=web_state
    )
    mistake, undo = recovered(result, states)
    [(action, thought)] = undo
    assert mistake["meant"] == web.unwrapped.task.metadata["solution"]["city"]
    assert mistake["typed"] != mistake["meant"]
    assert sorted(mistake["typed"]) == sorted(mistake["meant"])  # two letters swapped
    assert action == f"clear [{mistake['mark']}]" and f"'{mistake['typed']}'" in thought
    k = injected_at(result)
    assert mistake["typed"] in states[k + 1]["values"]
    assert states[k + 1]["url"] == states[k]["url"]  # typed, nothing submitted
    assert dump(web.unwrapped._shop.db_path) == address_db


# -- VAB-Mobile ------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def phone():
    env = MobileEnv(image_size=(240, 108))
    yield env
    env.close()


def phone_state(env):
    phone = env.unwrapped
    return phone.screen.url, tuple((e.label, e.bounds, e.checked) for e in phone.elements)


def test_mobile_wrong_tap_is_undone_by_back_and_changes_no_state(phone):
    task = "setting_7"  # Settings: Display, then the Dark theme switch
    assert run_episode(phone, make_solver(phone), task_id=task).success
    without = dump(phone.unwrapped.server.db_path)
    result, states = play(
        phone, only(mistake_model(phone), "wrong_tap"), task, at=1, state=phone_state
    )
    mistake, undo = recovered(result, states)
    [(action, thought)] = undo
    assert action == "back()"  # AndroidLab's Back
    assert f"'{mistake['element']}'" in thought
    k = injected_at(result)
    assert states[k + 1][0] == mistake["to"] != states[k][0]
    assert dump(phone.unwrapped.server.db_path) == without
    assert (
        result.steps[-2].agent["thought"] == "The Dark theme switch is off; I tap it to turn it on."
    )


def test_mobile_wrong_taps_lead_only_where_back_returns(phone):
    """On Clock's alarm list the tabs (Clock, Timer...) go back to the launcher, the alarm
    menus to the list: only screens whose Back returns to the list are offered."""
    from vab_gym.envs.mobile.mistakes import propose

    obs, info = phone.reset(options={"task_id": "clock_1"})
    here = phone.unwrapped.screen.url
    offered = {
        m.details["to"]
        for seed in range(12)
        if (m := only(propose, "wrong_tap")(phone, obs, info, np.random.default_rng(seed)))
    }
    assert offered
    for to in offered:  # the screen's own page, read over HTTP, names its Back
        with urllib.request.urlopen(phone.unwrapped.server.base_url + to) as reply:
            assert lxml.html.fromstring(reply.read()).body.get("data-back") == here, to


def test_mobile_wrong_text_is_typed_over(phone):
    task = "contacts_4"
    result, states = play(
        phone, only(mistake_model(phone), "wrong_text"), task, at=1, state=phone_state
    )
    mistake, undo = recovered(result, states)
    [(action, thought)] = undo
    assert action == "text('')" and f"'{mistake['typed']}'" in thought
    assert mistake["typed"] != mistake["meant"] and sorted(mistake["typed"]) == sorted(
        mistake["meant"]
    )
    assert any(label == mistake["typed"] for label, _, _ in states[injected_at(result) + 1][1])


# -- rates over samples (slow) ---------------------------------------------------------------
def rate(env, tasks, max_at, db=None):
    """Recovery episodes over ``tasks``: (with a mistake, of them successful, failures),
    checking each one's shape, and that the database ends as the solver alone leaves it."""
    made = succeeded = same_as_planned = 0
    failures = []
    for n, task in enumerate(tasks):
        without = None
        if db is not None:
            run_episode(env, make_solver(env), task_id=task.id)
            without = dump(db(env))
        result, _ = play(env, mistake_model(env), task.id, seed=n, max_at=max_at)
        if not any((s.agent or {}).get("injected") for s in result.steps):
            continue
        made += 1
        k = injected_at(result)
        after = [s for s in result.steps[k + 1 :] if not (s.agent or {}).get("recovery")]
        same_as_planned += bool(after) and after[0].action == result.steps[k].action
        clean = all(s.info["action_error"] is None for s in result.steps)
        same = without is None or dump(db(env)) == without
        if result.success and clean and same:
            succeeded += 1
        else:
            failures.append((task.id, [s.action for s in result.steps], result.judge))
    print(
        f"{env.unwrapped.env_id}: {succeeded}/{made} recovery episodes succeeded "
        f"({len(tasks) - made} with no mistake offered; {same_as_planned} mistakes were "
        "the planned action itself)"
    )
    for failure in failures:
        print("  failed:", *failure)
    return made, succeeded, failures


@pytest.mark.slow
def test_css_recovery_rate(full_splits):
    tasks = thin(
        list(CssEnv.default_tasks("test"))[::11] + list(CssEnv.default_tasks("train"))[::22],
        full_splits,
    )
    env = CssEnv(tasks=TaskSet(tasks), image_size=(64, 64))
    try:
        made, succeeded, failures = rate(env, tasks, max_at=2)
    finally:
        env.close()
    # a rule inserted back at step 1 leaves no broken rule for a mistake at step 2
    assert made >= 0.6 * len(tasks) and succeeded >= 0.9 * made, failures


@pytest.mark.slow
def test_webarena_recovery_rate(web, full_splits):
    tasks = thin(
        split_sample(list(web.tasks), False, lambda t: t.metadata["prototype"])[::3], full_splits
    )
    made, succeeded, failures = rate(
        web, tasks, max_at=2, db=lambda env: env.unwrapped._shop.db_path
    )
    assert made >= 0.5 * len(tasks) and succeeded >= 0.9 * made, failures


@pytest.mark.slow
def test_mobile_recovery_rate(phone, full_splits):
    tasks = thin([t for t in phone.tasks if t.judge["kind"] != "query"][::4], full_splits)
    made, succeeded, failures = rate(
        phone, tasks, max_at=3, db=lambda env: env.unwrapped.server.db_path
    )
    assert made >= 0.5 * len(tasks) and succeeded >= 0.9 * made, failures
