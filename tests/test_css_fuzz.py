"""Hostile and random actions never raise, never run code, and always get feedback."""

from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings

from tests.strategies import actions

MARKER = Path("/tmp/vab-gym-fuzz-pwned")

HOSTILE = [
    "",
    " ",
    "(",
    ")",
    "done(",
    "edit_rule('a', 'b'",
    "edit_rule(\"a', 'b', 'c')",
    "x" * 1_000_000,
    "edit_rule('.card', 'color', '" + "r" * 1_000_000 + "')",
    "select_rule(" * 500,
    "[" * 10_000,
    "edit_rule('.card', 'color', 'red; } body { display: none')",
    "edit_rule('.card', 'color', '</style><script>alert(1)</script>')",
    "insert_rule('} body', {'display': 'none'})",
    "insert_rule('.x', {'color': 'red} * {display:none'})",
    "insert_rule('.x', {})",
    "insert_rule('.x', 'color: red')",
    f"get_selectors_by_html_elements(\"__import__('os').system('touch {MARKER}')\")",
    f"get_selectors_by_html_elements(\"'a', class_=open('{MARKER}', 'w'))\")",
    f"__import__('os').system('touch {MARKER}')",
    "get_selectors_by_html_elements(\"'div', attrs={'class': ['a', {'b': 1}]}\")",
    "get_selectors_by_html_elements(attrs={1: 2})",
    "select_rule(1)",
    "edit_rule(None, None, None)",
    "edit_rule(*['a', 'b', 'c'])",
    "edit_rule('.card', 'col or', 'red')",
    "edit_rule('.card', 'color', 10**10000)",
    "done(1)",
    "revert_last_edit(force=True)",
    "lambda: 1",
    "1 + 1",
    "done() + done()",
    "\x00\x01\x02",
    "select_rule('\ud800')",
    "select_rule('🙂' * 1000)",
    "ＳＥＬＥＣＴ_ＲＵＬＥ('a')",
    "select_rule('\u202e.card')",
    "edit_rule('.card', '\u0000', 'red')",
    "Action: edit_rule('.card', 'height', '1e9px')",
    "edit_rule('body', 'height', '999999999px')",
    "edit_rule('body', 'display', 'none')",
]


def _check_step(env, action):
    obs, reward, terminated, truncated, info = env.step(action)
    assert isinstance(obs["text"], str) and obs["text"].strip()
    assert env.observation_space.contains(obs)
    assert info["action_error"] is None or isinstance(info["action_error"], str)
    assert reward in (0.0, 1.0)
    if terminated or truncated:
        env.reset(options={"task_id": "grid-gone"})
    assert not MARKER.exists()


@pytest.fixture
def fresh(env):
    MARKER.unlink(missing_ok=True)
    env.reset(options={"task_id": "grid-gone"})
    return env


@pytest.mark.parametrize("action", HOSTILE, ids=range(len(HOSTILE)))
def test_hostile_actions(fresh, action):
    _check_step(fresh, action)


def test_non_string_actions(fresh):
    for action in (None, 42, 3.5, b"done()", ["done()"], {"a": 1}, object()):
        _obs, _, _, _, info = fresh.step(action)
        assert "must be a string" in info["action_error"]


@settings(max_examples=150, deadline=None, suppress_health_check=list(HealthCheck))
@given(
    action=actions(
        [
            "select_rule",
            "edit_rule",
            "insert_rule",
            "revert_last_edit",
            "get_selectors_by_html_elements",
            "done",
        ]
    )
)
@pytest.mark.slow
def test_random_actions(fresh, action):
    _check_step(fresh, action)


def test_an_argument_list_over_the_action_limit_is_refused_in_words(fresh):
    """VAB splits a call's arguments with shlex, which takes quadratic time: a 1 MB value
    took 15 s to be refused as too long a value; the call is refused at once instead."""
    from vab_gym.core.actions import MAX_ACTION_CHARS

    before = fresh.stylesheet.css()
    _obs, reward, terminated, _, info = fresh.step(
        "edit_rule('.card', 'color', '" + "r" * 1_000_000 + "')"
    )
    assert info["action_error"] == (
        f"edit_rule's arguments are too long (1000020 characters, limit {MAX_ACTION_CHARS})."
    )
    assert reward == 0.0 and not terminated
    assert fresh.stylesheet.css() == before
