"""The phone's Bluecoins (AndroidLab's bluecoins tasks): the seed against AndroidLab's
standard answers, the transaction goal on states made to pass and to fail, query answers,
the edit screen's strings AndroidLab's judges read, a task by hand, the solver, and the
train split's grounding and variants."""

import numpy as np
import pytest

from tests.mobile_helpers import DbState, finish
from vab_gym.agents.base import make_solver, run_episode
from vab_gym.envs.mobile.apps import by_key
from vab_gym.envs.mobile.apps.bluecoins import data
from vab_gym.envs.mobile.env import MobileEnv
from vab_gym.envs.mobile.judge import answer_matches, judge
from vab_gym.envs.mobile.phone import seed
from vab_gym.envs.mobile.phone.formats import long_date
from vab_gym.envs.mobile.tasks import judges

NEW = "INSERT INTO transactions (day, type, cents, category, item, notes) VALUES "
SEEDED = "UPDATE transactions SET {} WHERE orig_date = '{}' AND orig_type = '{}'"


@pytest.fixture(scope="module")
def env():
    env = MobileEnv(image_size=(240, 108))
    yield env
    env.close()


@pytest.fixture
def pristine(tmp_path):
    """The pristine phone database as a judge's state, bluecoins on screen."""
    return DbState.pristine(tmp_path, "bluecoins")


def texts(env):
    return [t for e in env.elements for t in (e.text, e.desc) if t]


def tap(env, accept):
    for number, element in enumerate(env.elements, 1):
        if accept(element):
            _obs, _r, _term, _trunc, info = env.step(f"tap({number})")
            assert info["action_error"] is None
            return
    raise AssertionError(f"not on the screen: {texts(env)}")


def test_the_seed_gives_androidlabs_answers(pristine):
    """evaluation/tasks/bluecoins/bluecoins.py SingleTask_bluecoins_1..5's answers, summed
    by SQL over the seed."""

    def one(query):
        return next(iter(pristine.sql(query)[0].values()))

    assert (
        one("SELECT SUM(cents) FROM transactions WHERE day = '2024-05-10' AND type = 'expense'")
        == 1_140_000
    )  # "11,400.00 CNY"
    assert (
        one("SELECT item FROM transactions WHERE day = '2024-05-03' AND cents = 38888")
        == "Buying cake"
    )
    assert one("SELECT SUM(cents) FROM transactions WHERE day = '2024-05-06'") == 6951
    assert one("SELECT COUNT(*) FROM transactions WHERE day = '2024-05-06'") == 3
    # "this week" of Friday May 10, 2024, whether weeks start on Sunday or on Monday
    for first, last in (("2024-05-05", "2024-05-11"), ("2024-05-06", "2024-05-12")):
        assert (
            one(
                f"SELECT SUM(cents) FROM transactions WHERE category = 'Taxi' AND day "
                f"BETWEEN '{first}' AND '{last}'"
            )
            == 6012
        )  # "60.12 CNY"
    # the records the edit tasks look for first (SingleTask_bluecoins_11..15)
    assert (
        one("SELECT cents FROM transactions WHERE day = '2024-05-15' AND type = 'expense'") == 40000
    )
    assert (
        one("SELECT cents FROM transactions WHERE day = '2024-05-12' AND type = 'income'")
        == 1_800_000
    )
    assert one("SELECT COUNT(*) FROM transactions WHERE day = '2024-05-13'") == 1
    assert one("SELECT COUNT(*) FROM transactions WHERE day = '2024-05-02'") == 1
    assert (
        one("SELECT cents FROM transactions WHERE day = '2024-05-12' AND type = 'expense'") == 79420
    )


@pytest.mark.parametrize(
    ("reply", "value", "ok"),
    [
        ("You spent 11,400.00 CNY on May 10.", 11400, True),
        ("11400", 11400, True),
        ("11,400.01 CNY", 11400, False),
        ("1,140 CNY", 11400, False),
        ("60.12 CNY", 60.12, True),
        ("about 60.13", 60.12, False),
    ],
)
def test_the_amount_rule(reply, value, ok):
    assert answer_matches(reply, {"type": "amount", "value": value}) is ok


