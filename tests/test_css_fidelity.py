"""VAB-CSS as VAB's code behaves (THUDM/VisualAgentBench 9055fc2, src/server/tasks/css_agent).

Expected values are read off VAB's code by hand (the file and function are in each test's
docstring), or copied from its strings; selector texts were printed by cssutils 2.15.
"""

import io

import numpy as np
import pytest
from bs4 import BeautifulSoup
from PIL import Image

from vab_gym.core.actions import ActionError
from vab_gym.envs.css import matching
from vab_gym.envs.css.actions import CSS_ACTIONS, vab_instructions
from vab_gym.envs.css.env import CssEnv
from vab_gym.envs.css.reply import NO_FUNCTION, split_arguments
from vab_gym.envs.css.stylesheet import Stylesheet

SELECTORS = "get_selectors_by_html_elements"
NOT_VALID = "{} is not valid due to exception {}. You may make a mistake and need to fix it."
EDITED = (
    "You have successfully edited the rule. Here is the updated screenshot. If you "
    "think this edit is not useful, you can revert the last edit by calling "
    "revert_last_edit()."
)
INSERTED = EDITED.replace("edited the rule", "inserted the rule")
REVERTED = "You have successfully reverted the last edit."
PROMPT_EXAMPLE = (
    "Thought: I think I should adjust the alignment property of the rule, because "
    "the target screenshot shows the text should be centered.\n Action: "
    "edit_rule('.templatemo_menu li', 'text-align', 'center')"
)


def read(text: str, quirks: bool = False):
    """What VAB would run for ``text``: "done", VAB's message, or [(name, arguments)] with
    the arguments VAB passes (shlex-split; the raw text for get_selectors/insert_rule; None
    when VAB's regex finds none; "ValueError: ..." when shlex fails)."""
    try:
        call = CSS_ACTIONS.configured(quirks=quirks, hints=False).parse(text)
    except ActionError as exc:
        return str(exc)
    if call.name == "done":
        return "done"
    calls = []
    for c in call.calls:
        if c.arg_text is None or c.name in (SELECTORS, "insert_rule"):
            calls.append((c.name, c.arg_text))
            continue
        try:
            calls.append((c.name, split_arguments(c.arg_text)))
        except ValueError as exc:
            calls.append((c.name, f"ValueError: {exc}"))
    return calls


EDIT_A = [("edit_rule", [".a", "display", "flex"])]
SELECT_A = [("select_rule", [".a"])]

