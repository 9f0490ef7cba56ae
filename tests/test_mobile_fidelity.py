"""VAB-Mobile against AndroidLab's code (THUDM/Android-Lab at 373fc1d): how replies are read,
which elements are numbered, how the screens write what the judges look for, the episode's
limits. No browser is needed here."""

import pytest

from vab_gym.core.actions import ActionError
from vab_gym.envs.mobile.actions import MOBILE_ACTIONS, MOBILE_ACTIONS_VAB
from vab_gym.envs.mobile.env import ANDROIDLAB_STOP, MobileEnv, _box_point, instruction
from vab_gym.envs.mobile.phone import formats
from vab_gym.envs.mobile.screen import Node, som_elements

# Replies in the shapes SYSTEM_PROMPT_ANDROID_MLLM_DIRECT makes models write, with the call
# AndroidLab executes for each (its prompt's own examples first).
CORPUS = [
    ("tap(5)", "tap(5)"),
    ('text("Hello, world!")', "text('Hello, world!')"),
    ("long_press(5)", "long_press(5)"),
    ('swipe(21, "up", "medium")', "swipe(21, 'up', 'medium')"),
    ("back()", "back()"),
    ("home()", "home()"),
    ("wait(5)", "wait(5)"),
    ('finish("Task completed")', "finish('Task completed')"),
    ("Action: tap(5)", "tap(5)"),
    ("Action: back()", "back()"),
    ('Action: text("meeting")', "text('meeting')"),
    ('Action: finish("7:30 AM")', "finish('7:30 AM')"),
    ("Action:tap(12)", "tap(12)"),
    ("Action: wait()", "wait(5)"),
    ("Action: finish()", "finish(None)"),
    ('Action: finish(message="Two alarms")', "finish('Two alarms')"),
    ('Action: text(input_str="John")', "text('John')"),
    ('Action: swipe(index=3, direction="down", dist="long")', "swipe(3, 'down', 'long')"),
    ("The Clock app is open.\nAction: tap(15)", "tap(15)"),
    ("Thought: add an alarm\nAction: tap(15)\nThis opens the picker.", "tap(15)"),
    ("Action: tap(3)\nAction: tap(4)", "tap(3)"),  # the first "Action: " line
    ("Note: Action:tap(1) did nothing\nAction: tap(2)", "tap(2)"),  # "Action: " with a space
    ("```\ntap(7)\n```", "tap(7)"),
    ("```python\nAction: tap(7)\n```", "tap(7)"),
    ("I will open it.\n```\n# the add button\ntap(15)\n```", "tap(15)"),
    ("```\nAction: tap(2)\n```\nthen ```back()```", "tap(2)"),  # the first block only
    ("tap(05)", "tap(5)"),  # remove_leading_zeros_in_string
    ("Action: swipe(007, 'up', 'short')", "swipe(7, 'up', 'short')"),
    ('Action: type("abc")', "text('abc')"),  # VisionExecutor.type is text
    ("  Action: home()  ", "home()"),
    ('Action: finish("ABC\'s number is (223) 311-44")', 'finish("ABC\'s number is (223) 311-44")'),
    ("Action: long_press(1) # hold the city", "long_press(1)"),
]
# Replies AndroidLab's exec cannot run (a SyntaxError ends its episode); errors here.
UNREADABLE = [
    "**Action:** tap(5)",  # no "Action: " (with its space) on one line: exec'd as is
    "I think we should tap element 5.",
    "Final Action: tap(5)",
    "tap(5)\nback()",  # two lines and no "Action: " line: one call is expected here
    "Action: ",
    "Action: launch('Clock')",  # VisionExecutor.launch: not in the SoM prompt's set
]


@pytest.mark.parametrize(("reply", "call"), CORPUS)
def test_replies_are_read_as_androidlab_reads_them(reply, call):
    """evaluation/definition.py get_code_snippet (last line of the first ``` block),
    page_executor/text_executor.py TextOnlyExecutor.__call__ (the first line holding
    "Action: ", remove_leading_zeros_in_string), simple_vision_executor.py VisionExecutor
    (the calls, their parameter names and defaults)."""
    assert str(MOBILE_ACTIONS.parse(reply)) == call


