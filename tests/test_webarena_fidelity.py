"""VAB-WebArena-Lite-v0 against VAB's own code (THUDM/VisualAgentBench @9055fc2,
VAB-WebArena-Lite/new/, and VisualWebArena @ad57aae for the prompt and constants).

Expected values are copied from VAB's source or worked out by hand from it, never read from
the code under test.
"""

from __future__ import annotations

import io

import pytest
from PIL import Image

from vab_gym.core.actions import ActionCall, ActionError
from vab_gym.core.tasks import Task, TaskSet
from vab_gym.envs.webarena import env as env_module
from vab_gym.envs.webarena.actions import WEBARENA_ACTIONS
from vab_gym.envs.webarena.env import WebArenaEnv
from vab_gym.envs.webarena.session import BrowserSession, vab_keys
from vab_gym.envs.webarena.sites import from_alias, login_sites, to_alias
from vab_gym.envs.webarena.som import marks_text, page_marks

# The whole module is slow: each test starts browsers, servers or processes of its own.
pytestmark = pytest.mark.slow

PHRASE = "In summary, the next action I will perform is"

# Replies in the styles VAB's SoM prompt (p_som_cot_id_actree_3s) makes models write: its
# three examples word for word, the actions its intro lists, and the variations VAB's
# regexes allow. Each maps to the canonical call, or to VAB's ActionParsingError message.
CORPUS = [
    # the prompt's three examples
    (
        "Let's think step-by-step. This page list the information of HP Inkjet Fax Machine, "
        "which is the product identified in the objective. Its price is $279.49. I think I have "
        "achieved the objective. I will issue the stop action with the answer. In summary, the "
        "next action I will perform is ```stop [$279.49]```",
        "stop('$279.49')",
    ),
    (
        "Let's think step-by-step. This page has a post titled '[I ate] Maple Pecan Croissant', "
        "which is the post mentioned in the objective. In order to find the top comment, I will "
        "navigate into the comments section of the post. In summary, the next action I will "
        "perform is ```click [11]```",
        "click(11)",
    ),
    (
        "Let's think step-by-step. The objective is to find the cheapest dark colored guitar on "
        "the site. The site has a search box whose ID is [5]. I can search for guitars by "
        'entering "guitar". I can submit this by pressing the Enter afterwards. In summary, '
        "the next action I will perform is ```type [5] [guitar] [1]```",
        "type(5, 'guitar', True)",
    ),
    # the intro's rule 4 and action list
    (f'"{PHRASE} ```click [1234]```".', "click(1234)"),
    (f"{PHRASE} ```type [3] [content] [0]```", "type(3, 'content', False)"),
    (f"{PHRASE} ```type [3] [content]```", "type(3, 'content', True)"),  # Enter by default
    (f"{PHRASE} ```hover [7]```", "hover(7)"),
    (f"{PHRASE} ```press [Ctrl+v]```", "press('Ctrl+v')"),
    (f"{PHRASE} ```scroll [down]```", "scroll('down')"),
    (f"{PHRASE} ```scroll [up]```", "scroll('up')"),
    (f"{PHRASE} ```new_tab```", "new_tab()"),
    (f"{PHRASE} ```tab_focus [1]```", "tab_focus(1)"),
    (f"{PHRASE} ```close_tab```", "close_tab()"),
    (
        f"{PHRASE} ```goto [http://homepage.com/password.html]```",
        "goto('http://homepage.com/password.html')",
    ),
    (f"{PHRASE} ```go_back```", "go_back()"),
    (f"{PHRASE} ```go_forward```", "go_forward()"),
    (f"{PHRASE} ```stop [N/A]```", "stop('N/A')"),
    # what create_id_based_action's re.search allows
    (f"{PHRASE} ```type [5] [Switch (OLED)] [0]```", "type(5, 'Switch (OLED)', False)"),
    (f"{PHRASE} ```type [5] [a] b]```", "type(5, 'a] b', True)"),  # " [1]" appended
    (f"{PHRASE} ```type [5][hi][0]```", "type(5, 'hi', False)"),
    (f"{PHRASE} ```click [12] to open the cart```", "click(12)"),
    (f"{PHRASE} ```hover[3]```", "hover(3)"),
    (f"{PHRASE} ```scroll down```", "scroll('down')"),
    (f"{PHRASE} ```scroll [down] once more```", "scroll('down')"),
    (f"{PHRASE} ```stop```", "stop('')"),
    (f"{PHRASE} ```stop []```", "stop('')"),
    (f"{PHRASE} ```stop [The answer is [3]]```", "stop('The answer is [3]')"),
    (f"{PHRASE} ```clear [9]```", "clear(9)"),
    (f"{PHRASE} ```press [enter]```", "press('enter')"),
    ("First ```click [1]``` and then ```click [2]```", "click(1)"),  # the first span
    ("Reasoning.\n```\nclick [4]\n```", "click(4)"),
    # VAB's errors, word for word
    (f"{PHRASE} ```Click [3]```", ActionError("Invalid action Click [3]")),
    (f"{PHRASE} ```click [abc]```", ActionError("Invalid click action click [abc]")),
    (f"{PHRASE} ```page_focus [1]```", ActionError("Invalid action page_focus [1]")),
    (f"{PHRASE} ```tab_focus [x]```", ActionError("Invalid tab_focus action tab_focus [x]")),
    (f"{PHRASE} ```scroll [left]```", ActionError("Invalid scroll action scroll [left]")),
    (f"{PHRASE} ```goto []```", ActionError("Invalid goto action goto []")),
    (f"{PHRASE} ``````", ActionError("No action specified: ")),
    # the suite's canonical syntax keeps working, fenced or not
    ("click(12)", "click(12)"),
    (f"{PHRASE} ```click(3)```", "click(3)"),
    ("type(3, 'red shoes', False)", "type(3, 'red shoes', False)"),
    ("click [12]", "click(12)"),
    ("Action: stop [Emma]", "stop('Emma')"),
]


