"""VAB-OmniGibson's 20 actions and ``done()`` (VAB src/server/tasks/omnigibson/prompt.py).

VAB's agents write object ids bare, ``grasp(2.banana)``, which is not a Python literal; the
preparser reads VAB's syntax as VAB does (split on commas, strip ``name=``, quotes and
underscores) and hands the parser quoted strings.
"""

from __future__ import annotations

import difflib
import re

from vab_gym.core.actions import ActionError, ActionSet, ActionSpec, Param, action_line, format_call

OBJ = "the object's identifier shown in the image, e.g. '2.banana'"
_CALL = re.compile(r"^\s*([A-Za-z_]\w*)\s*\((.*)\)\s*;?\s*$", re.DOTALL)
_KEYWORD = re.compile(r"^\s*\w+\s*=")
_BARE_NAME = re.compile(r"^\s*[A-Za-z_]\w*\s*$")
FORMAT_HINT = "Invalid action! You should call the function using the format: function_name(arg)"


def _obj(name: str, description: str = OBJ) -> Param:
    return Param(name, str, description)


def _one(name: str, description: str) -> ActionSpec:
    return ActionSpec(name, description, (_obj("obj"),))


def _put(name: str, description: str, target: str) -> ActionSpec:
    return ActionSpec(
        name, description, (_obj("obj1", "the object in your hand"), _obj("obj2", target))
    )


def _vab_syntax(text: str) -> str | None:
    """VAB's call syntax -> canonical call text, with VAB's messages for calls it refuses."""
    line = action_line(text)
    if _BARE_NAME.match(line):
        raise ActionError(FORMAT_HINT)
    match = _CALL.match(line)
    if not match:
        return None
    name, inner = match.groups()
    if name not in OMNIGIBSON_ACTIONS:
        raise ActionError(_unknown_function(name))
    args = [] if not inner.strip() else [_clean(a) for a in inner.split(",")]
    spec = OMNIGIBSON_ACTIONS.specs[name]
    if len(args) != len(spec.params):
        if not spec.params:
            raise ActionError(f"{name} doesn't need any arguments!")
        if not any(args):
            raise ActionError(FORMAT_HINT)
        raise ActionError(
            f"Need {len(spec.params)} argument{'s' * (len(spec.params) > 1)} for action {name}!"
        )
    return format_call(name, args)


def _clean(arg: str) -> str:
    arg = _KEYWORD.sub("", arg).strip().strip("'\"").strip()
    return arg.strip("_")


OMNIGIBSON_ACTIONS = ActionSet(
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
    preparsers=(_vab_syntax,),
)


def _unknown_function(name: str) -> str:
    """VAB's refusal of a function it does not have, with its suggestion (VAB's aliases,
    then the closest name where VAB asks word2vec)."""
    suggestion = ALIASES.get(name) or next(
        iter(difflib.get_close_matches(name, list(OMNIGIBSON_ACTIONS.specs), n=1)), None
    )
    message = "Invalid action! You should call the function in the Predefined Action List!"
    return message + (f" Do you mean the function '{suggestion}'?" if suggestion else "")


# VAB's hard-coded suggestions for near-miss function names (utils/actions.py).
ALIASES = {
    "move_to_object": "move",
    "move_to_obj": "move",
    "pick_up": "grasp",
    "move_to": "move' or 'move_to_room",
    "put_in": "put_inside",
    "place_into": "put_inside",
    "put_on": "put_on_top",
    "place_on": "put_on_top",
    "place": "put_inside', 'put_on_top', 'put_under' or 'put_next_to",
    "put": "put_inside', 'put_on_top', 'put_under' or 'put_next_to",
    "place_at": "put_inside', 'put_on_top', 'put_under' or 'put_next_to",
}