@pytest.mark.parametrize("reply", UNREADABLE)
def test_replies_androidlab_cannot_execute_are_errors(reply):
    """TextOnlyExecutor.__call__ exec()s the text; these raise there (auto_test.py
    AutoTest.run_task then ends the episode; here they are feedback)."""
    with pytest.raises(ActionError):
        MOBILE_ACTIONS.parse(reply)


def test_leading_zeros_inside_strings_are_androidlabs_bug_kept_only_under_vab_quirks():
    """text_executor.py remove_leading_zeros_in_string runs over the whole line, so
    AndroidLab types 112233 for text("00112233") (contacts_6's number)."""
    assert str(MOBILE_ACTIONS.parse('text("00112233")')) == "text('00112233')"
    assert str(MOBILE_ACTIONS_VAB.parse('text("00112233")')) == "text('112233')"
    assert MobileEnv(vab_quirks=True).action_set is MOBILE_ACTIONS_VAB


def node(x1, y1, x2, y2, text="", clickable=True, focusable=False, desc=""):
    return Node(
        cls="TextView",
        text=text,
        desc=desc,
        content="",
        clickable=clickable,
        focusable=focusable,
        long_clickable=False,
        scrollable=False,
        checkable=False,
        checked=False,
        selected=False,
        focused=False,
        editable=False,
        bounds=(x1, y1, x2, y2),
        dom_index=0,
    )


def test_numbered_elements_follow_set_elem_list():
    """simple_vision_executor.py traverse_tree: clickable nodes and nodes with text or a
    description, in tree order, dropping one whose centre is within 5 px of one taken;
    set_elem_list: then focusable nodes more than 10 px from every clickable one."""
    a = node(0, 0, 100, 100)  # centre (50, 50)
    same = node(4, 4, 104, 104, text="inside")  # centre (54, 54): 5.66 px
    near = node(2, 2, 102, 102, text="dup")  # centre (52, 52): 2.8 px
    silent = node(300, 300, 400, 400, clickable=False)  # no text: not a candidate
    label = node(500, 0, 600, 40, text="Label", clickable=False)
    field_close = node(8, 0, 108, 100, clickable=False, focusable=True)  # 8 px: dropped
    field_far = node(0, 20, 100, 120, clickable=False, focusable=True)  # 20 px: kept
    chosen = som_elements([a, same, near, silent, label, field_close, field_far])
    assert chosen == [a, same, label, field_far]


@pytest.mark.parametrize(
    ("digits", "shown"),
    [
        ("12345678", "1 (234) 567-8"),  # contacts.py SingleTask_Contacts_1 / _2: "1 (234) 567-8"
        ("87654321", "(876) 543-21"),  # SingleTask_Contacts_3: "Call Mobile (876) 543-21 "
        ("22331144", "(223) 311-44"),  # SingleTask_Contacts_12's answer "(223) 311-44"
        ("00112233", "00112233"),  # SingleTask_Contacts_6 looks for "00112233 "
    ],
)
def test_phone_numbers_are_written_as_the_contacts_judges_read_them(digits, shown):
    """evaluation/tasks/contacts/contacts.py: the strings its judges search for."""
    assert formats.phone_number(digits) == shown


def test_clock_strings_are_the_clock_judges_strings():
    """evaluation/tasks/clock/clock.py: '3:00\\u200aPM' (SingleTask_Clock_1), days
    ['Tomorrow'] for a one-off 10:30 AM (SingleTask_Clock_5), ['Every day'] (_4),
    ['Sat', 'Sun'] (_6), 'Not scheduled' (extract_alarms' day words)."""
    assert formats.clock_time(15 * 60) == "3:00\u200aPM"
    assert formats.clock_time(6 * 60 + 45) == "6:45\u200aAM"
    assert formats.days_summary("", 10 * 60 + 30, True) == "Tomorrow"  # 12:00 has passed it
    assert formats.days_summary("", 15 * 60, True) == "Today"
    assert formats.days_summary("", 15 * 60, False) == "Not scheduled"
    assert formats.days_summary("Mon,Tue,Wed,Thu,Fri,Sat,Sun", 540, True) == "Every day"
    assert formats.days_summary("Sat,Sun", 1350, True) == "Sat, Sun"