@pytest.mark.parametrize(("reply", "expected"), CORPUS)
def test_replies_parse_as_vab_parses_them(reply, expected):
    """prompt_constructor.py:CoTPromptConstructor._extract_action (first ``` span) and
    actions.py:create_id_based_action (its regexes and ActionParsingError messages)."""
    assert len(CORPUS) >= 30
    if isinstance(expected, ActionError):
        with pytest.raises(ActionError) as caught:
            WEBARENA_ACTIONS.parse(reply)
        assert str(caught.value) == str(expected)
    else:
        assert str(WEBARENA_ACTIONS.parse(reply)) == expected


def test_key_names_are_mapped_as_vab_maps_them():
    """actions.py:create_key_press_action with constants.py:SPECIAL_KEY_MAPPINGS: each name
    lower-cased and looked up, others kept as written ("Ctrl" is not a Playwright key)."""
    assert vab_keys("enter") == "Enter"
    assert vab_keys("ctrl+ARROWDOWN") == "ctrl+ArrowDown"
    assert vab_keys("meta+a") == "Meta+a"
    assert vab_keys("f12") == "F12"


def test_urls_are_shown_as_vab_s_aliases_and_mapped_back():
    """prompt_constructor.py:map_url_to_real / map_url_to_local with env_config.py's
    URL_MAPPINGS (and the https form of each alias)."""
    urls = {"shopping": "http://127.0.0.1:7770", "shopping_admin": "http://127.0.0.1:7770/admin"}
    assert to_alias("http://127.0.0.1:7770/admin/sales/", urls) == "http://luma.com/admin/sales/"
    assert to_alias("http://127.0.0.1:7770/checkout/", urls) == "http://onestopmarket.com/checkout/"
    assert (
        from_alias("```goto [https://onestopmarket.com/x]```", urls)
        == "```goto [http://127.0.0.1:7770/x]```"
    )
    assert (
        from_alias("goto [http://luma.com/admin/dashboard]", urls)
        == "goto [http://127.0.0.1:7770/admin/dashboard]"
    )


def test_log_ins_follow_vab_s_storage_state():
    """test_webarena_lite.raw.json's storage_state, read by run.py's auto-login: task 144
    (shopping + reddit) logs in reddit only, task 158 (map + shopping_admin) nothing."""
    assert login_sites("wal-test-144", ["shopping", "reddit"]) == ["reddit"]
    assert login_sites("wal-test-158", ["map", "shopping_admin"]) == []
    assert login_sites("wal-test-0", ["shopping_admin"]) == ["shopping_admin"]


