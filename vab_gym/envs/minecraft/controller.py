"""VAB-Minecraft's ``execute``: a scripted stand-in for the Steve-1 policy.

VAB hands a short verb-object prompt ("chop down the tree", "mine iron ore") to Steve-1, which
plays real Minecraft for up to 800 ticks. Here the prompt is read against ``controller.yaml``
into a target (blocks to break, mobs to kill, dropped stacks, or a special act: milk, shear,
fill a bucket, dig down, explore), and a planner does what Steve would: walk the voxel world to
the nearest reachable target (Dijkstra over standable cells, in numba), dig a staircase to a
buried one, and break or fight it with the held item under Minecraft's rules (``rules.py``),
paying every act's ticks. Steve cannot switch items, so the held item decides what drops.

As in VAB (``jarvis/env/minecraft_env.py``: ``Env.step``), the agent is told one fixed
sentence, and ``goal_item`` is only a stop test: what the executor goes for comes from the
prompt alone, and it is always day (``global_configs/envs/jarvis.yaml``: no daylight cycle).
With ``hints=True`` the executor also says why a turn fell short ("Gained...", the tool that
cannot harvest a block, distances) and steers toward what ``goal_item`` names.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from dataclasses import dataclass, field
from functools import cache
from importlib import resources

import numpy as np
import yaml
from numba import njit

from vab_gym.envs.minecraft.rules import INVENTORY_SLOTS, normalize, rules
from vab_gym.envs.minecraft.world import Mob, Player, World, palette

_MARGIN = 8  # blocks the search box extends beyond the search radius (reach, walking)
_MAX_EXPOSED = 4096  # nearest exposed targets weighed per step
_MAX_BURIED = 24  # nearest buried targets weighed per step (each a staircase estimate)
_NEAR_TICKS = 64.0  # walking ticks of the first, cheap search around the player
_TIERS = ("wooden", "stone", "iron", "diamond", "netherite", "golden")


@dataclass
class ExecuteResult:
    """What one ``execute`` call did."""

    ok: bool  # whether the subgoal was met (with goal_item) / something useful happened
    message: str  # the feedback for the agent
    ticks: int  # ticks used (<= budget)
    gained: Counter  # inventory change (negative for what was used up, e.g. a bucket)


@dataclass(frozen=True)
class Target:
    """What a prompt's object names: blocks to break, mobs to kill, stacks to pick up."""

    name: str
    blocks: tuple[str, ...] = ()
    mobs: tuple[str, ...] = ()
    items: tuple[str, ...] = ()
    special: str | None = None  # water | milk | wool | explore


@dataclass(frozen=True)
class Intent:
    """A parsed prompt: ``mode`` is collect | find | explore | dig_down | milk | shear | fill |
    wool (shear with shears, else kill)."""

    mode: str
    target: Target | None = None


# -- vocabulary ---------------------------------------------------------------------------
@dataclass
class Vocabulary:
    """``controller.yaml`` with its phrase table built."""

    data: dict
    verbs: dict[str, str]  # word -> mode
    phrases: dict[tuple[str, ...], Target]
    words: set[str]  # every word a verb or phrase uses, to singularize against
    fillers: set[str]
    suffixes: set[str]


@cache
def vocabulary() -> Vocabulary:
    data = yaml.safe_load(resources.files(__package__).joinpath("controller.yaml").read_text())
    verbs = {w: mode for mode, words in data["verbs"].items() for w in words}
    fillers, suffixes = set(data["fillers"]), set(data["suffixes"])
    words = set(verbs) | set(data["dig_words"]) | set(data["dig_verbs"])
    raw: list[tuple[str, Target]] = []
    for entry in data["objects"]:
        target = Target(
            name=entry["say"][0],
            blocks=tuple(entry.get("blocks", ())),
            mobs=tuple(entry.get("mobs", ())),
            items=tuple(entry.get("items", ())),
            special=entry.get("special"))
        raw += [(say, target) for say in entry["say"]]
    # Every block and mob also answers to its own name (iron_ore, lily_of_the_valley...).
    for name in palette().names[1:]:
        raw.append((name.replace("_", " "), Target(name, blocks=(name,))))
    for kind in palette().entities:
        raw.append((kind, Target(kind, mobs=(kind,))))
    for say, _ in raw:
        words.update(say.split())
    vocab = Vocabulary(data, verbs, {}, words, fillers, suffixes)
    for say, target in raw:
        key = tuple(_object_words(vocab, say.split()))
        vocab.phrases.setdefault(key, target)  # the yaml's own entries come first
    return vocab


def _singular(vocab: Vocabulary, word: str) -> str:
    if word in vocab.words:
        return word
    for end, repl in (("ies", "y"), ("ves", "f"), ("es", ""), ("s", "")):
        if word.endswith(end) and word[: -len(end)] + repl in vocab.words:
            return word[: -len(end)] + repl
    return word


def _object_words(vocab: Vocabulary, words: list[str]) -> list[str]:
    """Drop fillers, and suffix words ("ore", "blocks") unless nothing else is left."""
    kept = [w for w in words if w not in vocab.fillers]
    core = [w for w in kept if w not in vocab.suffixes]
    return core if core else kept[:1]


def check_prompt(prompt: str) -> str | None:
    """VAB's prompt rules: the error message, or None when the prompt is acceptable."""
    data = vocabulary().data
    words = prompt.split()
    for rule in data["prompt_rules"]:
        hit = any(w in words for w in rule["words"]) or any(
            p in prompt for p in rule.get("phrases", ()))
        if hit and ("with" not in rule or any(w in words for w in rule["with"])):
            return rule["error"]
    message = None
    if any(w in words for w in data["complex_words"]):
        message = data["complex_error"]
    if len(words) >= data["long_words"]:
        message = data["long_error"]
    if message is None:
        return None
    first, second = similar_references(prompt)
    return f"{message}`{first}` or `{second}`."


def similar_references(prompt: str) -> list[str]:
    """``prompt_examiner.pick_similar_reference``: VAB's two reference prompts closest to
    ``prompt`` by sentence BLEU (smoothing method 4), in VAB's order on ties."""
    from nltk.translate.bleu_score import SmoothingFunction, sentence_bleu

    smooth = SmoothingFunction().method4
    refs = vocabulary().data["reference_prompts"]
    scores = [sentence_bleu([r.split()], prompt.split(), smoothing_function=smooth)
              for r in refs]
    order = sorted(range(len(refs)), key=lambda i: -scores[i])
    return [refs[order[0]], refs[order[1]]]