def test_episode_settings_are_androidlabs():
    """eval.py: f"You should use {app} to complete the following task: {task_instruction}";
    configs/*.yaml max_rounds: 25; recorder/json_recoder.py dectect_auto_stop: 5 identical
    actions end the run."""
    assert instruction("clock", "Turn off all alarms") == (
        "You should use clock to complete the following task: Turn off all alarms"
    )
    assert MobileEnv.default_max_steps == 25
    assert ANDROIDLAB_STOP.max_repeats == 5 and ANDROIDLAB_STOP.max_invalid is None
    assert MobileEnv.default_image_size == (1200, 540)


def test_the_test_split_holds_androidlabs_clock_and_contacts_tasks():
    """evaluation/config/clock.yaml (27 tasks) and contacts.yaml (15 tasks), APP values
    'clock' and 'Contacts'."""
    tasks = [
        t for t in MobileEnv.default_tasks("test") if t.id.startswith(("clock_", "contacts_"))
    ]  # the other apps have their own
    assert [t.id for t in tasks] == [f"clock_{i}" for i in range(1, 28)] + [
        f"contacts_{i}" for i in range(1, 16)
    ]
    assert next(t for t in tasks if t.id == "contacts_10").instruction == (
        "You should use Contacts to complete the following task: Call ABC"
    )
    queries = [t.id for t in tasks if t.judge["kind"] == "query"]
    assert queries == [
        "clock_10",
        "clock_11",
        "clock_12",
        "clock_13",
        "clock_14",
        "clock_16",
        "contacts_12",
        "contacts_13",
        "contacts_14",
        "contacts_15",
    ]
    assert all(
        t.metadata["metric_type"] == ("query_detect" if t.id in queries else "operation")
        for t in tasks
    )


def test_the_compressed_tree_is_written_as_uixmltree_writes_it():
    """utils_mobile/xml_tool.py UIXMLTree: mid_order_remove (action words, no class name for
    plain layouts), mid_order_merge + merge_description (action-less children merge into the
    parent), merge_attribute_in_one_line (``class ;actions ; state ;extra ;text desc``) and
    dict_to_plain_text (``key: `` then the bounds 4 spaces in). The research file's example
    line is ``[n4921] TextView ;click long-click ; ;;Calendar Calendar :``."""
    from dataclasses import replace

    from vab_gym.envs.mobile.screen import compressed_xml

    icon = replace(node(662, 390, 821, 672, text="Calendar", desc="Calendar"), long_clickable=True)
    row = replace(node(0, 700, 1080, 860), cls="LinearLayout", dom_index=1)
    title = replace(node(40, 720, 600, 780, text="Ringtone", clickable=False), parent=1)
    value = replace(node(40, 790, 600, 840, text="Argon", clickable=False), parent=1)
    switch = replace(node(900, 720, 1000, 800, desc="Vibrate"), cls="Switch", checkable=True)
    assert compressed_xml([icon, row, title, value, switch]).split("\n") == [
        "[n0000] TextView ;click long-click ; ;;Calendar Calendar : ",
        "    bounds: [662,390][821,672]",
        "[n0001] ;click ; ;; Ringtone Argon: ",
        "    bounds: [0,700][1080,860]",
        "[n0004] Switch ;click check ; unchecked ;;Vibrate : ",
        "    bounds: [900,720][1000,800]",
    ]