# -- the browser: VAB's actions and Set-of-Marks ---------------------------------------------


@pytest.fixture
def session(browser):
    session = BrowserSession(browser, set())
    yield session
    session.close()


def act(session: BrowserSession, call: str) -> str:
    session.observe()
    return session.act(WEBARENA_ACTIONS.parse(call))


def value(session: BrowserSession, selector: str) -> str:
    return session.page.eval_on_selector(selector, "e => e.value")


def test_type_appends_to_a_prefilled_field_and_clear_empties_it(session):
    """actions.py:execute_action TYPE: a mouse click at the box centre, then
    keyboard.type, so a field's text stays and the new text is added at the caret (the end,
    where the click put it); CLEAR: click, Meta+A (Control+A off a Mac), Backspace."""
    session.page.set_content('<input id="f" value="Hello" style="width:300px;height:30px">')
    act(session, "type [1] [ world] [0]")
    assert value(session, "#f") == "Hello world"
    act(session, "clear [1]")
    assert value(session, "#f") == ""
    act(session, "type [1] [new] [0]")
    assert value(session, "#f") == "new"


def test_click_and_hover_use_the_mouse_at_the_box_centre(session):
    """execute_action CLICK/HOVER: page.mouse at get_element_center, so an element covering
    the centre takes the click (a locator click would refuse or reach the element)."""
    session.page.set_content(
        '<button id="b" style="position:absolute;left:0;top:0;width:200px;height:100px"'
        " onclick=\"document.title='button'\">Under</button>"
        '<div id="c" style="position:absolute;left:50px;top:25px;width:100px;height:50px"'
        ' onclick="document.title=\'cover\'" onmouseover="this.dataset.over=1"></div>'
    )
    act(session, "click [1]")
    assert session.page.title() == "cover"
    act(session, "hover [1]")
    assert session.page.eval_on_selector("#c", "e => e.dataset.over") == "1"


def test_press_meta_means_control_off_a_mac(session):
    """actions.py:execute_key_press: "Meta" becomes "Control" unless navigator.platform
    says Mac, so VAB's Meta+A selects all on Linux."""
    session.page.set_content('<input id="f" value="old text" style="width:300px;height:30px">')
    session.page.click("#f")
    act(session, "press [meta+a]")
    session.page.keyboard.type("x")
    assert value(session, "#f") == "x"


CRAFTED = """<body style="margin:0;font:16px sans-serif">
<a href="/one" style="display:block;width:120px;height:20px">First "link"</a>
<a href="/hidden" style="visibility:hidden;display:block;width:120px;height:20px">Hidden link</a>
<button style="width:5px;height:5px;padding:0;border:0"></button>
<div style="position:relative;width:300px;height:40px">
  <button style="width:200px;height:30px">Under cover</button>
  <div style="position:absolute;left:0;top:0;width:300px;height:40px;background:#fff"></div>
</div>
<input value="typed value" placeholder="Search" style="width:200px;height:24px">
<p>Line one
	tabbed</p>
<label>Name <input style="width:100px;height:20px"></label>
</body>"""


def test_vab_set_of_marks_on_a_crafted_page(session):
    """processors.py:ImageObservationProcessor.get_page_bboxes and draw_bounding_boxes:
    ids from 1 in document order; the visibility:hidden link and the covered button are
    listed; the 5 px button takes id 3 but is neither listed nor drawn; '"' removed and
    newlines/tabs deleted; a field's value never shown (textContent); a <label> is no
    selector of VAB's."""
    session.page.set_content(CRAFTED)
    marks = page_marks(session.page, "vab")
    assert marks_text(marks).splitlines() == [
        "[1] [A] [First link]",
        "[2] [A] [Hidden link]",
        "[4] [BUTTON] [Under cover]",
        "[5] [INPUT] []",
        "[] [StaticText] [Line onetabbed]",
        "[6] [INPUT] []",
    ]
    tiny = next(m for m in marks if m.id == 3)
    assert tiny.interactive and not tiny.shown and tiny.center == (2.5, 42.5)