def parse_prompt(prompt: str) -> Intent | None:
    """The intent of a verb-object prompt, or None when no object or act is recognised."""
    vocab = vocabulary()
    words = [_singular(vocab, w) for w in re.sub(r"[^a-z ]", " ",
                                                  prompt.lower().replace("_", " ")).split()]
    verb_at = next((i for i, w in enumerate(words) if w in vocab.verbs), None)
    verb = words[verb_at] if verb_at is not None else None
    mode = vocab.verbs.get(verb, "collect") if verb else "collect"
    rest = [w for i, w in enumerate(words) if i != verb_at]
    tokens = _object_words(vocab, rest)
    matches: list[Target] = []
    i = 0
    while i < len(tokens):
        for n in range(min(5, len(tokens) - i), 0, -1):
            target = vocab.phrases.get(tuple(tokens[i:i + n]))
            if target is not None:
                matches.append(target)
                i += n
                break
        else:
            i += 1
    target = matches[-1] if matches else None  # "break stone, obtain iron ore": the iron
    if target is None:
        if mode == "milk":
            return Intent("milk", Target("cow", mobs=("cow",)))
        if mode == "shear":
            return Intent("shear", Target("sheep", mobs=("sheep",)))
        if mode == "fill":
            return Intent("fill", _WATER)
        if verb in vocab.data["dig_verbs"] and any(w in vocab.data["dig_words"] for w in rest):
            return Intent("dig_down")
        if mode == "find" and verb is not None:
            return Intent("explore")
        return None
    if target.special == "explore":
        return Intent("explore")
    if target.special == "water":
        return Intent("find" if mode == "find" else "fill", _WATER)
    if target.special == "milk" or (mode == "milk" and "cow" in target.mobs):
        return Intent("milk", Target("cow", mobs=("cow",)))
    if target.special == "wool" or (mode == "shear" and "sheep" in target.mobs):
        sheep = Target("sheep", mobs=("sheep",))
        return Intent("shear" if mode == "shear" else "wool", sheep)
    if mode == "strip" and target.blocks:
        return Intent("strip", target)
    return Intent("find" if mode == "find" else "collect", target)


_WATER = Target("water", blocks=("water",), special="water")


# -- numba kernels ------------------------------------------------------------------------
@njit(cache=True, inline="always")
def _before(d_a, i_a, d_b, i_b):
    """The heap's order: by distance, then by flat index (heapq's order of (d, i) tuples)."""
    return d_a < d_b or (d_a == d_b and i_a < i_b)