def test_money_is_read_and_written_as_the_app_shows_it():
    assert data.parse_cents("18,250") == 1_825_000
    assert data.parse_cents("936.02") == 93602
    assert data.parse_cents("3.1") == 310
    assert data.parse_cents("12a") is None
    assert data.money(1_140_000) == "11,400.00"
    assert data.plain_amount(1_800_000) == "18000.00"  # SingleTask_bluecoins_12's "18000.00"


@pytest.mark.parametrize(
    ("task_id", "changes", "success", "progress"),
    [
        ("bluecoins_6", [NEW + "('2024-05-10', 'expense', 51200, 'Food', '', '')"], True, 1.0),
        ("bluecoins_6", [NEW + "('2024-05-10', 'income', 51200, 'Gift', '', '')"], False, 2 / 3),
        ("bluecoins_6", [SEEDED.format("cents = 51200", "2024-05-13", "expense")], False, 0.0),
        (
            "bluecoins_9",
            [NEW + "('2024-03-08', 'income', 314, 'Gift', '', 'Weixin red packet')"],
            True,
            1.0,
        ),
        (
            "bluecoins_9",
            [NEW + "('2024-03-08', 'income', 314, 'Gift', 'red packet', '')"],
            False,
            4 / 5,
        ),
        ("bluecoins_11", [SEEDED.format("cents = 50000", "2024-05-15", "expense")], True, 1.0),
        ("bluecoins_11", [NEW + "('2024-05-15', 'expense', 50000, 'Bills', '', '')"], False, 2 / 3),
        (
            "bluecoins_12",
            [SEEDED.format("cents = 1825000, day = '2024-05-10'", "2024-05-12", "income")],
            True,
            1.0,
        ),
        ("bluecoins_12", [SEEDED.format("cents = 1825000", "2024-05-12", "income")], False, 2 / 3),
        (
            "bluecoins_13",
            [SEEDED.format("type = 'income', item = 'Gift'", "2024-05-13", "expense")],
            True,
            1.0,
        ),
        ("bluecoins_13", [SEEDED.format("type = 'income'", "2024-05-13", "expense")], False, 3 / 4),
        (
            "bluecoins_15",
            [
                SEEDED.format(
                    "cents = 93602, day = '2024-05-13', item = 'Grocery Shopping'",
                    "2024-05-12",
                    "expense",
                )
            ],
            True,
            1.0,
        ),
        (
            "bluecoins_15",
            [SEEDED.format("cents = 93602, item = 'Grocery Shopping'", "2024-05-12", "expense")],
            False,
            3 / 4,
        ),
    ],
)
def test_transaction_goal(pristine, task_id, changes, success, progress):
    """The task's judge on the pristine database changed by ``changes`` (SQL)."""
    for change in changes:
        pristine.execute(change)
    spec = {k: v for k, v in judges()[task_id].items() if k != "differs"}
    outcome = judge(spec, pristine, None)
    assert outcome.complete is success
    assert outcome.progress == pytest.approx(progress)


@pytest.mark.parametrize(
    ("task_id", "answer", "success"),
    [
        ("bluecoins_1", "You spent 11,400.00 CNY.", True),
        ("bluecoins_1", "11,365.58 CNY", False),
        ("bluecoins_2", "It was for buying cake.", True),
        ("bluecoins_2", "Books", False),
        ("bluecoins_3", "69.51 CNY in total", True),
        ("bluecoins_4", "Three transactions", True),
        ("bluecoins_4", "2", False),
        ("bluecoins_5", "60.12", True),
        ("bluecoins_5", "85.12 CNY", False),
    ],
)
def test_query_answers(pristine, task_id, answer, success):
    outcome = judge(judges()[task_id], pristine, answer)
    assert outcome.complete is success


def test_an_answer_through_finish(env):
    env.reset(options={"task_id": "bluecoins_1"})
    reward, info = finish(env, "You spent 11,400.00 CNY.")
    assert info["success"] and reward == 1.0