def test_suite_set_of_marks_is_the_option(session):
    """The suite's own filter (som="suite"): ids from 0, only what is visible and topmost,
    a field's value as its text."""
    session.page.set_content(CRAFTED)
    lines = marks_text(page_marks(session.page, "suite")).splitlines()
    assert lines[0] == '[0] [A] [First "link"]'
    assert not any("Hidden link" in line or "Under cover" in line for line in lines)
    assert "[1] [INPUT] [typed value]" in lines


# -- the env: step limit, early stops, the judge, VAB's prompt ------------------------------


def shop_task(task_id: str, start: str = "__SHOPPING__") -> Task:
    judge = {
        "eval_types": ["string_match"],
        "reference_answers": {"must_include": ["Emma"]},
        "reference_url": "",
        "program_html": [],
        "string_note": "",
    }
    return Task(
        task_id,
        "VAB-WebArena-Lite-v0",
        "test",
        f"objective of {task_id}",
        {"sites": ["shopping"], "start_url": start, "require_login": True},
        judge,
    )


TASKS = TaskSet(
    [
        shop_task("answer"),
        shop_task("tabs", "__SHOPPING__/customer/account/ |AND| __SHOPPING__/checkout/cart/"),
    ]
)


@pytest.fixture(scope="module")
def env():
    env = WebArenaEnv(tasks=TASKS, image_size=(90, 160))
    yield env
    env.close()


def run(env: WebArenaEnv, actions: list[str]) -> list[tuple]:
    env.reset(options={"task_id": "answer"})
    return [env.step(a) for a in actions]


def test_thirty_steps_then_vab_s_max_step_stop(env):
    """run.py: --max_steps 30; early_stop's "Reach max steps 30", which becomes the stop
    action's answer ("Early stop: ...") that the evaluator then judges."""
    assert env.max_steps == 30
    steps = run(env, ["scroll [down]", "scroll [up]"] * 15)
    assert [s[3] for s in steps] == [False] * 29 + [True]
    info = steps[-1][4]
    assert info["judge"]["details"]["answer"] == "Early stop: Reach max steps 30"
    assert "early_stop" not in info


def test_three_unparsable_replies_stop_the_episode(env):
    """run.py:early_stop with --parsing_failure_th 3: the last 3 actions all NONE."""
    steps = run(env, ["I am not sure.", "Still thinking", "```Click [1]```"])
    assert [s[3] for s in steps] == [False, False, True]
    assert steps[-1][4]["early_stop"] == "Failed to parse actions for 3 times"
    assert (
        steps[-1][4]["judge"]["details"]["answer"]
        == "Early stop: Failed to parse actions for 3 times"
    )


def test_a_parsed_action_breaks_the_parse_failure_run(env):
    """Only NONE actions count; an action that parses but fails in the browser (no element
    9999: VAB's get_element_center raises inside env.step) is an action."""
    steps = run(env, ["garbage", "garbage", "click [9999]", "garbage", "garbage"])
    assert not any(s[3] for s in steps)


def test_five_identical_actions_stop_the_episode(env):
    """run.py:early_stop with --repeating_action_failure_th 5, on the action strings."""
    steps = run(env, ["scroll [down]"] * 4 + ["```scroll down```"])
    assert [s[3] for s in steps] == [False] * 4 + [True]
    assert steps[-1][4]["early_stop"] == "Same action for 5 times"


def test_five_identical_typing_actions_stop_too(env):
    """With the action strings passed (as run.py does), early_stop's "Same typing action"
    branch never runs: typing repeats like any action."""
    steps = run(env, ["type [5] [shoes] [0]"] * 4 + ["scroll [down]"])
    assert not any(s[3] for s in steps)
    steps = run(env, ["type [5] [shoes] [0]"] * 5)
    assert steps[-1][4]["early_stop"] == "Same action for 5 times"


def test_early_stops_can_be_turned_off():
    e = WebArenaEnv(tasks=TASKS, image_size=(90, 160), early_stop=None)
    try:
        e.reset(options={"task_id": "answer"})
        steps = [e.step("garbage") for _ in range(6)]
        assert not any(s[3] for s in steps) and e.fidelity()["early_stop"] is None
    finally:
        e.close()