# Replies in the styles VAB's prompt asks for (task.py: INSTRUCTIONS), and what VAB runs.
CORPUS = [
    (PROMPT_EXAMPLE, [("edit_rule", [".templatemo_menu li", "text-align", "center"])]),
    (
        "Thought: find the link.\nAction: get_selectors_by_html_elements(\"'a', {'data-custom': "
        "'custom-value'}, string='haha', class_='xxx'\")",
        [(SELECTORS, "\"'a', {'data-custom': 'custom-value'}, string='haha', class_='xxx'\"")],
    ),
    ("Thought: the nav looks off.\nAction: select_rule('.nav')", [("select_rule", [".nav"])]),
    ("Action: edit_rule('.a', 'display', 'flex')", EDIT_A),
    ('Action: edit_rule(".a", "display", "flex")', EDIT_A),
    ("Action: edit_rule(.a, display, flex)", EDIT_A),  # shlex: quotes are optional
    ("Action: `edit_rule('.a', 'display', 'flex')`", EDIT_A),
    ("Action: edit_rule('.a', 'display', 'flex') to lay the cards out in a row", EDIT_A),
    ("Action 1: edit_rule('.a', 'display', 'flex')", EDIT_A),
    ("Actions: edit_rule('.a', 'display', 'flex')", EDIT_A),
    ("Action:\nedit_rule('.a', 'display', 'flex')", EDIT_A),  # VAB joins "Action:\n"
    ("```\nThought: fix it\nAction: edit_rule('.a', 'display', 'flex')\n```", EDIT_A),
    ("   Action: edit_rule('.a', 'display', 'flex')   ", EDIT_A),
    ("Thought: I could call select_rule('.b') first.\nAction: select_rule('.a')", SELECT_A),
    ("Action: let me look first.\nAction: select_rule('.a')", SELECT_A),
    ("Action: select_rule('.a')\nObservation: Here is the rule founded", SELECT_A),
    ("Action: select_rule(\"'.a'\")", [("select_rule", ["'.a'"])]),
    (
        "Action: edit_rule('.a b', 'margin', '0 auto')",
        [("edit_rule", [".a b", "margin", "0 auto"])],
    ),
    (
        "Action: edit_rule(.a b, margin, 0 auto)",
        [("edit_rule", [".a", "b", "margin", "0", "auto"])],
    ),
    ("Action: edit_rule('.a','display','flex')", [("edit_rule", [".a,display,flex"])]),
    (
        "Action: edit_rule('.a', 'font-family', '\"Open Sans\", sans-serif')",
        [("edit_rule", [".a", "font-family", '"Open Sans", sans-serif'])],
    ),
    ("Action: select_rule('.a)", [("select_rule", "ValueError: No closing quotation")]),
    ("Action: select_rule()", [("select_rule", [])]),
    ("Action: revert_last_edit()", [("revert_last_edit", [])]),
    ("Action: revert_last_edit", [("revert_last_edit", None)]),
    (
        "Action: select_rule('.a'); get_selectors_by_html_elements(\"'div'\")",
        [("select_rule", [".a"]), (SELECTORS, "\"'div'\"")],
    ),
    (
        "Action: edit_rule('.a', 'display', 'flex') and then revert_last_edit()",
        [*EDIT_A, ("revert_last_edit", [])],
    ),
    ("Action: print('hello')", [("print", ["hello"])]),
    (
        "Action: get_selectors_by_html_elements('div', class_='card')",
        [(SELECTORS, "'div', class_='card'")],
    ),
    (
        "Action: insert_rule('.x', {'display': 'none'})",
        [("insert_rule", "'.x', {'display': 'none'}")],
    ),
    ("select_rule('.a')", SELECT_A),  # the suite's canonical bare call
    ("revert_last_edit", [("revert_last_edit", None)]),
    ("I have fixed the css style", "done"),
    ("Thought: the page now matches. I have fixed the css style.", "done"),
    ("Action: edit_rule('.a', 'display', 'flex')\nI have fixed the css style", "done"),
    ("Action: select_rule('.a')\nObservation: I have fixed the css style", SELECT_A),
    ("i have fixed the CSS style", NO_FUNCTION),
    ("ACTION: select_rule('.a')", NO_FUNCTION),
    ("**Action**: select_rule('.a')", NO_FUNCTION),
    ("- Action: select_rule('.a')", NO_FUNCTION),
    ("Thought: x Action: select_rule('.a')", NO_FUNCTION),
    ("Action:\n```python\nedit_rule('.a', 'display', 'flex')\n```", NO_FUNCTION),
    ("Action:\n\nselect_rule('.a')", NO_FUNCTION),
    ("Observation: nothing yet\nAction: select_rule('.a')", NO_FUNCTION),
    ("Thought: the nav is broken.", NO_FUNCTION),
    ("", NO_FUNCTION),
]


def test_corpus_is_large_and_has_the_prompts_own_examples():
    assert len(CORPUS) >= 30
    prompt = vab_instructions()
    assert "Action: edit_rule('.templatemo_menu li', 'text-align', 'center')" in prompt
    assert PROMPT_EXAMPLE.split("\n")[0].removeprefix("Thought: ") in prompt
    assert "get_selectors_by_html_elements(\"'a', {'data-custom': 'custom-value'}, " in prompt


@pytest.mark.parametrize(("reply", "expected"), CORPUS, ids=range(len(CORPUS)))
def test_reply_runs_what_vab_runs(reply, expected):
    """task.py:start_sample: cut at "Observation:", the phrase first, then the first line
    matching re.match(r"Action.*?:") with a `\\w+\\(` call (or a bare revert_last_edit),
    every call on it, shlex.split arguments with trailing commas removed."""
    assert read(reply) == expected
    assert read(reply, quirks=True) == expected  # none of these meets a quirk


