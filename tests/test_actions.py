"""The action-set machinery: parsing (literals only), binding, prompt and tool schemas."""

import json
from pathlib import Path

import pytest

from vab_gym.core.actions import ActionError, ActionSet, ActionSpec, Param

ACTIONS = ActionSet(
    ActionSpec(
        "craft", "Craft an item.", (Param("item", str, "what"), Param("num", int, "how many", 1))
    ),
    ActionSpec("scale", "Scale.", (Param("factor", float, "by"),)),
    ActionSpec("done", "Finish."),
    preparsers=(lambda text: "done()" if "I am finished" in text else None,),
)


def test_parses_positional_keyword_and_defaults():
    assert ACTIONS.parse('craft("stick")').args == {"item": "stick", "num": 1}
    assert ACTIONS.parse("craft(item='stick', num=4)").args == {"item": "stick", "num": 4}
    assert ACTIONS.parse("scale(2)").args == {"factor": 2.0}
    assert str(ACTIONS.parse('craft("stick", 2)')) == "craft('stick', 2)"


def test_reads_the_action_line_of_an_lmm_reply_and_vab_phrases():
    reply = "Thought: I need sticks.\nAction: craft('stick', 3)\nObservation: ..."
    assert ACTIONS.parse(reply).args == {"item": "stick", "num": 3}
    assert ACTIONS.parse("Well, I am finished here.").name == "done"


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("fly()", "Unknown action 'fly'"),
        ("craft()", "missing argument 'item'"),
        ("craft('a', 'b')", "'num' must be integer"),
        ("craft('a', True)", "'num' must be integer"),
        ("craft('a', 1, 2)", "takes 2 argument(s)"),
        ("craft(thing='a')", "unknown argument 'thing'"),
        ("craft('a', item='b')", "given twice"),
        ("craft(x for x in y)", "literals"),
        ("craft(**{'item': 'a'})", "not allowed"),
        ("craft('a'", "Cannot parse"),
        ("os.system('ls')", "not an action call"),
        ("", "Empty action"),
        ("x" * 30_000, "too long"),
    ],
)
def test_bad_actions_get_clear_messages(text, message):
    with pytest.raises(ActionError, match=None) as err:
        ACTIONS.parse(text)
    assert message in str(err.value)


def test_agent_text_is_never_evaluated(tmp_path: Path):
    marker = tmp_path / "pwned"
    for text in (
        f"craft(__import__('os').system('touch {marker}'))",
        f"craft(open('{marker}', 'w').write('x'))",
        f"__import__('os').system('touch {marker}')",
        f"craft([__import__('os').system('touch {marker}')])",
    ):
        with pytest.raises(ActionError):
            ACTIONS.parse(text)
    assert not marker.exists()


def test_non_strings_are_rejected():
    for value in (None, 3, b"craft('a')", ["craft('a')"]):
        with pytest.raises(ActionError, match="must be a string"):
            ACTIONS.parse(value)


def test_prompt_and_tool_schemas_come_from_the_declaration():
    prompt = ACTIONS.prompt()
    assert "craft(item: str, num: int=1): Craft an item." in prompt
    openai = ACTIONS.tool_schemas("openai")
    craft = openai[0]["function"]
    assert craft["parameters"]["required"] == ["item"]
    assert craft["parameters"]["properties"]["num"]["type"] == "integer"
    anthropic = ACTIONS.tool_schemas("anthropic")
    assert anthropic[1]["input_schema"]["properties"]["factor"]["type"] == "number"
    json.dumps(openai + anthropic)  # plain JSON


def test_tool_calls_become_canonical_text():
    assert ACTIONS.from_tool_call("craft", '{"item": "stick"}') == "craft('stick', 1)"
    assert ACTIONS.parse(ACTIONS.from_tool_call("scale", {"factor": 3})).args == {"factor": 3.0}
    with pytest.raises(ActionError, match="not JSON"):
        ACTIONS.from_tool_call("craft", "{item")