def test_model_view_is_vab_s_som_prompt(env):
    """p_som_cot_id_actree_3s.json's template, URL as map_url_to_real shows it, PREVIOUS
    ACTION as helper_functions.py:get_action_description writes it (action2str, "som"),
    and the 1280x720 SoM screenshot."""
    obs, _ = env.reset(options={"task_id": "answer"})
    view = env.model_view()
    assert view.text.startswith("OBSERVATION: ")
    assert view.text.endswith(
        "\nURL: http://onestopmarket.com/\nOBJECTIVE: objective of answer\nPREVIOUS ACTION: None"
    )
    assert obs["text"] == view.text  # the default observation text is VAB's, nothing more
    assert Image.open(io.BytesIO(view.images[0])).size == (1280, 720)
    env.step("```click [1]```")
    assert env.model_view().text.endswith("PREVIOUS ACTION: click [1] where [1]")
    env.step("```type [5] [shoes] [0]```")
    assert env.model_view().text.endswith("PREVIOUS ACTION: type [5] [shoes] where [5]")
    env.step("```tab_focus [0]```")
    assert env.model_view().text.endswith("PREVIOUS ACTION: page_focus [0]")
    env.step("```click [9999]```")
    assert env.model_view().text.endswith(
        'PREVIOUS ACTION: Attempt to perfom "click" on element "[9999]" but no matching '
        "element found. Please check the observation more carefully."
    )
    env.step("no idea, http://onestopmarket.com")  # quoted as written, alias and all
    assert env.model_view().text.endswith(
        'PREVIOUS ACTION: The previous prediction you issued was "no idea, '
        'http://onestopmarket.com". However, the format was incorrect. Ensure that the action '
        "is wrapped inside a pair of ``` and enclose arguments within [] as follows: "
        "```action [arg] ...```."
    )


def test_goto_an_alias_reaches_the_site(env):
    """prompt_constructor.py:extract_action maps aliases back before parsing."""
    env.reset(options={"task_id": "answer"})
    obs, _, _, _, info = env.step(f"{PHRASE} ```goto [http://onestopmarket.com/checkout/cart/]```")
    assert info["action_error"] is None
    assert env.session.page.url == env.urls["shopping"] + "/checkout/cart/"
    assert "URL: http://onestopmarket.com/checkout/cart/" in obs["text"]


def test_hints_add_the_suite_s_lines():
    e = WebArenaEnv(tasks=TASKS, image_size=(90, 160), hints=True)
    try:
        e.reset(options={"task_id": "answer"})
        obs, *_ = e.step("tab_focus [5]")
        assert "TABS:\n  [0] " in obs["text"] and "ERROR: There is no tab 5" in obs["text"]
        assert e.model_view().text.endswith("PREVIOUS ACTION: page_focus [5]")
    finally:
        e.close()


def test_the_first_start_url_is_the_current_tab(env):
    """envs.py:setup: after opening every start URL, "set the first page as the current
    page"."""
    env.reset(options={"task_id": "tabs"})
    assert env.session.page.url == env.urls["shopping"] + "/customer/account/"
    assert len(env.session.pages) == 2


def test_a_judge_that_times_out_is_a_failed_verdict(env, monkeypatch):
    """A judge's page visit that times out (VAB's run.py would log it and score nothing)
    ends the episode as a failure with the reason, not as an exception from step()."""
    from playwright.sync_api import TimeoutError as PlaywrightTimeout

    def times_out(*_args, **_kwargs):
        raise PlaywrightTimeout("Timeout 120000ms exceeded.")

    monkeypatch.setattr(env_module.evaluators, "evaluate", times_out)
    env.reset(options={"task_id": "answer"})
    _, reward, terminated, _, info = env.step("stop [Emma]")
    assert terminated and reward == 0.0 and not info["success"]
    assert info["judge"]["reason"] == "judge failed: TimeoutError: Timeout 120000ms exceeded."