def test_arguments_end_at_the_first_paren_only_with_quirks():
    """task.py:start_sample: re.findall(r'{name}\\((.*?)\\)', line)[0] stops at the first `)`,
    so rgba(...) loses its closing quote; every `\\w+\\(` on the line (rgba too) is a call;
    a name twice on the line runs its first arguments twice."""
    rgba = "Action: edit_rule('.a', 'color', 'rgba(0, 0, 0, 0.5)')"
    assert read(rgba) == [("edit_rule", [".a", "color", "rgba(0, 0, 0, 0.5)"])]
    assert read(rgba, quirks=True) == [
        ("edit_rule", "ValueError: No closing quotation"),
        ("rgba", ["0", "0", "0", "0.5"]),
    ]
    calc = "Action: edit_rule('.a', 'width', 'calc(100% - 20px)')"
    assert read(calc) == [("edit_rule", [".a", "width", "calc(100% - 20px)"])]
    twice = "Action: select_rule('.a'); select_rule('.b')"
    assert read(twice) == [("select_rule", [".a"]), ("select_rule", [".b"])]
    assert read(twice, quirks=True) == [("select_rule", [".a"]), ("select_rule", [".a"])]


def test_hints_add_the_action_list_to_vabs_message():
    """task.py:start_sample's "No executable function found!" is VAB's whole message."""
    with pytest.raises(ActionError) as plain:
        CSS_ACTIONS.configured(quirks=False, hints=False).parse("hello")
    assert str(plain.value) == (
        "No executable function found! Need to recheck the action. "
        "Please stick to the format of Action: ..."
    )
    with pytest.raises(ActionError) as hinted:
        CSS_ACTIONS.configured(quirks=False, hints=True).parse("hello")
    assert str(hinted.value).startswith(NO_FUNCTION + " Valid actions: ")


@pytest.mark.parametrize(
    ("written", "cssutils"),
    [
        (".a>.b", ".a > .b"),
        ("ul>li+li", "ul > li + li"),
        ("a~b", "a ~ b"),
        (".nav  a:hover,.nav a:focus", ".nav a:hover, .nav a:focus"),
        ("h1,h2,\nh3", "h1, h2, h3"),
        ("[type='x']", '[type="x"]'),
        (".a>*", ".a > *"),
        ("li:nth-child(2n+1)", "li:nth-child(2n+1)"),
        ("div#main.x", "div#main.x"),
    ],
)
def test_rules_are_named_by_cssutils_selector_text_and_found_exactly(written, cssutils):
    """actions.py:CSSInteractor.select_rule compares cssutils' rule.selectorText with the
    agent's stripped text by `==`: `.a>.b` in the file is found as `.a > .b`, not as
    written (unless cssutils writes it the same)."""
    sheet = Stylesheet.parse(f"{written} {{ color: red }}")
    assert sheet.rules[0].selector == cssutils
    assert sheet.find(cssutils) is sheet.rules[0]
    assert (sheet.find(written) is None) == (written != cssutils)


SOUP = BeautifulSoup(
    '<ul class="list"><li>a</li><li class="x">b</li></ul><p id="m" class="k">t</p>', "html.parser"
)
LI = SOUP.find_all("li")
P = SOUP.find("p")


@pytest.mark.parametrize(
    ("selector", "element", "vab", "fixed"),
    [
        ("li:nth-child(2)", LI[0], True, False),  # VAB drops everything after ':'
        ("li:hover", LI[0], True, True),
        ("*", P, False, True),  # VAB's tag test: '*' != 'p'
        (".list > li", LI[1], True, True),
        (".list>li>b", LI[1], False, False),  # VAB: `a>b>c` raises, the rule matches nothing
        ("ul ~ p", P, False, True),  # VAB has no `~`
        ("p#m.k", P, False, True),  # VAB's tag test: 'p#m' != 'p'
        ("#m.k", P, False, True),  # VAB compares the id with 'm.k'
        ("li li", LI[0], True, False),  # VAB looks for the ancestor from the element itself
        ("li.x, p", P, True, True),
        (":root", P, True, False),  # VAB: the empty selector left after ':' matches anything
    ],
)
def test_vab_selector_matcher(selector, element, vab, fixed):
    """actions.py:get_selector_by_html_element / matches_complex_selector /
    matches_simple_selector, and the `except Exception: selectors = []` around them."""
    assert matching.vab_matches(selector, element) is vab
    assert matching.matches(selector, element) is fixed


