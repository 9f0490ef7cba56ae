"""VAB-Minecraft's executor (``execute``), the scripted stand-in for Steve-1, and its prompt
rules (``check_prompt``); see ``execute.py`` for what it does and why.

A package along the executor's concepts: ``vocabulary`` (prompts into intents), ``kernels``
(numba), ``pathing`` (masks, work arrays, the search box), ``targeting`` (the next target),
``run`` (one call's walk and acts) and ``execute`` (the call and its message).
"""

from vab_gym.envs.minecraft.controller.execute import (
    ATTEMPTED,
    SUBGOAL_MET,
    SUBGOAL_MISSED,
    ExecuteResult,
    execute,
)
from vab_gym.envs.minecraft.controller.pathing import warm_up
from vab_gym.envs.minecraft.controller.run import Status
from vab_gym.envs.minecraft.controller.vocabulary import (
    Intent,
    Mode,
    Target,
    Vocabulary,
    check_prompt,
    parse_prompt,
    similar_references,
    vocabulary,
)

__all__ = [
    "ATTEMPTED",
    "SUBGOAL_MET",
    "SUBGOAL_MISSED",
    "ExecuteResult",
    "Intent",
    "Mode",
    "Status",
    "Target",
    "Vocabulary",
    "check_prompt",
    "execute",
    "parse_prompt",
    "similar_references",
    "vocabulary",
    "warm_up",
]
