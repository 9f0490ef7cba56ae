"""VAB-Minecraft's reply handling, rewritten from VAB's code: the harness's rewriting
(``src/server/tasks/minecraft/container.py``: ``Container.execute``), the agent's extraction
of the action (``jarvis/agent/minecraft_agent.py``: ``Agent.step``) and the env's lenient
argument reading with its error strings (``jarvis/env/minecraft_env.py``: ``Env.step``).

Everything is string surgery on literals, as in VAB: ``craft(stick)``, ``craft("stick","2")``,
``Craft(``, ``obj=`` and backticks all work; nothing is evaluated. The result is canonical
call text for :class:`~vab_gym.core.actions.ActionSet`, or an :class:`ActionError` carrying
VAB's message.

One departure: VAB's harness needs "ACTION" in a reply (else "Error: Invalid output...");
vab-gym's action *is* a call, so text without an ACTION marker is read as the action itself.
"""

from __future__ import annotations

from vab_gym.core.actions import ActionError, format_call
from vab_gym.envs.minecraft.controller import check_prompt
from vab_gym.envs.minecraft.rules import UNKNOWN_ERROR

FUNCTIONS = ("craft", "smelt", "equip", "teleport_to_spawn", "look_up", "execute")
# The order Agent.step looks for calls in.
_SEARCH_ORDER = ("execute", "look_up", "craft", "smelt", "equip", "teleport_to_spawn")
TERMINATE = "terminate"  # the canonical prompt of VAB's "terminate"/"task_complete" exit
NO_ACTION = "None ACTION."


def harness_rewrite(reply: str) -> str:
    """``Container.execute``: "Action:" spellings become "ACTION:", and only the first
    ACTION (and OBSERVATION) section is kept."""
    reply = reply.split("Feedback on the Action: ")[0]
    for old, new in (
        ("Action:", "ACTION:"),
        ("Observation:", "OBSERVATION:"),
        ("action:", "ACTION:"),
        ("observation:", "OBSERVATION:"),
    ):
        reply = reply.replace(old, new)
    for word in ("ACTION", "OBSERVATION"):
        if reply.count(word) >= 2:
            reply = word.join(reply.split(word, 2)[:2])
    return reply.split("<|end_of_text|>")[0]


def extract_action(reply: str) -> str:
    """``Agent.step``: the action VAB executes (and shows in its feedback) for a reply."""
    reply = harness_rewrite(reply)
    # vab-gym's departure: without an ACTION marker the reply is the action (VAB: NO_ACTION).
    action = reply.split("ACTION: ")[-1].split("ACTION:")[-1] if "ACTION" in reply else reply
    action = action.replace("\n", "")
    if "```" in action:
        action = action.split("```")[1]
    if action.count("`") == 2:
        action = action.split("`")[1]
    if action.startswith("python"):
        action = action.split("python")[-1]
    for name in _SEARCH_ORDER:
        if f"{name}(" in action:
            action = f"{name}(" + action.split(f"{name}(", 1)[-1]
            break
    return action.split("#")[0].strip()


def _unquote(arg: str, lower: bool = True) -> str:
    """Env.step's argument cleaning: after ``=``, one quote off each end, then strip."""
    if "=" in arg:
        arg = arg.split("=")[1]
    if arg.startswith(('"', "'")):
        arg = arg[1:]
    if arg.endswith(('"', "'")):
        arg = arg[:-1]
    arg = arg.strip()
    return arg.lower() if lower else arg


def vab_call(reply: str) -> str:
    """A reply as VAB reads it: canonical call text, or :class:`ActionError` with VAB's
    message. A preparser of :data:`~vab_gym.envs.minecraft.actions.MINECRAFT_ACTIONS`."""
    action = extract_action(reply)
    if "execute(" in action and ("terminate" in action or "task_complete" in action):
        return format_call("execute", [TERMINATE])  # Agent.step: the episode ends, failed
    try:
        return _read_call(action)
    except ActionError:  # an ActionError is a ValueError: VAB's own message, as it is
        raise
    except (IndexError, ValueError):  # Env.step's catch-all
        raise ActionError(UNKNOWN_ERROR) from None


def _read_call(action: str) -> str:
    for name in FUNCTIONS:
        action = action.replace(f"{name.capitalize()}(", f"{name}(")
        action = action.replace(f"{name} (", f"{name}(")
    if action.startswith("execute("):
        return _read_execute(action.split("(")[1].split(")")[0].strip())
    func = next((f for f in FUNCTIONS if action.startswith(f"{f}(")), None)
    if func is None:
        message = (
            "Error: Invalid function. Please use one of the following functions: "
            "`craft`, `smelt`, `equip`, `teleport_to_spawn`, `look_up`, or `execute`."
        )
        if "(" not in action or ")" not in action:
            message = "Error: Invalid action. Please use the format of python function: func(args)."
        if action == NO_ACTION:
            message = 'Error: Invalid output. You should include "ACTION" in your output.'
        raise ActionError(message)
    args_str = action.split("(")[1].split(")")[0].replace(", ", ",")
    if func == "teleport_to_spawn":
        if args_str.strip():
            raise ActionError("Error: `teleport_to_spawn` function takes no argument.")
        return "teleport_to_spawn()"
    if args_str in ("", " "):
        raise ActionError(f"Error: `{func}` function takes at least one argument.")
    args = [_unquote(a) for a in args_str.split(",")]
    if func in ("equip", "look_up"):
        if len(args) != 1:
            raise ActionError(f"Error: `{func}` function takes exactly 1 argument.")
        return format_call(func, args)
    if len(args) == 1:
        return format_call(func, [args[0], 1])
    if len(args) > 2:
        raise ActionError(f"Error: `{func}` function takes 1 or 2 arguments.")
    if not args[1].isdigit():
        raise ActionError(f"Error: the second argument of `{func}` function must be an integer.")
    if int(args[1]) < 1:
        raise ActionError(
            f"Error: the second argument of `{func}` function must be an integer greater than 0."
        )
    return format_call(func, [args[0], int(args[1])])


def _read_execute(args_str: str) -> str:
    """Env.step's ``execute``: one quoted prompt, or a prompt, a goal item and a count."""
    separator = next((s for s in ('",', "',") if s in args_str), None)
    if separator is None:
        if "=" in args_str:
            args_str = args_str.split("=")[1]
        if not (args_str.startswith(('"', "'")) and args_str.endswith(('"', "'"))):
            raise ActionError(
                "Error: the `prompt` and `goal_item` argument in `execute` function must be string."
            )
        return _checked(format_call("execute", [args_str[1:-1].strip()]), args_str[1:-1])
    prompt, *rest = args_str.split(separator)
    if "=" in prompt:
        prompt = prompt.split("=")[1]
    prompt = prompt.strip()
    if prompt.startswith(('"', "'")):
        prompt = prompt[1:]
    prompt = prompt.strip()
    error = check_prompt(prompt)
    if error:
        raise ActionError(error)
    if len(rest) == 1:
        inner = next((s for s in ("',", '",') if s in rest[0]), None)
        if inner is None:
            raise ActionError(
                "Error: the `execute` function takes 1 or 3 arguments. And the "
                "second argument must be a string."
            )
        rest = rest[0].split(inner)
    goal, num = (_unquote(a.strip()) for a in rest[:2])
    if not num.isdigit():
        raise ActionError("Error: the third argument of `execute` function must be an integer.")
    return format_call("execute", [prompt, goal, int(num)])


def _checked(call: str, prompt: str) -> str:
    error = check_prompt(prompt.strip())
    if error:
        raise ActionError(error)
    return call