def test_timeouts_follow_the_backend():
    """envs.py:ScriptBrowserEnv.reset: 120 s on WebArena's sites; run.py pauses 3 s after
    each action there. The local shop keeps short limits and no pause."""
    local = WebArenaEnv(tasks=TASKS)
    real = WebArenaEnv(backend="webarena", extra_hosts=("10.0.0.5:8080",))
    try:
        assert local.fidelity()["timeouts_s"] == [5.0, 10.0]
        assert local.fidelity()["sleep_after_s"] == 0.0
        assert real.fidelity()["timeouts_s"] == [120.0, 120.0]
        assert real.fidelity()["sleep_after_s"] == 3.0
        assert real.fidelity()["som"] == "vab" and real.fidelity()["max_steps"] == 30
        assert "10.0.0.5" in real.chromium.bypass_hosts
    finally:
        local.close()
        real.close()


def test_extra_hosts_pass_the_fence():
    """Row 12: WebArena's map page calls its tile (:8080), Nominatim (:8085) and OSRM
    (:5000-5002) servers from the browser; configured extra hosts pass the fence."""
    e = WebArenaEnv(tasks=TASKS, image_size=(90, 160), extra_hosts=("10.0.0.5:8080",))
    try:
        e.reset(options={"task_id": "answer"})
        assert e.session.allowed("http://10.0.0.5:8080/0/0/0.png")
        assert not e.session.allowed("http://10.0.0.5:8085/search")
        assert e.fidelity()["extra_hosts"] == ["10.0.0.5:8080"]
    finally:
        e.close()


def test_canonical_calls_are_still_what_the_session_runs():
    call = WEBARENA_ACTIONS.parse(f"{PHRASE} ```type [5] [x] [1]```")
    assert call == ActionCall("type", {"id": 5, "text": "x", "press_enter": True})


# -- every action's behaviour (actions.py:execute_action) -------------------------------------


def test_hover_moves_the_mouse_onto_the_element(session):
    """HOVER: page.mouse.move to the box centre; the element's hover handlers run."""
    session.page.set_content(
        '<button style="width:100px;height:40px" '
        "onmouseover=\"this.textContent='hovered'\">menu</button>"
    )
    act(session, "hover [1]")
    assert session.page.text_content("button") == "hovered"


def test_tabs_open_focus_and_close_as_vab_s(session):
    """NEW_TAB opens a page and makes it current; PAGE_FOCUS picks context.pages[n];
    PAGE_CLOSE closes the current one and makes the last page left current."""
    session.page.set_content("<p>first</p>")
    act(session, "new_tab")
    act(session, "new_tab")
    assert len(session.pages) == 3 and session.active == 2
    act(session, "tab_focus [0]")
    assert session.active == 0 and session.page.text_content("p") == "first"
    act(session, "close_tab")
    assert len(session.pages) == 2 and session.active == 1  # the last tab, not a neighbour


def test_back_and_forward_walk_the_history(session):
    """GO_BACK / GO_FORWARD: page.go_back() and page.go_forward()."""
    one, two = "data:text/html,<p>one</p>", "data:text/html,<p>two</p>"
    act(session, f"goto [{one}]")
    act(session, f"goto [{two}]")
    act(session, "go_back")
    assert session.page.url == one
    act(session, "go_forward")
    assert session.page.url == two


def test_press_sends_vab_s_mapped_keys(session):
    """KEY_PRESS with create_key_press_action's mapping: "backspace" is Backspace, "enter"
    is Enter (which submits the form)."""
    session.page.set_content(
        "<form onsubmit=\"document.title='sent';return false\">"
        '<input id="f" value="abc" style="width:200px;height:30px"></form>'
    )
    session.page.click("#f")
    session.page.keyboard.press("End")
    act(session, "press [backspace]")
    assert value(session, "#f") == "ab"
    act(session, "press [enter]")
    assert session.page.title() == "sent"


def test_scroll_moves_one_window_height(session):
    """execute_scroll: scrollTop +/- window.innerHeight on document.scrollingElement."""
    session.page.set_content('<div style="height:5000px">tall</div>')
    act(session, "scroll [down]")
    act(session, "scroll [down]")
    act(session, "scroll [up]")
    assert session.page.evaluate("document.scrollingElement.scrollTop") == 720