def test_find_all_arguments_as_vabs_eval_reads_them():
    """actions.py:get_selectors_by_html_elements: eval(f'self.soup.find_all({argument})')."""
    assert matching.find_all_arguments("'a', {'data-custom': 'v'}, string='haha'") == (
        ["a", {"data-custom": "v"}],
        {"string": "haha"},
    )
    with pytest.raises(matching.QueryError, match=r"^name 'div' is not defined$"):
        matching.find_all_arguments("div")
    with pytest.raises(matching.QueryError, match=r"\(<string>, line 1\)$"):
        matching.find_all_arguments("div', class_='x")
    with pytest.raises(matching.QueryError, match="literal"):
        matching.find_all_arguments("__import__('os').getcwd()")


def test_step_limit_and_no_early_stop_by_default():
    """configs/tasks/css.yaml: round: 10; task.py:start_sample has no early stop (only the
    finishing phrase ends a sample before its rounds are used up)."""
    env = CssEnv(image_size=(32, 32))
    try:
        assert env.max_steps == 10 and env.early_stop is None
    finally:
        env.close()


# -- the env, with Chromium --------------------------------------------------------------------


@pytest.fixture(scope="module")
def quirky(tasks):
    env = CssEnv(tasks=tasks, image_size=(96, 128), vab_quirks=True)
    yield env
    env.close()


def step(env, action):
    obs, _, _, _, info = env.step(action)
    return obs, info


@pytest.mark.slow
def test_ten_replies_without_the_phrase_are_judged_at_the_tenth(tasks):
    """task.py:start_sample: `for i in range(self.round)`, then the result is judged."""
    env = CssEnv(tasks=tasks, image_size=(32, 32))
    try:
        env.reset(options={"task_id": "untouched"})
        for i in range(1, 11):
            _, _, terminated, truncated, info = env.step("Thought: looking.")
            assert (terminated, truncated) == (False, i == 10)
        assert info["success"] is True
    finally:
        env.close()


def test_feedback_strings_are_vabs(env):
    """task.py:start_sample's messages, bare (no "Invalid action: " prefix)."""
    cases = [
        ("nonsense", NO_FUNCTION),
        (
            "Action: select_rule('.cards')",
            "Here is the rule founded based on selector .cards: {'display': 'block', "
            "'grid-template-columns': 'repeat(3, 1fr)', 'gap': '24px', 'padding': '32px'}. "
            "Is this the rule you want to edit?",
        ),
        (
            "Action: select_rule(.nope)",
            "No rule found based on selector .nope. Please specify a different selector.",
        ),
        (
            "Action: edit_rule('.nope', 'color', 'red')",
            "No rule found based on selector .nope. Please specify a different selector or "
            "consider inserting a new rule.",
        ),
        (
            "Action: print('x')",
            NOT_VALID.format("print()", "'CSSInteractor' object has no attribute 'print'"),
        ),
        (
            "Action: edit_rule(.cards b, display, grid)",
            NOT_VALID.format(
                "edit_rule(.cards, b, display, grid)",
                "edit_rule() takes 4 positional arguments but 5 were given",
            ),
        ),
        (
            "Action: edit_rule('.cards','display','grid')",
            NOT_VALID.format(
                "edit_rule(.cards,display,grid)",
                "edit_rule() missing 2 required positional arguments: 'property_name' and 'value'",
            ),
        ),
        ("Action: select_rule('.a)", NOT_VALID.format("select_rule()", "No closing quotation")),
        (
            "Action: get_selectors_by_html_elements(div)",
            NOT_VALID.format("get_selectors_by_html_elements(div)", "name 'div' is not defined"),
        ),
        (
            "Action: get_selectors_by_html_elements(\"'div', {'id': 'first'}\")",
            "The following 1 selectors are matched based on the returned html elements:\n"
            "1. '.card'\n",
        ),
        (
            "Action: get_selectors_by_html_elements(\"'table'\")",
            "No html elements found based on the input. Please specify a different html "
            "elements specification.",
        ),
        ("Action: revert_last_edit()", "No edit to revert."),
        (
            "Action: finalize()",
            "finalize is not a valid function. Please check the function name and try again.",
        ),
    ]
    for i, (action, expected) in enumerate(cases):
        if i % 9 == 0:  # 10 replies an episode
            env.reset(options={"task_id": "grid-gone"})
        obs, info = step(env, action)
        assert obs["text"] == expected, action
    obs, info = step(env, "Action: edit_rule('.cards', 'display', 'grid')")
    assert obs["text"] == EDITED and info["action_error"] is None