# Replies in the shapes templates/text_only_mobile.py SYSTEM_PROMPT_ANDROID_TEXT_GPT (and its
# ReAct variant) makes models write, with the call TextOnlyExecutor.do receives.
XML_CORPUS = [
    (
        '```\ndo(action="Swipe", element=[680, 2016, 760, 2276], direction="up", dist="long")\n```',
        "do('Swipe', [680, 2016, 760, 2276], None, 'up', 'long', None)",
    ),
    (
        "* Analysis: open the Clock app. #[863,390][1021,672]#\n* Operation:\n\n```\n"
        'do(action="Tap", element=[863, 390, 1021, 672])\n```',
        "do('Tap', [863, 390, 1021, 672], None, None, 'medium', None)",
    ),
    (
        '```\nfinish(message="The alarm has been set to go off at 9:00 a.m. once every Monday")\n'
        "```",
        "finish('The alarm has been set to go off at 9:00 a.m. once every Monday')",
    ),
    (
        "Obs: the clock app is open.\nThought: tap the Alarm tab #[66,115][228,192]#\nAction: \n"
        '```\ndo(action="Tap", element=[66,115,228,192])\n```',
        "do('Tap', [66, 115, 228, 192], None, None, 'medium', None)",
    ),
    ('do(action="Type", text="meeting")', "do('Type', None, 'meeting', None, 'medium', None)"),
    (
        'do(action="Long Press", element=[0, 1170, 1080, 1302])',
        "do('Long Press', [0, 1170, 1080, 1302], None, None, 'medium', None)",
    ),
    ('do(action="Swipe", direction="down")', "do('Swipe', None, None, 'down', 'medium', None)"),
    (
        'do(action="Swipe", element=[540, 1200], direction="left", dist="short")',
        "do('Swipe', [540, 1200], None, 'left', 'short', None)",
    ),
    ('do(action="Back")', "do('Back', None, None, None, 'medium', None)"),
    ('do(action="Home")', "do('Home', None, None, None, 'medium', None)"),
    ('do(action="Enter")', "do('Enter', None, None, None, 'medium', None)"),
    ('do(action="Wait")', "do('Wait', None, None, None, 'medium', None)"),
    (
        'do("Tap", [209, 694, 341, 826])',  # do(self, action=None, element=None, **kwargs)
        "do('Tap', [209, 694, 341, 826], None, None, 'medium', None)",
    ),
    (
        'do(action="Tap", element=[066, 0115, 228, 192])',  # remove_leading_zeros_in_string
        "do('Tap', [66, 115, 228, 192], None, None, 'medium', None)",
    ),
    ('do(action="Type", text="007")', "do('Type', None, '007', None, 'medium', None)"),
    ("finish()", "finish(None)"),
    (
        'Round 3\n```\ndo(action="Tap", element=[408, 1626, 672, 1890])\n```\nthen ```finish()```',
        "do('Tap', [408, 1626, 672, 1890], None, None, 'medium', None)",
    ),  # the first block
    # TextOnlyExecutor's own methods, also in its exec context: the do call each makes.
    (
        "tap([462, 1693, 619, 1870])",
        "do('Tap', [462, 1693, 619, 1870], None, None, 'medium', None)",
    ),
    ("long_press(element=[1, 2])", "do('Long Press', [1, 2], None, None, 'medium', None)"),
    ('swipe(direction="up")', "do('Swipe', None, None, 'up', 'medium', None)"),
    ('type(text="Hello")', "do('Type', None, 'Hello', None, 'medium', None)"),
    ("press_back()", "do('Back', None, None, None, 'medium', None)"),
    ("press_enter()", "do('Enter', None, None, None, 'medium', None)"),
    # ... while the SoM calls of the same names keep their meaning.
    ("tap(index=3)", "tap(3)"),
    ('swipe(2, "up", "long")', "swipe(2, 'up', 'long')"),
    ('type(input_str="abc")', "text('abc')"),
]
# Replies TextOnlyExecutor cannot run (exec raises): errors here too.
XML_UNREADABLE = [
    'do(action="Tap", element=[1, 2, 3, 4]',  # SyntaxError
    'do(action="Tap", element=find_element_by_instruction(instruction="the OK button"))',
    'do(action="Tap", element=[1, 2, 3, 4], argument=None)',  # declared kwargs only here
    'do(action="Tap", element=(1, 2, 3, 4))',  # tap: isinstance(element, list) fails
]