@njit(cache=True)
def _dijkstra(solid, water, stand, start, limit, walk, jump, water_factor, fall,
              dist, prev, done, count, heap_d, heap_i, size, resume):
    """Ticks to walk from ``start`` to every standable cell (8 directions, step up 1, drop 3)
    within ``limit``, into the flat work arrays ``dist`` (distance; exact where settled,
    an upper bound above ``limit`` at cells left in the heap, inf where unreached),
    ``prev`` (predecessor, read only where ``dist`` is finite) and ``done`` (the cells
    settled, in order); returns ``(count, heap_d, heap_i, size)``: the settled cells and
    the heap left over.

    The search stops at the first heap entry beyond ``limit`` instead of never pushing
    it, so ``resume`` (same box, start and blocks) continues a search to a wider limit
    where a new one would settle the same cells again: cells settle in the order of
    ``(d, i)`` either way, with the same predecessors, so the result is the one a fresh
    search to the wider limit gives. The work arrays outlive a search (``_Paths``): a new
    search sets the cells the last one wrote (settled, and still in its heap) back to inf,
    which is cheaper than filling a box-sized array. The heap is two arrays ordered as
    heapq orders ``(d, i)`` tuples, so cells settle in the same order, with the same
    predecessors, as with heapq."""
    sx, sy, sz = stand.shape
    if not resume:
        for k in range(count):
            dist[done[k]] = np.inf
        for k in range(size):
            dist[heap_i[k]] = np.inf
        count = 0
        s = (start[0] * sy + start[1]) * sz + start[2]
        dist[s] = 0.0
        prev[s] = -1
        heap_d[0], heap_i[0] = 0.0, s
        size = 1
    dxs = (1, -1, 0, 0, 1, 1, -1, -1)
    dzs = (0, 0, 1, -1, 1, -1, 1, -1)
    while size > 0:
        d, i = heap_d[0], heap_i[0]
        if d > limit:  # the rest lies beyond the limit: left for a resumed search
            break
        size -= 1
        if size > 0:  # sift the last entry down from the root
            last_d, last_i = heap_d[size], heap_i[size]
            pos = 0
            while True:
                c = 2 * pos + 1
                if c >= size:
                    break
                if c + 1 < size and _before(heap_d[c + 1], heap_i[c + 1], heap_d[c], heap_i[c]):
                    c += 1
                if not _before(heap_d[c], heap_i[c], last_d, last_i):
                    break
                heap_d[pos], heap_i[pos] = heap_d[c], heap_i[c]
                pos = c
            heap_d[pos], heap_i[pos] = last_d, last_i
        if d > dist[i]:
            continue
        done[count] = i
        count += 1
        x = i // (sy * sz)
        y = (i // sz) % sy
        z = i % sz
        for k in range(8):
            dx, dz = dxs[k], dzs[k]
            nx, nz = x + dx, z + dz
            if nx < 0 or nz < 0 or nx >= sx or nz >= sz or y + 1 >= sy:
                continue
            ny = -1
            cost = walk
            if dx != 0 and dz != 0:
                if not stand[nx, y, nz] or solid[x + dx, y, z] or solid[x + dx, y + 1, z] \
                        or solid[x, y, z + dz] or solid[x, y + 1, z + dz]:
                    continue
                ny = y
                cost = walk * 1.4142
            elif stand[nx, y, nz]:
                ny = y
            elif y + 2 < sy and stand[nx, y + 1, nz] and not solid[x, y + 2, z]:
                ny = y + 1
                cost = walk + jump
            elif not solid[nx, y, nz] and not solid[nx, y + 1, nz]:
                for drop in range(1, 4):
                    yy = y - drop
                    if yy < 1:
                        break
                    if stand[nx, yy, nz]:
                        ny = yy
                        cost = walk + fall * drop
                        break
                    if solid[nx, yy, nz]:
                        break
            if ny < 0:
                continue
            if water[nx, ny, nz] or water[nx, ny - 1, nz]:
                cost *= water_factor
            nd = d + cost
            j = (nx * sy + ny) * sz + nz
            if nd < dist[j]:
                dist[j] = nd
                prev[j] = i
                if size == heap_d.shape[0]:  # grow the heap
                    grown_d = np.empty(2 * size)
                    grown_i = np.empty(2 * size, np.int64)
                    grown_d[:size] = heap_d
                    grown_i[:size] = heap_i
                    heap_d, heap_i = grown_d, grown_i
                pos = size  # sift the new entry up
                size += 1
                while pos > 0:
                    parent = (pos - 1) >> 1
                    if not _before(nd, j, heap_d[parent], heap_i[parent]):
                        break
                    heap_d[pos], heap_i[pos] = heap_d[parent], heap_i[parent]
                    pos = parent
                heap_d[pos], heap_i[pos] = nd, j
    return count, heap_d, heap_i, size


@njit(cache=True)
def _approach(dist, cells, offsets):
    """For each target cell, the cheapest reachable stand cell among ``offsets`` from it."""
    sx, sy, sz = dist.shape
    k = cells.shape[0]
    best = np.full(k, np.inf)
    where = np.full(k, -1, np.int64)
    for t in range(k):
        for m in range(offsets.shape[0]):
            x = cells[t, 0] + offsets[m, 0]
            y = cells[t, 1] + offsets[m, 1]
            z = cells[t, 2] + offsets[m, 2]
            if x < 0 or y < 0 or z < 0 or x >= sx or y >= sy or z >= sz:
                continue
            if dist[x, y, z] < best[t]:
                best[t] = dist[x, y, z]
                where[t] = (x * sy + y) * sz + z
    return best, where


@njit(cache=True)
def _dig_estimate(cells, costs, targets, per_step):
    """For each buried target, the cheapest stand cell to start a staircase from: walking
    ticks there plus ``per_step`` for each staircase step to the target."""
    k = targets.shape[0]
    best = np.full(k, np.inf)
    where = np.full(k, -1, np.int64)
    for t in range(k):
        for c in range(cells.shape[0]):
            h = abs(cells[c, 0] - targets[t, 0]) + abs(cells[c, 2] - targets[t, 2])
            steps = max(h, abs(cells[c, 1] - targets[t, 1]), 1) - 1
            total = costs[c] + per_step * steps
            if total < best[t]:
                best[t] = total
                where[t] = c
    return best, where


@njit(cache=True)
def _box_targets(blocks, solid, lut):
    """The box's targets (cells whose block ``lut`` marks), those exposed (a face-adjacent
    cell inside the box is not solid), the exposed cells in ``np.argwhere`` order, and
    whether any target is buried: one pass, where numpy made a dozen box-sized arrays."""
    sx, sy, sz = blocks.shape
    target = np.zeros((sx, sy, sz), np.bool_)
    exposed = np.zeros((sx, sy, sz), np.bool_)
    cells = np.empty((4096, 3), np.int64)
    count = 0
    any_buried = False
    for x in range(sx):
        for y in range(sy):
            for z in range(sz):
                if not lut[blocks[x, y, z]]:
                    continue
                target[x, y, z] = True
                if ((x > 0 and not solid[x - 1, y, z]) or (x + 1 < sx and not solid[x + 1, y, z])
                        or (y > 0 and not solid[x, y - 1, z])
                        or (y + 1 < sy and not solid[x, y + 1, z])
                        or (z > 0 and not solid[x, y, z - 1])
                        or (z + 1 < sz and not solid[x, y, z + 1])):
                    exposed[x, y, z] = True
                    if count == cells.shape[0]:
                        grown = np.empty((2 * count, 3), np.int64)
                        grown[:count] = cells
                        cells = grown
                    cells[count, 0], cells[count, 1], cells[count, 2] = x, y, z
                    count += 1
                else:
                    any_buried = True
    return target, exposed, cells[:count].copy(), any_buried


def _cells(mask: np.ndarray) -> np.ndarray:
    """``np.argwhere(mask)`` (the same cells, in the same order), through the flat indices:
    ``argwhere`` of a big, mostly False 3-D mask costs ~15x more."""
    return np.stack(np.unravel_index(np.flatnonzero(mask), mask.shape), -1)


def _stand_mask(solid: np.ndarray, water: np.ndarray) -> np.ndarray:
    """Cells one can stand in: feet and head free, solid (or a water surface) below."""
    stand = np.zeros_like(solid)
    stand[:, 1:-1] = (~solid[:, 1:-1] & ~solid[:, 2:]
                      & (solid[:, :-2] | (water[:, :-2] & ~water[:, 1:-1])))
    return stand


@cache
def _offsets(kind: str) -> np.ndarray:
    """Feet offsets from a target cell from which the player acts on it, nearest first."""
    data = vocabulary().data
    r = 6
    grid = np.stack(np.meshgrid(*[np.arange(-r, r + 1)] * 3, indexing="ij"), -1).reshape(-1, 3)
    if kind == "block":  # eye (feet + 1.62) to block centre
        d = np.linalg.norm(grid + np.array([0.0, 1.12, 0.0]), axis=1)
        keep = d <= data["reach"]
    elif kind == "mob":
        d = np.hypot(grid[:, 0], grid[:, 2]) + 0.1 * np.abs(grid[:, 1])
        keep = (np.hypot(grid[:, 0], grid[:, 2]) <= data["mob_reach"]) & (np.abs(grid[:, 1]) <= 2)
    else:  # a dropped stack: walk onto it
        d = np.abs(grid).sum(axis=1).astype(float)
        keep = (np.abs(grid[:, 0]) <= 1) & (np.abs(grid[:, 2]) <= 1) & (np.abs(grid[:, 1]) <= 1)
    order = np.argsort(d[keep], kind="stable")
    return np.ascontiguousarray(grid[keep][order].astype(np.int64))


@dataclass
class _Masks:
    """Solidity, water and standability of a whole world, and the grid they were made from
    (so that edits made outside the executor are noticed and the masks remade)."""

    blocks: np.ndarray
    solid: np.ndarray
    water: np.ndarray
    stand: np.ndarray


def _world_masks(world: World) -> _Masks:
    masks = world.__dict__.get("_masks")
    if (masks is None or masks.blocks.shape != world.blocks.shape
            or not np.array_equal(masks.blocks, world.blocks)):
        solid_lut, water_id = _block_tables()
        solid = np.take(solid_lut, world.blocks)
        water = world.blocks == water_id
        masks = _Masks(world.blocks.copy(), solid, water, _stand_mask(solid, water))
        world.__dict__["_masks"] = masks
    return masks


def _clear_masks(masks: _Masks, cell: np.ndarray) -> None:
    """Keep a world's masks true after the block at ``cell`` became air."""
    x, y, z = (int(c) for c in cell)
    masks.blocks[x, y, z] = 0
    masks.solid[x, y, z] = masks.water[x, y, z] = False
    solid, water, height = masks.solid, masks.water, masks.solid.shape[1]
    for yy in range(max(1, y - 1), min(height - 1, y + 2)):
        below = solid[x, yy - 1, z] or (water[x, yy - 1, z] and not water[x, yy, z])
        masks.stand[x, yy, z] = not solid[x, yy, z] and not solid[x, yy + 1, z] and below


@dataclass
class _Paths:
    """One world's Dijkstra work arrays (flat, world-sized), reused by every search in it:
    filling a fresh box-sized ``dist`` took longer than a short search itself. A search's
    ``dist`` and ``prev`` hold until the next search in the same world."""

    dist: np.ndarray  # float64, inf except at done[:count] and heap_i[:size]
    prev: np.ndarray  # int64
    done: np.ndarray  # int64
    count: int = 0  # the cells the last search settled
    heap_d: np.ndarray = field(default_factory=lambda: np.empty(4096))
    heap_i: np.ndarray = field(default_factory=lambda: np.empty(4096, np.int64))
    size: int = 0  # the entries the last search left in its heap (beyond its limit)


def _paths(world: World, size: int) -> _Paths:
    paths = world.__dict__.get("_paths")
    if paths is None or paths.dist.shape[0] < size:
        n = max(size, world.blocks.size)
        paths = _Paths(np.full(n, np.inf), np.empty(n, np.int64), np.empty(n, np.int64))
        world.__dict__["_paths"] = paths
    return paths


@cache
def _block_tables() -> tuple[np.ndarray, int]:
    pal = palette()
    return pal.solid, pal.id("water")


def warm_up() -> None:
    """Compile the numba kernels (cached on disk), so the first ``execute`` is fast."""
    solid = np.zeros((3, 4, 3), bool)
    solid[:, 0] = True
    stand = _stand_mask(solid, np.zeros_like(solid))
    paths = _Paths(np.full(stand.size, np.inf), np.empty(stand.size, np.int64),
                   np.empty(stand.size, np.int64))
    _dijkstra(solid, np.zeros_like(solid), stand, np.array([1, 1, 1]), 100.0, 4.6, 2.0, 2.0,
              0.5, paths.dist, paths.prev, paths.done, 0, paths.heap_d, paths.heap_i, 0, False)
    dist = paths.dist
    dist = dist.reshape(stand.shape)
    _approach(dist, np.zeros((1, 3), np.int64), _offsets("block"))
    _dig_estimate(np.zeros((1, 3), np.int64), np.zeros(1), np.zeros((1, 3), np.int64), 1.0)
    crop = (slice(1, None),) * 3  # the box is a crop of the world: strided views, as here
    _box_targets(np.zeros((4, 4, 4), np.uint8)[crop], np.zeros((4, 4, 4), bool)[crop],
                 np.ones(1, bool))


# -- the search box -----------------------------------------------------------------------
class _Box:
    """A crop of the world around the player: solidity, water, standability and, for the
    prompt's blocks, which of them are targets and which are exposed (an open face)."""

    def __init__(self, world: World, feet: np.ndarray, radius: int, lut: np.ndarray) -> None:
        size = np.array(world.shape)
        below = np.array([radius + _MARGIN, radius + 4, radius + _MARGIN])
        above = np.array([radius + _MARGIN + 1, radius + 8, radius + _MARGIN + 1])
        lo, hi = np.maximum(0, feet - below), np.minimum(size, feet + above)
        self.lo, self.hi, self.center = lo, hi, feet.copy()
        crop = (slice(lo[0], hi[0]), slice(lo[1], hi[1]), slice(lo[2], hi[2]))
        blocks = world.blocks[crop]
        # Views of the world's masks: what `cleared` changes here stays true for the world.
        self.masks = _world_masks(world)
        self.solid = self.masks.solid[crop]
        self.water = self.masks.water[crop]
        self.stand = self.masks.stand[crop]
        if not lut.any():
            self.target = np.zeros(blocks.shape, bool)
            self.exposed = np.zeros_like(self.target)
            self.exposed_cells = np.zeros((0, 3), np.int64)
            self.any_buried = False
            return
        self.target, self.exposed, self.exposed_cells, any_buried = _box_targets(
            blocks, self.solid, lut)
        self.any_buried = bool(any_buried)

    def local(self, cell: np.ndarray) -> np.ndarray:
        return np.asarray(cell) - self.lo

    def inside(self, cell: np.ndarray) -> bool:
        return bool(np.all(cell >= self.lo) and np.all(cell < self.hi))

    def cleared(self, cell: np.ndarray) -> None:
        """A block at world ``cell`` became air (the world's masks, which this box views,
        are already updated): update the targets and what is exposed around it."""
        if not self.inside(cell):
            return
        x, y, z = self.local(cell)
        self.target[x, y, z] = self.exposed[x, y, z] = False
        new = []
        for d in ((1, 0, 0), (-1, 0, 0), (0, 1, 0), (0, -1, 0), (0, 0, 1), (0, 0, -1)):
            n = (x + d[0], y + d[1], z + d[2])
            if all(0 <= n[i] < self.solid.shape[i] for i in range(3)) and self.target[n] \
                    and not self.exposed[n]:
                self.exposed[n] = True
                new.append(n)
        if new:
            self.exposed_cells = np.concatenate([self.exposed_cells, np.array(new)])


# -- a run of the executor ----------------------------------------------------------------
@dataclass
class _Choice:
    cost: float
    kind: str  # block | mob | item | dig
    cell: np.ndarray  # world cell of the target (a mob's or stack's feet cell)
    stand: int  # flat box index of the cell to walk to
    mob: Mob | None = None
    item: tuple | None = None  # the dropped stack itself (indices shift as stacks go)


@dataclass
class _Run:
    world: World
    player: Player
    rng: np.random.Generator
    budget: int
    intent: Intent
    goal: str | None
    want: int
    hints: bool = False
    used: float = 0.0
    notes: list[str] = field(default_factory=list)
    soft: list[str] = field(default_factory=list)
    lost: Counter = field(default_factory=Counter)
    got: Counter = field(default_factory=Counter)
    full: bool = False
    box: _Box | None = None
    arrived: bool = False
    skip: list = field(default_factory=list)  # buried targets a staircase could not reach
    search: tuple | None = None  # (box, start) of the last search, while it can be resumed

    def __post_init__(self) -> None:
        data = vocabulary().data
        self.data = data
        self.ticks = data["ticks"]
        self.radius = data["radius"]
        pal = palette()
        lut = np.zeros(len(pal.names), bool)
        target = self.intent.target
        if target and self.goal and self.intent.mode == "collect" and self.hints:
            # "chop down trees" for oak_log: go for the oaks (of what the prompt names).
            blocks = tuple(b for b in target.blocks if _may_give(Target(b, blocks=(b,)), self.goal))
            mobs = tuple(m for m in target.mobs if _may_give(Target(m, mobs=(m,)), self.goal))
            if blocks or mobs:
                target = Target(target.name, blocks, mobs, target.items, target.special)
                self.intent = Intent(self.intent.mode, target)
        for name in (target.blocks if target else ()):
            lut[pal.id(name)] = True
        self.lut = lut
        self.origin = self.player.pos.copy()

    # -- bookkeeping ----------------------------------------------------------------------
    @property
    def remaining(self) -> float:
        return self.budget - self.used

    def note(self, line: str, soft: bool = False) -> None:
        """A reason line; ``soft`` ones (the turn simply ended) only matter on a shortfall."""
        lines = self.soft if soft else self.notes
        if line not in lines:
            lines.append(line)

    def goal_done(self) -> bool:
        inv = self.player.inventory
        return self.goal is not None and rules().judge_count(inv, self.goal) >= self.want

    def gain(self, item: str, n: int) -> None:
        """Put ``n`` of ``item`` in the inventory; what does not fit is lost."""
        if n <= 0:
            return
        inv, book = self.player.inventory, rules()
        stack = book.stack_size(item)
        have = inv.get(item, 0)
        room = (-have) % stack + (INVENTORY_SLOTS - book.slots_used(inv)) * stack
        keep = max(0, min(n, room))
        if keep:
            inv[item] += keep
            self.got[item] += keep
        if keep < n:
            self.lost[item] += n - keep
            self.full = True

    def feet(self) -> np.ndarray:
        return np.floor(self.player.pos).astype(np.int64)

    def face(self, point: np.ndarray) -> None:
        d = np.asarray(point, float) - self.player.pos
        if abs(d[0]) + abs(d[2]) > 1e-9:
            self.player.yaw = float(math.degrees(math.atan2(-d[0], d[2])))

    def held(self) -> str | None:
        return self.player.equipped

    # -- the box and walking --------------------------------------------------------------
    def ensure_box(self) -> _Box:
        feet = self.feet()
        if self.box is None or np.abs(feet - self.box.center).max() > _MARGIN:
            self.box = _Box(self.world, feet, self.radius, self.lut)
            for cell in self.skip:
                if self.box.inside(cell):
                    self.box.target[tuple(self.box.local(cell))] = False
        return self.box

    def field(self, limit: float | None = None, wider: bool = False
              ) -> tuple[np.ndarray, np.ndarray]:
        """Walking ticks from the player to every cell of the box (within ``limit``: exact
        there, above ``limit`` or inf beyond), and each cell's predecessor: views of the
        world's work arrays, good until the next search. ``wider``: the last search, from
        here in this box with no block changed since, goes on to the wider ``limit``
        (the same result as a new search, without settling its cells again)."""
        box = self.ensure_box()
        t = self.ticks
        start = np.clip(box.local(self.feet()), 0, np.array(box.solid.shape) - 1)
        shape, size = box.solid.shape, box.solid.size
        paths = _paths(self.world, size)
        key = (id(box), tuple(int(c) for c in start))
        resume = wider and self.search == key
        paths.count, paths.heap_d, paths.heap_i, paths.size = _dijkstra(
            box.solid, box.water, box.stand, start.astype(np.int64),
            float(self.remaining if limit is None else limit), float(t["walk"]),
            float(t["jump"]), float(t["water"]), float(t["fall"]),
            paths.dist, paths.prev, paths.done, paths.count, paths.heap_d, paths.heap_i,
            paths.size, resume)
        self.search = key
        self.reached = np.stack(np.unravel_index(paths.done[:paths.count], shape), -1)
        return paths.dist[:size].reshape(shape), paths.prev[:size]

    def within_reach(self) -> np.ndarray | None:
        """An exposed target block the player can mine without moving, nearest first."""
        box = self.ensure_box()
        feet = box.local(self.feet())
        lo = np.maximum(0, feet - 6)
        hi = feet + 7
        sub = box.exposed[lo[0]:hi[0], lo[1]:hi[1], lo[2]:hi[2]]
        if not sub.any():
            return None
        cells = _cells(sub) + lo
        far = np.linalg.norm(cells + 0.5 - (feet + np.array([0.5, 1.62, 0.5])), axis=1)
        k = int(np.argmin(far))
        if far[k] > self.data["reach"]:
            return None
        return cells[k] + box.lo

    def walk(self, dist: np.ndarray, prev: np.ndarray, goal: int) -> bool:
        """Walk the shortest path to flat box cell ``goal`` as far as the budget allows,
        picking up stacks on the way; whether the goal was reached."""
        box = self.box
        path = []
        i = goal
        while i >= 0:
            path.append(i)
            i = prev[i]
        path.reverse()
        flat = dist.reshape(-1)
        reached = len(path)
        for k, i in enumerate(path):
            if flat[i] > self.remaining:
                reached = k
                break
        if reached == 0:
            return False
        cells = np.stack(np.unravel_index(np.array(path[:reached]), dist.shape), -1) + box.lo
        self.used += float(flat[path[reached - 1]])
        self.player.pos = cells[-1] + np.array([0.5, 0.0, 0.5])
        if len(cells) > 1:
            self.face(self.player.pos + (cells[-1] - cells[-2]))
        self.pick_up_along(cells)
        return reached == len(path)

    def pick_up_along(self, cells: np.ndarray) -> None:
        items = self.world.items
        if not items:
            return
        spots = np.floor(np.array([p for p, _, _ in items], float)).astype(np.int64)
        near = np.zeros(len(items), bool)
        for chunk in np.array_split(cells, max(1, len(cells) // 256)):
            gap = np.abs(spots[:, None, :] - chunk[None, :, :])
            near |= ((gap[..., 0] <= 1) & (gap[..., 2] <= 1) & (gap[..., 1] <= 1)).any(axis=1)
        if near.any():
            self.take_items(np.nonzero(near)[0])

    def take_items(self, indices: np.ndarray) -> None:
        drop = set(int(i) for i in indices)
        kept = []
        for i, (pos, name, count) in enumerate(self.world.items):
            if i in drop and not self.full:
                self.gain(name, count)
            else:
                kept.append((pos, name, count))
        self.world.items[:] = kept

    # -- breaking -------------------------------------------------------------------------
    def break_block(self, cell: np.ndarray, target: bool = False) -> str:
        """Mine the block at world ``cell`` with the held item: ok | blocked | budget."""
        pal, book, world = palette(), rules(), self.world
        if not world.inside(*cell):
            return "blocked"
        name = pal.names[world.blocks[tuple(cell)]]
        if target and pal.shape[world.blocks[tuple(cell)]] == "plant":
            while cell[1] > 0 and world.blocks[cell[0], cell[1] - 1, cell[2]] \
                    == world.blocks[tuple(cell)]:
                cell = cell - np.array([0, 1, 0])  # a stalk's base: the whole stalk drops
        if name == "air":
            return "ok"
        if name == "water":
            self.note(f"Digging toward the target was blocked by water at {_xyz(cell)}.")
            return "blocked"
        can, ticks = book.harvest(name, self.held())
        if ticks >= 10**6:
            self.note(f"The executor cannot break {name}: it blocked the way.")
            return "blocked"
        if ticks > self.remaining:
            self.used = float(self.budget)
            if target:
                self.note(f"Breaking {name} takes {ticks} ticks with "
                          f"{self.held() or 'your hand'}: the turn ended before it broke.",
                          soft=True)
            return "budget"
        self.used += ticks
        self.face(cell + 0.5)
        self.set_air(cell)
        if can and target and self.intent.mode == "strip" and name.endswith(("_log", "_wood")):
            self.gain(f"stripped_{name}", 1)  # stripped with the axe, then mined
        elif can:
            for item, n in book.block_drops(name, self.rng):
                self.gain(item, n)
        else:
            self.note(self.cannot_harvest(name))
        above = cell + np.array([0, 1, 0])
        while world.inside(*above) and pal.shape[world.blocks[tuple(above)]] == "plant":
            plant = pal.names[world.blocks[tuple(above)]]  # sugar cane, flowers on top pop
            self.set_air(above)
            for item, n in book.block_drops(plant, self.rng):
                self.gain(item, n)
            above = above + np.array([0, 1, 0])
        return "ok"

    def set_air(self, cell: np.ndarray) -> None:
        self.world.blocks[tuple(cell)] = 0
        self.search = None  # a search made before this change cannot be resumed
        if self.box is not None:
            _clear_masks(self.box.masks, cell)
            self.box.cleared(np.asarray(cell))

    def cannot_harvest(self, block: str) -> str:
        tool = _weakest_tool(block)
        better = f" Equip a {tool} or better." if tool else ""
        held = self.held()
        who = f"Your equipped {held} cannot" if held else "With nothing equipped you cannot"
        return f"{who} harvest {block}: it broke without dropping anything.{better}"

    # -- choosing the next target ---------------------------------------------------------
    def choose(self, dist: np.ndarray) -> _Choice | None:
        """The cheapest reachable target: exposed blocks, buried blocks (by a staircase
        estimate), mobs and dropped stacks, all within the search radius."""
        box, feet, best = self.box, self.feet(), None
        intent = self.intent
        target = intent.target
        if target and target.blocks:
            cells = box.exposed_cells
            if len(cells):
                cells = cells[box.target[cells[:, 0], cells[:, 1], cells[:, 2]]]
                box.exposed_cells = cells
                far = np.linalg.norm(cells + box.lo - feet, axis=1)
                ok = far <= self.radius
                cells, far = cells[ok], far[ok]
                if len(cells) > _MAX_EXPOSED:
                    keep = np.argpartition(far, _MAX_EXPOSED)[:_MAX_EXPOSED]
                    cells, far = cells[keep], far[keep]
                if len(cells):
                    cost, where = _approach(dist, cells.astype(np.int64), _offsets("block"))
                    cost = cost + 1e-3 * far
                    k = int(np.argmin(cost))
                    if np.isfinite(cost[k]):
                        best = _Choice(float(cost[k]), "block", cells[k] + box.lo, int(where[k]))
            if target.special != "water":
                best = self.buried(dist, best)
        if target and (target.mobs or intent.mode in ("milk", "shear", "wool")):
            best = self.nearest_mob(dist, best)
        best = self.nearest_item(dist, best)
        return best

    def buried(self, dist: np.ndarray, best: _Choice | None) -> _Choice | None:
        box, feet = self.box, self.feet()
        if not box.any_buried:  # e.g. flowers, sugar cane: never under anything
            return best
        local = box.local(feet)
        for half in (10, 24, self.radius + _MARGIN):
            lo = np.maximum(0, local - half)
            hi = local + half + 1
            sub = box.target[lo[0]:hi[0], lo[1]:hi[1], lo[2]:hi[2]] \
                & ~box.exposed[lo[0]:hi[0], lo[1]:hi[1], lo[2]:hi[2]]
            cells = _cells(sub) + lo
            if len(cells):
                break
        if not len(cells):
            return best
        far = np.linalg.norm(cells + box.lo - feet, axis=1)
        ok = far <= self.radius
        cells, far = cells[ok], far[ok]
        if not len(cells):
            return best
        if len(cells) > _MAX_BURIED:
            keep = np.argsort(far, kind="stable")[:_MAX_BURIED]
            cells, far = cells[keep], far[keep]
        reach = self.reached
        costs = dist[reach[:, 0], reach[:, 1], reach[:, 2]]
        _, stone = rules().harvest("stone", self.held())
        per_step = self.ticks["walk"] + 2.5 * stone
        cost, where = _dig_estimate(reach.astype(np.int64), costs, cells.astype(np.int64),
                                    float(per_step))
        cost = cost + 1e-3 * far
        k = int(np.argmin(cost))
        if np.isfinite(cost[k]) and (best is None or cost[k] < best.cost):
            stand = reach[where[k]]
            flat = int(np.ravel_multi_index(tuple(stand), dist.shape))
            return _Choice(float(cost[k]), "dig", cells[k] + box.lo, flat)
        return best

    def nearest_mob(self, dist: np.ndarray, best: _Choice | None) -> _Choice | None:
        box, feet = self.box, self.feet()
        kinds = set(self.intent.target.mobs)
        mobs = [m for m in self.world.mobs if m.kind in kinds
                and not (self.intent.mode == "shear" and getattr(m, "sheared", False))]
        if not mobs:
            return best
        cells = np.floor(np.array([m.pos for m in mobs])).astype(np.int64)
        far = np.linalg.norm(cells - feet, axis=1)
        cost, where = _approach(dist, cells - box.lo, _offsets("mob"))
        cost = np.where(far <= self.radius, cost + 1e-3 * far, np.inf)
        k = int(np.argmin(cost))
        if np.isfinite(cost[k]) and (best is None or cost[k] < best.cost):
            return _Choice(float(cost[k]), "mob", cells[k], int(where[k]), mob=mobs[k])
        return best

    def nearest_item(self, dist: np.ndarray, best: _Choice | None) -> _Choice | None:
        target, items = self.intent.target, self.world.items
        if target is None or not items or self.intent.mode in ("milk", "shear", "fill", "find"):
            return best
        wanted = set(target.items)
        pickups = self.data["pickups"]
        for kind in target.mobs:
            wanted.update(pickups.get(kind, ()))
        if self.goal and self.hints:
            wanted.update(rules().members(self.goal))
        index = [i for i, (_, name, _) in enumerate(items) if name in wanted]
        if not index:
            return best
        cells = np.floor(np.array([items[i][0] for i in index], float)).astype(np.int64)
        far = np.linalg.norm(cells - self.feet(), axis=1)
        cost, where = _approach(dist, cells - self.box.lo, _offsets("item"))
        cost = np.where(far <= self.radius, cost + 1e-3 * far, np.inf)
        k = int(np.argmin(cost))
        if np.isfinite(cost[k]) and (best is None or cost[k] < best.cost):
            return _Choice(float(cost[k]), "item", cells[k], int(where[k]),
                           item=items[index[k]])
        return best

    # -- digging a staircase --------------------------------------------------------------
    def dig_to(self, target: np.ndarray) -> str:
        """Dig from the player's feet toward buried ``target`` until it can be mined:
        ok | blocked | budget."""
        up = np.array([0, 1, 0])
        for _ in range(512):
            cur = self.feet()
            if self.touches(cur, target):
                return "ok"
            gap = target - cur
            if gap[0] or gap[2]:
                axis = 0 if abs(gap[0]) >= abs(gap[2]) else 2
                step = np.zeros(3, np.int64)
                step[axis] = np.sign(gap[axis])
                dy = -1 if target[1] < cur[1] else (1 if target[1] > cur[1] + 1 else 0)
                new = cur + step + dy * up
                clear = [new, new + up] + ([new + 2 * up] if dy < 0 else []) \
                    + ([cur + 2 * up] if dy > 0 else [])
            elif target[1] < cur[1]:
                new = cur - up
                clear = [new]
            else:  # straight above: clear up to it
                clear = [cur + k * up for k in range(2, int(target[1] - cur[1]))]
                new = cur
            for cell in clear:
                if np.array_equal(cell, target):
                    return "ok"
                status = self.break_block(cell)
                if status != "ok":
                    return status
            if self.full:
                return "full"
            if np.array_equal(new, cur):
                return "ok"
            if self.ticks["walk"] > self.remaining:
                self.used = float(self.budget)
                return "budget"
            self.used += self.ticks["walk"]
            self.player.pos = new + np.array([0.5, 0.0, 0.5])
            self.settle()
        return "blocked"

    def touches(self, cur: np.ndarray, target: np.ndarray) -> bool:
        """Whether the player at feet ``cur`` can mine ``target`` (open face, in reach)."""
        eye = cur + np.array([0.5, 1.62, 0.5])
        if np.linalg.norm(target + 0.5 - eye) > self.data["reach"]:
            return False
        solid, _ = _block_tables()
        for d in ((1, 0, 0), (-1, 0, 0), (0, 1, 0), (0, -1, 0), (0, 0, 1), (0, 0, -1)):
            n = target + np.array(d)
            if self.world.inside(*n) and not solid[self.world.blocks[tuple(n)]]:
                return True
        return False

    def settle(self) -> None:
        """Fall until something solid (or water) is underfoot."""
        solid, water = _block_tables()
        feet = self.feet()
        while feet[1] > 0:
            below = self.world.blocks[feet[0], feet[1] - 1, feet[2]]
            if solid[below] or below == water:
                break
            feet[1] -= 1
        self.player.pos = feet + np.array([0.5, 0.0, 0.5])

    # -- acting on a mob ------------------------------------------------------------------
    def fight(self, mob: Mob) -> bool:
        """Hit ``mob`` with the held item until it dies (or the budget ends)."""
        dmg = float(self.data["damage"].get(self.held(), 1))
        hostile = palette().entities.get(mob.kind, {}).get("hostile", False)
        per_hit = self.ticks["attack"] + (self.ticks["hostile"] if hostile else 0)
        hits = max(1, math.ceil(mob.health / dmg))
        affordable = int(self.remaining // per_hit)
        self.face(mob.pos + np.array([0.0, 0.5, 0.0]))
        if affordable < hits:
            mob.health -= affordable * dmg
            self.used += affordable * per_hit
            return False
        self.used += hits * per_hit
        self.world.mobs[:] = [m for m in self.world.mobs if m is not mob]  # Mob's == is per field
        drops = rules().mob_drops(mob.kind, self.rng)
        for item, n in self.data["extra_mob_drops"].get(mob.kind, []):
            if not (item.endswith("wool") and getattr(mob, "sheared", False)):
                drops.append((item, n))
        for item, n in drops:
            self.gain(item, n)
        return True

    def use_bucket(self, full: str) -> bool:
        """Turn one held empty bucket into ``full``."""
        inv = self.player.inventory
        if self.ticks["pickup"] > self.remaining:
            self.used = float(self.budget)
            return False
        self.used += self.ticks["pickup"]
        inv["bucket"] -= 1
        if inv["bucket"] <= 0:
            del inv["bucket"]
            self.player.equipped = full
        self.gain(full, 1)
        return True

    # -- the modes ------------------------------------------------------------------------
    def needs(self) -> str | None:
        """What the act needs held, when it is missing: the reason line."""
        mode, held, inv = self.intent.mode, self.held(), self.player.inventory
        if mode == "milk" and (held != "bucket" or inv.get("bucket", 0) <= 0):
            return "You need to hold a bucket to milk a cow: equip it first."
        if mode == "fill" and (held != "bucket" or inv.get("bucket", 0) <= 0):
            return "You need to hold an empty bucket to collect water: equip it first."
        if mode == "shear" and held != "shears":
            return "You need to hold shears to shear a sheep: equip them first."
        if mode == "strip" and not (held or "").endswith("_axe"):
            return "You need to hold an axe to strip logs: equip it first."
        return None

    def run(self) -> None:
        if self.intent.mode == "wool":
            shears = self.held() == "shears"
            self.intent = Intent("shear" if shears else "collect", self.intent.target)
        missing = self.needs()
        if missing:
            self.note(missing)
            return
        if self.goal_done():
            return
        if self.intent.mode == "dig_down":
            self.dig_down()
        elif self.intent.mode == "explore":
            self.explore()
        else:
            self.collect()

    def collect(self) -> None:
        mode, name = self.intent.mode, _target_name(self.intent.target)
        found = False
        for _ in range(2000):
            if self.remaining < 1 or self.goal_done() or self.full:
                return
            if mode in ("milk", "fill") and self.needs():
                self.note("You have no empty bucket left.")
                return
            if mode in ("collect", "strip") and self.intent.target.blocks:
                cell = self.within_reach()
                if cell is not None:  # next block of a tree or a vein: no path needed
                    found = True
                    if self.break_block(cell, target=True) == "budget":
                        return
                    continue
            # Near first (a small field is cheap), then the whole turn, then beyond it.
            # Each wider limit resumes the last search (nothing changed in between).
            for k, limit in enumerate((min(_NEAR_TICKS, self.remaining), self.remaining,
                                       np.inf)):
                dist, prev = self.field(limit, wider=k > 0)
                choice = self.choose(dist)
                if choice is not None and choice.cost <= limit:
                    break
            if choice is None:
                self.no_target(name, found)
                return
            found = True
            far = np.linalg.norm(choice.cell - self.player.pos)
            if not self.walk(dist, prev, choice.stand):
                self.used = float(self.budget)
                self.note(f"The nearest {name} was {far:.0f} blocks away: the turn ended on "
                          "the way there.", soft=True)
                return
            if choice.kind == "dig":
                status = self.dig_to(choice.cell)
                if status == "blocked":
                    self.skip.append(choice.cell)
                    if self.box.inside(choice.cell):
                        self.box.target[tuple(self.box.local(choice.cell))] = False
                    continue
                if status != "ok":
                    return
            if mode == "find":
                self.face(choice.cell + 0.5)
                self.arrived = True
                walked = np.hypot(*(self.player.pos - self.origin)[[0, 2]])
                self.note(f"Reached {name} after walking {walked:.0f} blocks.")
                return
            if choice.kind in ("block", "dig"):
                if mode == "fill":
                    self.face(choice.cell + 0.5)
                    if not self.use_bucket("water_bucket"):
                        return
                elif self.break_block(choice.cell, target=True) == "budget":
                    return
            elif choice.kind == "mob":
                if not self.act_on_mob(choice.mob):
                    return
            else:
                still = [i for i, it in enumerate(self.world.items) if it is choice.item]
                if still:  # not already picked up on the way
                    if self.ticks["pickup"] > self.remaining:
                        self.used = float(self.budget)
                        return
                    self.used += self.ticks["pickup"]
                    self.take_items(np.array(still))
                    continue

    def act_on_mob(self, mob: Mob) -> bool:
        mode = self.intent.mode
        if mode == "milk":
            self.face(mob.pos)
            return self.use_bucket("milk_bucket")
        if mode == "shear":
            if self.ticks["pickup"] > self.remaining:
                self.used = float(self.budget)
                return False
            self.used += self.ticks["pickup"]
            self.face(mob.pos)
            mob.sheared = True  # a Mob attribute only the controller reads
            low, high = self.data["shear_wool"]
            self.gain("white_wool", int(self.rng.integers(low, high + 1)))
            return True
        return self.fight(mob)

    def no_target(self, name: str, found: bool) -> None:
        more = "more " if found else ""
        self.note(f"No {more}reachable {name} within {self.radius} blocks.")

    def dig_down(self) -> None:
        pal = palette()
        while self.remaining > 0 and not self.goal_done() and not self.full:
            self.settle()
            feet = self.feet()
            below = feet - np.array([0, 1, 0])
            if below[1] < 0:
                self.note("There is nothing left to dig under you.")
                return
            name = pal.names[self.world.blocks[tuple(below)]]
            status = self.break_block(below, target=True)
            if status != "ok":
                if status == "blocked" and name == "bedrock":
                    self.note("You reached bedrock: there is nothing more to dig down.")
                return
        self.settle()

    def explore(self) -> None:
        box = self.ensure_box()
        dist, prev = self.field()
        reach = self.reached
        if len(reach) <= 1:
            self.note("There is no way to walk from here.")
            return
        spots = reach + box.lo
        flat_d = np.hypot(spots[:, 0] - self.origin[0], spots[:, 2] - self.origin[2])
        score = flat_d + self.rng.random(len(reach))
        k = int(np.argmax(score))
        self.walk(dist, prev, int(np.ravel_multi_index(tuple(reach[k]), dist.shape)))
        moved = float(np.hypot(*(self.player.pos - self.origin)[[0, 2]]))
        self.arrived = moved >= self.data["explore_distance"]
        if self.arrived:
            self.note(f"Walked {moved:.0f} blocks away from where you were.")
        else:
            self.note(f"The executor could only get {moved:.0f} blocks away from where you "
                      "were.")


def _xyz(cell: np.ndarray) -> str:
    return f"({int(cell[0])}, {int(cell[1])}, {int(cell[2])})"


def _target_name(target: Target | None) -> str:
    if target is None:
        return "target"
    names = list(target.blocks) or list(target.mobs) or list(target.items)
    if len(names) > 3:
        return target.name
    return " or ".join(names) if names else target.name


@cache
def _weakest_tool(block: str) -> str | None:
    """The least tool that harvests ``block`` (golden tools last: they wear out fast)."""
    book = rules()
    ids = book.blocks.get(block, {}).get("harvestTools")
    if not ids:
        return None
    names = {i["id"]: i["name"] for i in book.md.items_list}
    tools = [names[int(i)] for i in ids if int(i) in names]

    def tier(name: str) -> int:
        return next((k for k, t in enumerate(_TIERS) if name.startswith(t)), len(_TIERS))

    return min(tools, key=tier) if tools else None


def _gained_line(gained: Counter, order: Counter) -> str:
    plus = [(k, gained[k]) for k in order if gained.get(k, 0) > 0]
    plus += [(k, n) for k, n in gained.items() if n > 0 and k not in order]
    if not plus:
        return "Gained nothing."
    return "Gained: " + ", ".join(f"{n} {k}" for k, n in plus) + "."


SUBGOAL_MET = "Your subgoal has been successfully completed by the executor."
SUBGOAL_MISSED = ("The executor has reached the maximum number of steps for this turn without "
                  "completing your subgoal.")
ATTEMPTED = ("The executor has attempted to execute the action according to your prompt. You "
             "should check whether your intention has been fulfilled.")


def execute(world: World, player: Player, prompt: str, goal_item: str | None, num: int | None,
            rng: np.random.Generator, budget: int = 800, *, hints: bool = False,
            stop: tuple[str, int] | None = None) -> ExecuteResult:
    """Carry out a verb-object ``prompt`` for up to ``budget`` ticks, as VAB's Steve-1 would.

    With ``goal_item`` the run stops once the inventory has ``num`` more of it than the slot
    VAB's code reads (``Env.step``: ``min(64, num + quantity)``; ``num`` when there is none),
    and the message says whether it did; without, it stops at ``stop`` (VAB passes the
    task's goal) and the message is VAB's "attempted" sentence. ``hints`` adds the reasons."""
    error = check_prompt(prompt)
    if error:
        return ExecuteResult(False, error, 0, Counter())
    book = rules()
    goal, want = (normalize(goal_item), 0) if goal_item else (stop or (None, 0))
    if goal_item:
        held = book.slot_amount(player.inventory, goal)
        want = min(64, (num or 1) + held) if held else (num or 1)
    intent = parse_prompt(prompt)
    if intent is None:
        if hints:
            message = vocabulary().data["unknown"].format(prompt=prompt)
            return ExecuteResult(False, message, 0, Counter())
        world.tick += budget  # Steve-1 plays its turn out on a prompt it cannot follow
        return ExecuteResult(False, SUBGOAL_MISSED if goal_item else ATTEMPTED, budget,
                             Counter())
    before = Counter(player.inventory)
    run = _Run(world, player, rng, budget, intent, goal, want, hints)
    run.run()
    ticks = int(min(budget, math.ceil(run.used)))
    world.tick += ticks
    after = player.inventory
    keys = list(before) + [k for k in after if k not in before]
    gained = Counter({k: after.get(k, 0) - before.get(k, 0)
                      for k in keys if after.get(k, 0) != before.get(k, 0)})
    useful = any(n > 0 for n in gained.values()) or run.arrived
    ok = run.goal_done() if goal_item else useful
    lines = [(SUBGOAL_MET if ok else SUBGOAL_MISSED) if goal_item else ATTEMPTED]
    if hints:
        lines += _reasons(run, prompt, goal if goal_item else None, want, ok, intent, gained)
    return ExecuteResult(bool(ok), "\n".join(lines), ticks, gained)


def _reasons(run: _Run, prompt: str, goal: str | None, want: int, ok: bool, intent: Intent,
             gained: Counter) -> list[str]:
    """The hint lines VAB does not give: why the turn fell short, and what was gained."""
    player = run.player
    if run.lost:
        lost = ", ".join(f"{n} {k}" for k, n in run.lost.items())
        verb = "was" if sum(run.lost.values()) == 1 else "were"
        run.note(f"Your inventory is full: {lost} {verb} lost.")
    if (goal and not ok and intent.mode == "collect" and not _may_give(intent.target, goal)
            and not any(gained.get(m, 0) > 0 for m in rules().members(goal))):
        run.note(f"`{prompt}` does not give {goal}.")
    if not ok and not run.notes and not run.soft:
        if goal:
            have = rules().judge_count(player.inventory, goal)
            run.note(f"The turn ended before the subgoal was met: you have {have} of the "
                     f"{want} {goal} wanted.")
        else:
            run.note("Nothing happened that changed your inventory.")
    return run.notes + (run.soft if not ok else []) + [_gained_line(gained, run.got)]


def _may_give(target: Target | None, goal: str) -> bool:
    """Whether breaking, killing or picking up ``target`` can ever yield ``goal``."""
    if target is None:
        return True
    book = rules()
    goals = set(book.members(goal))
    products: set[str] = set(target.items)
    for block in target.blocks:
        products.add(block)
        products.update(i for i, _ in book.drop_overrides.get(block, ()))
        products.update(e["item"] for e in book.md.blockLoot.get(block, ()))
    for kind in target.mobs:
        products.update(e["item"] for e in book.md.entityLoot.get(kind, ()))
        products.update(vocabulary().data["pickups"].get(kind, ()))
    return bool(goals & products)