def test_every_call_on_the_line_runs_and_an_exception_stops_it(env):
    """task.py:start_sample: `for function_name in function_names`, one message each;
    `break` after an exception and after revert_last_edit."""
    obs0, _ = env.reset(options={"task_id": "grid-gone"})
    obs, info = step(
        env,
        "Action: edit_rule('.cards', 'display', 'grid') select_rule(.nope) "
        "print(1) select_rule('.card')",
    )
    no_rule = "No rule found based on selector .nope. Please specify a different selector."
    broken = NOT_VALID.format("print()", "'CSSInteractor' object has no attribute 'print'")
    assert obs["text"] == "\n\n".join([EDITED, no_rule, broken])
    assert info["action_error"] == "\n\n".join([no_rule, broken])
    assert np.array_equal(obs["image"], obs["target"])  # the edit before them ran
    obs, info = step(env, "Action: revert_last_edit() edit_rule('.cards', 'display', 'grid')")
    assert obs["text"] == REVERTED and np.array_equal(obs["image"], obs0["image"])


def test_insert_rule_does_nothing_with_quirks(env, quirky):
    """task.py:start_sample calls insert_rule without `await` (only edit_rule is awaited),
    so the coroutine never runs and the success message is sent."""
    obs0, _ = quirky.reset(options={"task_id": "card-rule-gone"})
    css = quirky._sheet.css()
    obs, info = step(quirky, 'Action: insert_rule(".card{height:240px}")')
    assert obs["text"] == INSERTED and info["action_error"] is None
    assert quirky._sheet.css() == css and np.array_equal(obs["image"], obs0["image"])
    assert quirky.model_view().images == ()  # no edit yet: VAB's screenshot file is absent
    obs, _ = step(quirky, "Action: insert_rule('.card', {'height': '240px'})")
    assert obs["text"] == NOT_VALID.format(
        "insert_rule(.card, {height:, 240px})",
        "insert_rule() takes 2 positional arguments but 4 were given",
    )
    obs, _, _, _, info = quirky.step("I have fixed the css style")
    assert not info["success"]

    env.reset(options={"task_id": "card-rule-gone"})
    obs, info = step(
        env,
        "Action: insert_rule('.card', {'height': '240px', "
        "'background-color': '#e63946', 'color': '#ffffff'})",
    )
    assert obs["text"] == INSERTED and np.array_equal(obs["image"], obs["target"])