@pytest.mark.parametrize(("reply", "call"), XML_CORPUS)
def test_xml_mode_replies_are_read_as_androidlab_reads_them(reply, call):
    """templates/text_only_mobile.py SYSTEM_PROMPT_ANDROID_TEXT_GPT (do's keyword arguments,
    dist defaulting to "medium"); text_executor.py TextOnlyExecutor.__call__ and .do."""
    assert str(MOBILE_ACTIONS.parse(reply)) == call


@pytest.mark.parametrize("reply", XML_UNREADABLE)
def test_xml_mode_replies_androidlab_cannot_execute_are_errors(reply):
    with pytest.raises(ActionError):
        MOBILE_ACTIONS.parse(reply)


@pytest.mark.parametrize(
    ("element", "point"),
    [
        ([462, 1693, 619, 1870], (540, 1781)),  # the prompt's tap example: centre [540.5, 1781.5]
        ([863, 390, 1021, 672], (942, 531)),
        ([540, 1200], (540, 1200)),  # a point [x, y] is used as it is
        ([0.5, 0, 1.5, 4], (1, 2)),
    ],
)
def test_a_box_is_acted_on_at_its_centre(element, point):
    """text_executor.py TextOnlyExecutor.tap/long_press/swipe: ((x1 + x2) / 2, (y1 + y2) / 2)
    for four numbers, the point itself for two (whole px here)."""
    assert _box_point(element) == point


@pytest.mark.parametrize(
    ("element", "error"),
    [
        ([1, 2, 3], "Invalid element format"),  # TextOnlyExecutor.tap's ValueError
        (None, "Invalid element format"),
        (["a", "b"], "Invalid element format"),
        ([True, 2], "Invalid element format"),
        (
            [-10, -10, -2, -2],
            "The point (-6, -6) of element [-10, -10, -2, -2] is outside the screen "
            "(0..1081, 0..2401).",
        ),
        (
            [0, 2400, 10, 2410],
            "The point (5, 2405) of element [0, 2400, 10, 2410] is outside the "
            "screen (0..1081, 0..2401).",
        ),
    ],
)
def test_bad_boxes_are_feedback(element, error):
    with pytest.raises(ActionError) as raised:
        _box_point(element)
    assert str(raised.value) == error


@pytest.mark.parametrize(
    ("args", "error"),
    [
        ({"action": "Press Back"}, "Unsupported Action"),  # TextOnlyExecutor.do's assert
        ({"action": "tap"}, "Unsupported Action"),
        ({"action": "Type", "text": None}, "text is required for type"),  # TextOnlyExecutor.type
        ({"action": "Swipe", "direction": None}, "direction is required for swipe"),
        ({"action": "Call_API"}, "'TextOnlyExecutor' object has no attribute 'call_api'"),
    ],
)
def test_do_refuses_what_textonlyexecutor_refuses(args, error):
    """TextOnlyExecutor.do/type/swipe raise these before touching the device (call_api is
    commented out), so no phone is opened here."""
    env = MobileEnv(obs_mode="xml")
    call = MOBILE_ACTIONS.bind("do", [], args)
    with pytest.raises(ActionError) as raised:
        env._do(dict(call.args))
    assert str(raised.value) == error


def test_do_is_not_callable_in_som_mode_under_vab_quirks():
    """simple_vision_executor.py VisionExecutor: __get_class_methods__ (exclude_inherited)
    puts only VisionExecutor's own methods in exec's context, so do(...) is a NameError."""
    call = MOBILE_ACTIONS.bind("do", [], {"action": "Back"})
    with pytest.raises(ActionError, match="name 'do' is not defined"):
        MobileEnv(vab_quirks=True)._do(dict(call.args))
