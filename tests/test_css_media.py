"""``@media`` rules: editable when their query applies at the viewport (``media="viewport"``,
the default), out of reach with ``media="none"`` (VAB's behaviour: its ``select_rule`` skips
every rule that is not a top-level style rule)."""

from __future__ import annotations

import pytest

import vab_gym
from tests.conftest import make_task
from vab_gym.envs.css.env import CssEnv
from vab_gym.envs.css.stylesheet import Stylesheet

# The env's viewport is 1280 x 720 wide (VAB's): min-width 600px applies, max-width 500px
# and print do not.
CSS = """body { margin: 0; background: #ffffff; }
.box { width: 100px; height: 200px; background: #0000cc; }
@media (min-width: 600px) {
  .box { width: 900px; }
  .wide { height: 300px; background: #cc0000; }
}
@media (max-width: 500px) { .narrow { height: 300px; background: #00aa00; } }
@media print { .box { display: none; } }
"""
HTML = (
    '<html><head><link rel="stylesheet" href="style.css"></head><body>'
    '<div class="box"></div><div class="wide"></div><div class="narrow"></div></body></html>'
)
WIDE = {
    "operation": "change_value",
    "selector": ".wide",
    "property": "height",
    "old_value": "300px",
    "new_value": "30px",
    "media": "(min-width: 600px)",
}


@pytest.fixture(scope="module")
def media_site(tmp_path_factory):
    folder = tmp_path_factory.mktemp("media-site")
    (folder / "index.html").write_text(HTML)
    (folder / "style.css").write_text(CSS)
    return folder


def test_media_rules_are_editable_only_when_their_query_is_applicable():
    sheet = Stylesheet.parse(CSS)
    assert sheet.media_queries == ["(min-width: 600px)", "(max-width: 500px)", "print"]
    assert [r.selector for r in sheet.rules] == ["body", ".box"]  # VAB's view
    sheet.applicable = frozenset({"(min-width: 600px)"})
    assert [r.selector for r in sheet.rules] == ["body", ".box", ".box", ".wide"]
    assert sheet.find(".wide").declarations == {"height": "300px", "background": "#cc0000"}
    sheet.find(".wide").declarations["height"] = "10px"
    text = sheet.css()  # the edit stays inside its block; the other blocks are kept
    block = text[text.index("@media (min-width: 600px)") : text.index("@media (max-width")]
    assert "height: 10px" in block and "@media print" in text
    reread = Stylesheet.parse(text)
    assert [r.media for r in reread.all_rules] == [
        None,
        None,
        "(min-width: 600px)",
        "(min-width: 600px)",
        "(max-width: 500px)",
        "print",
    ]


def test_viewport_mode_selects_and_edits_the_rule_of_the_applying_query(media_site):
    env = CssEnv(tasks=vab_gym.TaskSet([make_task("m", media_site, None)]), image_size=(64, 64))
    try:
        env.reset()
        assert env.fidelity()["media"] == "viewport"
        obs, _, _, _, _ = env.step("select_rule('.wide')")
        assert "{'height': '300px', 'background': '#cc0000'}" in obs["text"]
        obs, _, _, _, _ = env.step("select_rule('.narrow')")  # max-width 500px: not at 1280
        assert "No rule found based on selector" in obs["text"]
        before = env.screenshot_png()
        env.step("edit_rule('.wide', 'height', '20px')")
        assert env.screenshot_png() != before
        # the edit is written inside the @media block, not as a new top-level rule
        assert env.stylesheet.find(".wide").media == "(min-width: 600px)"
        assert "height: 20px" in env.stylesheet.css().split("@media (min-width: 600px)")[1]
    finally:
        env.close()


def test_none_mode_refuses_media_rules_in_vabs_words(media_site):
    tasks = vab_gym.TaskSet([make_task("m", media_site, None), make_task("c", media_site, WIDE)])
    env = CssEnv(tasks=tasks, image_size=(64, 64), media="none")
    try:
        env.reset(options={"task_id": "m"})
        assert env.fidelity()["media"] == "none"
        obs, _, _, _, _ = env.step("select_rule('.wide')")
        assert obs["text"] == (
            "No rule found based on selector .wide. Please specify a different selector."
        )
        with pytest.raises(ValueError, match="media='none'"):
            env.reset(options={"task_id": "c"})
    finally:
        env.close()
    with pytest.raises(ValueError, match="media='screen': choose one of 'viewport', 'none'"):
        CssEnv(media="screen")


def test_a_corrupted_media_rule_is_repaired_by_the_solver(media_site):
    env = CssEnv(tasks=vab_gym.TaskSet([make_task("c", media_site, WIDE)]), image_size=(64, 64))
    try:
        from vab_gym.agents.base import make_solver, run_episode

        result = run_episode(env, make_solver(env), task_id="c")
        assert result.judge["details"]["initial_distance"] >= 0.2  # the corruption shows
        assert result.success
    finally:
        env.close()