def test_revert_without_screenshot_is_judged_on_the_edit_with_quirks(env, quirky):
    """actions.py:revert_last_edit rewrites the css file but takes no screenshot, and
    task.py judges new_screenshot.png (the last edit_rule's); last_edit is never cleared,
    so every further revert reports success."""
    quirky.reset(options={"task_id": "grid-gone"})
    obs, _ = step(quirky, "Action: edit_rule('.cards', 'display', 'grid')")
    fixed_png = quirky.screenshot_png()
    obs, _ = step(quirky, "Action: revert_last_edit()")
    assert obs["text"] == REVERTED and np.array_equal(obs["image"], obs["target"])  # stale
    assert quirky._sheet.find(".cards").declarations["display"] == "block"
    assert quirky.judged_png() == fixed_png != quirky.screenshot_png()
    obs, _ = step(quirky, "Action: revert_last_edit()")
    assert obs["text"] == REVERTED
    _, reward, terminated, _, info = quirky.step("I have fixed the css style")
    assert terminated and reward == 1.0 and info["fidelity"]["vab_quirks"] is True

    env.reset(options={"task_id": "grid-gone"})
    step(env, "Action: edit_rule('.cards', 'display', 'grid')")
    obs, _ = step(env, "Action: revert_last_edit()")
    assert not np.array_equal(obs["image"], obs["target"])
    obs, _ = step(env, "Action: revert_last_edit()")
    assert obs["text"] == "No edit to revert."
    _, reward, *_ = env.step("I have fixed the css style")
    assert reward == 0.0


def test_rgba_value_breaks_only_with_quirks(env, quirky):
    """task.py:start_sample's r'edit_rule\\((.*?)\\)' ends at rgba's `)`; shlex then fails."""
    action = "Action: edit_rule('.card', 'background-color', 'rgba(0, 0, 0, 0.5)')"
    quirky.reset(options={"task_id": "untouched"})
    css = quirky._sheet.css()
    obs, _ = step(quirky, action)
    assert obs["text"] == NOT_VALID.format("edit_rule()", "No closing quotation")
    assert quirky._sheet.css() == css
    env.reset(options={"task_id": "untouched"})
    obs, _ = step(env, action)
    assert obs["text"] == EDITED
    assert env._sheet.find(".card").declarations["background-color"] == "rgba(0, 0, 0, 0.5)"


def test_quote_stripping_breaks_quoted_fonts_only_with_quirks(env, quirky):
    """actions.py:edit_rule: value.strip().strip('"').strip("'") leaves an open quote,
    which cssutils refuses (an exception, so VAB's "is not valid" message)."""
    action = "Action: edit_rule('body', 'font-family', '\"DejaVu Serif\", serif')"
    env.reset(options={"task_id": "untouched"})
    obs, _ = step(env, action)
    assert obs["text"] == EDITED
    assert env._sheet.find("body").declarations["font-family"] == '"DejaVu Serif", serif'
    quirky.reset(options={"task_id": "untouched"})
    obs, _ = step(quirky, action)
    assert obs["text"].startswith(
        'edit_rule(body, font-family, "DejaVu Serif", serif) is not valid due to exception '
    )
    assert quirky._sheet.find("body").declarations["font-family"] == ('"DejaVu Sans", sans-serif')


def png_size(png: bytes) -> tuple[int, int]:
    return Image.open(io.BytesIO(png)).size


def test_model_view_has_vabs_text_and_full_resolution_screenshots(env, quirky):
    """task.py:start_sample's first message (target, html, current screenshot,
    instruction) and edit_rule's message with new_screenshot.png; VAB sends image paths,
    read when sent (src/utils/image_message.py:replace_image_url), so with quirks two edits
    on one line both show the second."""
    obs, _ = env.reset(options={"task_id": "grid-gone"})
    view = env.model_view()
    assert view.text == "\n".join(
        [
            "Here is the target screenshot.",
            "Here is the html content.",
            env.html,
            "Here is the current screenshot.",
            "Fix the css rules.",
        ]
    )
    assert view.images == (env.target_png(), env.screenshot_png())
    width, height = png_size(view.images[0])
    assert width == 1280 and height > obs["image"].shape[0]

    line = "Action: edit_rule('.cards', 'display', 'flex') edit_rule('.cards', 'display', 'grid')"
    step(env, line)
    view = env.model_view()
    assert view.text == f"{EDITED}\n\n{EDITED}" and len(view.images) == 2
    assert view.images[0] != view.images[1] == env.screenshot_png()

    quirky.reset(options={"task_id": "grid-gone"})
    step(quirky, line)
    assert quirky.model_view().images == (quirky.screenshot_png(),) * 2


# -- the judge against VAB's comparison, written out here -----------------------------------