def test_the_edit_screen_shows_what_androidlabs_judges_read(env):
    """extract_bills_NewEditBK: the type, the date "May 15, 2024", the amount EditText
    beside "CNY" ("400.00"), the "-"/"+" sign and the note fields' hints."""
    env.reset(options={"task_id": "bluecoins_11"})
    tap(env, lambda e: e.desc.startswith("Expense, May 15, 2024, -400.00 CNY"))
    shown = texts(env)
    assert {"Expense", "May 15, 2024", "CNY", "-", "Payee or item purchased", "Notes"} <= set(shown)
    amount = next(e for e in env.elements if e.desc == "Amount")
    assert amount.cls == "EditText" and amount.text == "400.00"
    tap(env, lambda e: e.cls == "TabView" and e.text == "Income")
    assert {"Income", "+", "Name of income"} <= set(texts(env))


def test_an_expense_logged_by_hand(env):
    """bluecoins_6 through taps: add, Expense, the amount, Save."""
    env.reset(options={"task_id": "bluecoins_6"})
    tap(env, lambda e: e.desc == "Add transaction")
    tap(env, lambda e: e.text == "Expense")
    tap(env, lambda e: e.desc == "Amount")
    env.step("text('512')")
    tap(env, lambda e: e.desc == "Save")
    assert "-512.00 CNY" in texts(env)  # the day's list shows it
    reward, info = finish(env)
    assert info["success"] and reward == 1.0


@pytest.mark.parametrize("task_id", ["bluecoins_11", "bluecoins_13"])
def test_the_solver_solves_a_sample(env, task_id):
    result = run_episode(env, make_solver(env), task_id=task_id)
    assert result.success, result.judge
    assert all(step.info["action_error"] is None for step in result.steps)


def _database(tmp_path, name, variant):
    seed.build(tmp_path / f"{name}.db")
    conn = seed.connect(tmp_path / f"{name}.db")
    with conn:
        data.vary(conn, np.random.default_rng(variant))
    return conn


def test_variants_and_groundings_are_reproducible(tmp_path):
    app = by_key()["bluecoins"]
    first, again = _database(tmp_path, "a", 3), _database(tmp_path, "b", 3)
    other = _database(tmp_path, "c", 4)
    rows = [tuple(r) for r in first.execute("SELECT * FROM transactions")]
    assert rows == [tuple(r) for r in again.execute("SELECT * FROM transactions")]
    assert rows != [tuple(r) for r in other.execute("SELECT * FROM transactions")]
    assert len(rows) > len(data.TRANSACTIONS)
    added_days = {r[1] for r in rows[len(data.TRANSACTIONS) :]}
    assert len(added_days) > 1  # spread over days, so days' totals change
    for prototype in app.prototypes:
        one = app.ground(first, np.random.default_rng(7), prototype)
        assert one == app.ground(again, np.random.default_rng(7), prototype), prototype.id


def test_a_grounded_answer_is_the_varied_data(tmp_path):
    app = by_key()["bluecoins"]
    conn = _database(tmp_path, "a", 6)
    prototype = next(p for p in app.prototypes if p.id == "bluecoins_spent_on")
    filling = app.ground(conn, np.random.default_rng(2), prototype)
    day = next(
        r["day"]
        for r in conn.execute("SELECT DISTINCT day FROM transactions")
        if long_date(r["day"]) == filling["date_text"]
    )
    spent = conn.execute(
        "SELECT SUM(cents) FROM transactions WHERE day = ? AND type = 'expense'", (day,)
    ).fetchone()[0]
    task = prototype.instantiate(filling, task_id="t", env="VAB-Mobile-v0", split="train", setup={})
    assert answer_matches(f"I spent {spent / 100:.2f} CNY", task.judge["match"])
    assert not answer_matches(f"I spent {(spent + 1) / 100:.2f} CNY", task.judge["match"])


@pytest.mark.parametrize(
    ("reply", "ok"), [("It was 11,650.02 CNY", True), ("11650.02", True), ("11,650.03 CNY", False)]
)
def test_a_grouped_stored_amount_is_read_as_a_number(reply, ok):
    """Train answers are stored as the app shows them ("11,650.02"): the rule reads them as
    numbers instead of raising at the agent's finish (bluecoins_train_15 crashed so)."""
    assert answer_matches(reply, {"type": "amount", "value": "11,650.02"}) is ok
