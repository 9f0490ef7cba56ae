"""VAB's kit commands on the embedded world: Minecraft's ``/fill``, ``/setblock`` and
``/summon`` with ``~``-relative coordinates, as a task's setup sends them, applied to the
block arrays and mob list that :mod:`worldgen` made. Block names map to the palette through
``worldgen.yaml``'s ``block_aliases``; commands that change nothing the world holds are
ignored, and one that cannot be read is skipped with a warning, never an error.
"""

from __future__ import annotations

import logging
import re

import numpy as np

from vab_gym.envs.minecraft.world import Mob, World, palette
from vab_gym.envs.minecraft.worldgen import config

log = logging.getLogger(__name__)

_NUM = r"-?(?:\d+\.?\d*|\.\d+)"
_C = rf"(~(?:{_NUM})?|{_NUM})"
_BLOCK = r"(?:minecraft:)?([a-z0-9_]+)(?:\[[^\]]*\])?(?:\{.*\})?"
_FILL = re.compile(
    rf"fill\s+{_C}\s+{_C}\s+{_C}\s+{_C}\s+{_C}\s+{_C}\s+{_BLOCK}"
    rf"(?:\s+(replace|destroy|keep|hollow|outline)(?:\s+{_BLOCK})?)?\s*",
    re.I,
)
_SETBLOCK = re.compile(
    rf"setblock\s+{_C}\s+{_C}\s+{_C}\s+{_BLOCK}(?:\s+(replace|destroy|keep))?\s*", re.I
)
_SUMMON = re.compile(
    rf"summon\s+(?:minecraft:)?([a-z0-9_]+)(?:\s+{_C}\s+{_C}\s+{_C})?(?:\s+(\{{.*\}}))?\s*", re.I
)
_ITEM_ID = re.compile(r"""\bid\s*:\s*["']?(?:minecraft:)?([a-z0-9_]+)""", re.I)
_ITEM_COUNT = re.compile(r"\bCount\s*:\s*(\d+)", re.I)
_NO_AI = re.compile(r"\bNoAI\s*:\s*(?:1b?|true)\b", re.I)
# Commands that change nothing the world holds (forceloading, effects, difficulty, the player's
# inventory, which VAB sets separately).
_IGNORED = {
    "forceload",
    "effect",
    "difficulty",
    "give",
    "gamerule",
    "time",
    "weather",
    "say",
    "tellraw",
    "title",
    "spawnpoint",
    "setworldspawn",
    "clear",
    "xp",
    "experience",
    "tp",
    "teleport",
    "gamemode",
}


def _coords(tokens: tuple[str, ...], origin: np.ndarray) -> np.ndarray:
    """Float positions of `~`-relative or absolute (grid) coordinates."""
    out = []
    for tok, o in zip(tokens, origin, strict=True):
        if tok.startswith("~"):
            out.append(float(o) + (float(tok[1:]) if len(tok) > 1 else 0.0))
        else:
            out.append(float(tok))
    return np.array(out)


def _block_id(name: str) -> int | None:
    """The palette id of a kit's block name, via obvious stand-ins; None if there is none."""
    names = palette().names
    name = name.lower()
    name = config()["block_aliases"].get(name, name)
    return names.index(name) if name in names else None


def apply_commands(world: World, commands: list[str], origin: np.ndarray) -> None:
    """Run VAB's kit commands (Minecraft /fill, /setblock, /summon with ~relative coords)
    around origin."""
    origin = np.asarray(origin, dtype=float)
    for command in commands:
        try:
            _apply(world, command, origin)
        except Exception:  # a kit line must never take the episode down
            log.warning("kit command failed, skipped: %r", command, exc_info=True)


def _apply(world: World, command: str, origin: np.ndarray) -> None:
    text = command.strip().removeprefix("/")
    verb = text.split(maxsplit=1)[0].lower() if text else ""
    if verb in _IGNORED:
        log.debug("kit command ignored: %r", command)
        return
    if verb == "fill" and (m := _FILL.fullmatch(text)):
        g = m.groups()
        _fill(world, _coords(g[0:3], origin), _coords(g[3:6], origin), g[6], g[7], g[8], command)
    elif verb == "setblock" and (m := _SETBLOCK.fullmatch(text)):
        p = _coords(m.groups()[0:3], origin)
        mode = "keep" if (m.group(5) or "").lower() == "keep" else None
        _fill(world, p, p, m.group(4), mode, None, command)
    elif verb == "summon" and (m := _SUMMON.fullmatch(text)):
        _summon(world, m, origin, command)
    else:
        log.warning("kit command not understood, skipped: %r", command)


def _fill(
    world: World,
    a: np.ndarray,
    b: np.ndarray,
    block: str,
    mode: str | None,
    only: str | None,
    command: str,
) -> None:
    bid = _block_id(block)
    if bid is None:
        log.warning("block %r not in the palette, command skipped: %r", block, command)
        return
    lo = np.floor(np.minimum(a, b)).astype(int)
    hi = np.floor(np.maximum(a, b)).astype(int)
    shape = np.array(world.blocks.shape)
    clo, chi = np.maximum(lo, 0), np.minimum(hi, shape - 1)
    if np.any(clo > chi):
        log.debug("kit command outside the world: %r", command)
        return
    sl = tuple(slice(int(i), int(j) + 1) for i, j in zip(clo, chi, strict=True))
    region = world.blocks[sl]
    mode = (mode or "replace").lower()
    axes = np.ogrid[tuple(slice(int(i), int(j) + 1) for i, j in zip(clo, chi, strict=True))]
    shell = np.zeros(region.shape, bool)
    for ax, coord in enumerate(axes):
        shell |= (coord == lo[ax]) | (coord == hi[ax])
    if mode == "keep":
        region[region == 0] = bid
    elif mode == "hollow":
        region[shell] = bid
        region[~shell] = 0
    elif mode == "outline":
        region[shell] = bid
    elif only is not None:  # replace <filter>
        fid = _block_id(only)
        if fid is None:
            log.warning("filter block %r not in the palette: %r", only, command)
            return
        region[region == fid] = bid
    else:
        region[...] = bid


def _summon(world: World, m: re.Match, origin: np.ndarray, command: str) -> None:
    kind = m.group(1).lower()
    coords = m.groups()[1:4]
    pos = origin.copy() if coords[0] is None else _coords(coords, origin)
    nbt = m.group(5) or ""
    if kind == "item":
        item = _ITEM_ID.search(nbt)
        if item is None:
            log.warning("item without an id, skipped: %r", command)
            return
        count = _ITEM_COUNT.search(nbt)
        world.items.append((pos, item.group(1).lower(), int(count.group(1)) if count else 1))
        return
    if kind not in palette().entities:
        log.warning("mob %r unknown to the palette, skipped: %r", kind, command)
        return
    health = float(config()["mobs"]["health"].get(kind, 10))
    world.mobs.append(Mob(kind, pos, health, still=bool(_NO_AI.search(nbt))))