def vab_distance(target_rgb: np.ndarray, output_rgb: np.ndarray) -> float:
    """task.py:compare_images_ssim_gray(target, output), step by step: io.imread(as_gray)
    is rgb2gray's 0.2125 R + 0.7154 G + 0.0721 B on [0, 1]; the output (img2) is resized to
    the target's shape; the 10 % test is relative to the output's shape; both are cast to
    uint8 by truncation; SSIM with skimage's defaults; 0.5 + SSIM/2 for a "fake" size
    change; the distance is 1 - that."""
    from skimage.metrics import structural_similarity
    from skimage.transform import resize

    def as_gray(rgb):
        return rgb.astype(np.float64) @ np.array([0.2125, 0.7154, 0.0721]) / 255.0

    img1, img2 = as_gray(target_rgb), as_gray(output_rgb)
    fake = False
    if img1.shape != img2.shape:
        fake = all(abs(b - a) / b < 0.1 for a, b in zip(img1.shape, img2.shape, strict=True))
        img2 = resize(img2, img1.shape)
    value = structural_similarity(
        np.trunc(img1 * 255).astype(np.uint8), np.trunc(img2 * 255).astype(np.uint8)
    )
    return 1 - (0.5 + value / 2 if fake else value)


def synthetic(height: int, width: int, seed: int) -> np.ndarray:
    """A page-like image: bands and blocks of colour plus noise."""
    rng = np.random.default_rng(seed)
    image = np.full((height, width, 3), 240, np.uint8)
    for _ in range(6):
        y, x = rng.integers(0, height - 8), rng.integers(0, width - 8)
        image[y : y + rng.integers(4, 30), x : x + rng.integers(8, 60)] = rng.integers(0, 255, 3)
    noise = rng.integers(-3, 4, image.shape)
    return np.clip(image.astype(int) + noise, 0, 255).astype(np.uint8)


@pytest.mark.parametrize(
    ("target_shape", "output_shape", "boosted"),
    [
        ((100, 80), (100, 80), False),
        ((100, 80), (105, 80), True),
        ((100, 80), (91, 80), True),  # 9/91 < 0.1, relative to the output
        ((110, 80), (100, 80), False),  # 10/100 is not < 0.1
        ((100, 80), (100, 120), False),
        ((100, 80), (130, 80), False),
    ],
)
def test_judge_equals_vabs_comparison(target_shape, output_shape, boosted):
    """task.py:compare_images_ssim_gray and calculate_overall's 1 - SSIM."""
    from vab_gym.envs.css import judge

    target = synthetic(*target_shape, seed=1)
    output = synthetic(*output_shape, seed=2)
    output[
        : min(target_shape[0], output_shape[0]) // 2, : min(target_shape[1], output_shape[1])
    ] = target[
        : min(target_shape[0], output_shape[0]) // 2, : min(target_shape[1], output_shape[1])
    ]
    ours = judge.distance(judge.quantize(judge.gray(target)), judge.gray(output))
    assert ours == pytest.approx(vab_distance(target, output), abs=1e-12)
    if boosted:  # the boost puts the distance under 0.5 whatever the SSIM
        assert ours < 0.5


@pytest.mark.parametrize("shape", [(100, 80), (333, 211), (64, 64)])
def test_an_unchanged_page_is_at_vabs_distance_zero(shape):
    """The judge's shortcut for equal screenshots gives what VAB's SSIM gives them: 0."""
    from vab_gym.envs.css import judge

    page = synthetic(*shape, seed=3)
    assert vab_distance(page, page) == 0.0
    assert judge.distance(judge.quantize(judge.gray(page)), judge.gray(page)) == 0.0


def test_verdict_thresholds_are_vabs():
    """task.py:calculate_overall: em iff distance < 0.1; improve iff distance < initial -
    0.05."""
    from vab_gym.envs.css import judge

    assert judge.verdict(0.3, 0.0999).success and not judge.verdict(0.3, 0.1).success
    assert judge.verdict(0.3, 0.2499).details["improved"]
    assert not judge.verdict(0.3, 0.25).details["improved"]
