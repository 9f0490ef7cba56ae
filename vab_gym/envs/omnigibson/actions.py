"""VAB-OmniGibson's 20 actions and ``done()`` (VAB src/server/tasks/omnigibson/prompt.py),
read from a reply as VAB reads it.

VAB's harness cuts the reply (``container.py:Container.execute``), its agent takes the text
after ``ACTION:`` (``agent.py:Agent.step``) and its env splits that text on parentheses and
commas (``env.py:Env.step``); every refusal on the way has VAB's own words. Object ids are
written bare, ``grasp(2.banana)``, which is not a Python literal, so the preparser hands the
parser quoted strings. Nothing is evaluated.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Callable

from vab_gym.core.actions import ActionError, ActionSet, ActionSpec, Param, format_call

OBJ = "the object's identifier shown in the image, e.g. '2.banana'"
NO_ACTION = "None ACTION."  # agent.py's stand-in for a reply without "ACTION"
NO_ACTION_MESSAGE = "You should include 'ACTION: <the action code>' in your response!"
FORMAT_HINT = "Invalid action! You should call the function using the format: function_name(arg)"
NOT_IN_LIST = "Invalid action! You should call the function in the Predefined Action List!"
PUTS = ("put_inside", "put_on_top", "put_under", "put_next_to")
NO_ARGUMENTS = ("turn_left", "turn_right", "get_fridge_view", "raise_camera", "lower_camera")
# A reply that is only a call (the suite's canonical syntax), which VAB's agent would refuse
# for lacking "ACTION:"; see docs/vab-notes.md.
_BARE_CALL = re.compile(r"[A-Za-z_]\w*\([^\n]*\)")
_WORD = re.compile(r"[A-Za-z]+")

# Checks an object argument against the world (VAB's resolution and sight rules) or raises.
ArgumentCheck = Callable[[str, str], None]


def vab_action(reply: str) -> str:
    """The action text VAB takes from a reply, or ``"None ACTION."`` when it has none.

    ``container.py:Container.execute`` drops everything from "Action Feedback:" on and
    everything from a second "ACTION" or "OBSERVATION" on; ``agent.py:Agent.step`` keeps what
    follows the last "ACTION:" with the newlines removed, then the inside of a code fence,
    what follows "python", the inside of backticks, and what precedes "#"."""
    reply = reply.split("Action Feedback:")[0]
    for word in ("ACTION", "OBSERVATION"):
        if reply.count(word) >= 2:
            reply = word.join(reply.split(word, 2)[:2])
    reply = reply.split("<|end_of_text|>")[0]
    if "ACTION" not in reply:
        stripped = reply.strip()
        return stripped if _BARE_CALL.fullmatch(stripped) else NO_ACTION
    action = reply.split("ACTION: ")[-1].split("ACTION:")[-1].replace("\n", "")
    if "```" in action:
        action = action.split("```")[1]
    if "python" in action:
        action = action.split("python")[-1]
    if "`" in action:
        action = action.split("`")[1]
    return action.split("#")[0].strip()


def vab_arguments(action: str) -> tuple[str, list[str]]:
    """``env.py:Env.step``'s split: the name before the first "(", the arguments inside the
    last "(...)" split on commas, each without ``name=``, enclosing quotes, or one leading
    or trailing underscore."""
    if "(" not in action or ")" not in action:
        raise ActionError(FORMAT_HINT)
    name = action.split("(")[0]
    args = []
    for raw in re.split(", |,", action.split("(")[-1].split(")")[0]):
        arg = raw.split("=")[-1]
        value = arg
        if arg[:1] in ("'", '"') and arg[:1] and arg[-1:] in ("'", '"'):
            value = arg[1:-1]
        if arg.startswith("_"):  # VAB tests the unquoted text, and the last rule wins
            value = arg[1:]
        if arg.endswith("_"):
            value = arg[:-1]
        args.append(value)
    return name, args


def vab_parse(reply: str, check: ArgumentCheck | None = None) -> str:
    """A reply -> canonical call text, with VAB's messages in ``env.py:Env.step``'s order:
    no ACTION, no parentheses, unknown function, arguments to a function without any, an
    empty argument, each object argument in turn (``check``), ``done`` with arguments, and
    the argument count last."""
    action = vab_action(reply)
    if action == NO_ACTION:
        raise ActionError(NO_ACTION_MESSAGE)
    name, args = vab_arguments(action)
    if name not in OMNIGIBSON_ACTIONS:
        raise ActionError(unknown_function(name, args))
    if action == "done()":  # main.py compares the whole text
        return "done()"
    if name in NO_ARGUMENTS:
        if args != [""]:
            raise ActionError(f"{name} doesn't need any arguments!")
        return f"{name}()"
    if not args or args[0] == "":
        raise ActionError(FORMAT_HINT)
    if name != "move_to_room" and check is not None:
        for arg in args:
            check(name, arg)
    if name == "done":
        raise ActionError(
            "Invalid action function! You should call the function in the Predefined Action List!"
        )
    wanted = 2 if name in PUTS else 1
    if len(args) != wanted:
        raise ActionError(f"Need {wanted} argument{'s' * (wanted > 1)} for action {name}!")
    return format_call(name, args)


def unknown_function(name: str, args: list[str]) -> str:
    """VAB's refusal of a function it does not have: its hard-coded suggestions, else the
    closest function. VAB asks word2vec (GoogleNews vectors, which cannot ship here) and
    suggests whenever a ``_``-separated part of the name is a word; difflib's closest name
    stands in for the vectors."""
    if name in ("move_to_object", "move_to_obj"):
        suggestion = "move"
    elif name == "move_to":
        numbered = bool(args) and "." in args[0] and args[0].split(".")[0].isdigit()
        suggestion = "move" if numbered else "move_to_room"
    else:
        suggestion = ALIASES.get(name)
    if suggestion is None and any(_WORD.fullmatch(part) for part in name.split("_")):
        suggestion = difflib.get_close_matches(name, list(OMNIGIBSON_ACTIONS.specs), 1, 0.0)[0]
    return NOT_IN_LIST + (f" Do you mean the function '{suggestion}'?" if suggestion else "")


# VAB's hard-coded suggestions for near-miss function names (env.py:Env.step).
ALIASES = {
    "pick_up": "grasp",
    "put_in": "put_inside",
    "place_into": "put_inside",
    "put_on": "put_on_top",
    "place_on": "put_on_top",
    **dict.fromkeys(
        ("place", "put", "place_at"), "put_inside', 'put_on_top', 'put_under' or 'put_next_to"
    ),
}


def _obj(name: str, description: str = OBJ) -> Param:
    return Param(name, str, description)


def _one(name: str, description: str) -> ActionSpec:
    return ActionSpec(name, description, (_obj("obj"),))


def _put(name: str, description: str, target: str) -> ActionSpec:
    return ActionSpec(
        name, description, (_obj("obj1", "the object in your hand"), _obj("obj2", target))
    )


SPECS = (
    _one("grasp", "Grasp the object in your hand."),
    _one("move", "Move yourself towards the object (one you have seen, in your room)."),
    ActionSpec(
        "move_to_room",
        "Move yourself to a random position in the room.",
        (Param("room", str, "a reachable room's name, e.g. 'kitchen_0'"),),
    ),
    ActionSpec("turn_left", "Turn the robot left 90 degrees."),
    ActionSpec("turn_right", "Turn the robot right 90 degrees."),
    ActionSpec("raise_camera", "Raise the camera (0.5 m) to see objects that are higher."),
    ActionSpec("lower_camera", "Lower the camera (0.5 m) to see objects that are lower."),
    _put(
        "put_inside",
        "Put obj1 within your hand inside obj2. If obj2 is openable, make sure "
        "it is open before putting obj1 inside.",
        "the container",
    ),
    _put("put_on_top", "Put obj1 within your hand to the top of obj2.", "the surface"),
    _put("put_under", "Put obj1 within your hand to the bottom of obj2.", "the object above"),
    _put("put_next_to", "Put obj1 within your hand next to obj2.", "the object beside"),
    ActionSpec(
        "get_fridge_view",
        "Get the image captured by a camera in the fridge. This "
        "function is only valid when you are near a fridge and the fridge is open.",
    ),
    _one("cook", "Cook the object."),
    _one("burn", "Burn the object."),
    _one("freeze", "Freeze the object."),
    _one("heat", "Heat the object."),
    _one("open", "Open the object."),
    _one("close", "Close the object."),
    _one("toggle_on", "Toggle on the object."),
    _one("toggle_off", "Toggle off the object."),
    ActionSpec(
        "done",
        "Call this if you think the task is completed; no action can follow. "
        "(The goal is checked after every action: an episode still going is not done.)",
    ),
)


def _parse_without_world(reply: str) -> str:
    return vab_parse(reply)


# Without a world (docs, schemas, parsing alone) object arguments are not checked; the env
# builds its own set whose preparser checks them against the house in VAB's order.
OMNIGIBSON_ACTIONS = ActionSet(*SPECS, preparsers=(_parse_without_world,))


def actions_with_world(check: ArgumentCheck) -> ActionSet:
    """The action set whose parser checks object arguments as VAB does, before arity."""
    return ActionSet(*SPECS, preparsers=(lambda reply: vab_parse(reply, check),))
