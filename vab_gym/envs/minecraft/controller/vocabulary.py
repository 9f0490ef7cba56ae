"""The prompt's vocabulary: ``controller.yaml`` read into verbs and object phrases, VAB's
prompt rules (``check_prompt``), and a prompt parsed into an ``Intent`` (a mode and a target).

Kept apart from the executor because the env checks prompts (``replies.py``) without running
anything, and the phrase table is data, not planning.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import StrEnum
from functools import cache
from importlib import resources

import yaml

from vab_gym.envs.minecraft.rules import rules
from vab_gym.envs.minecraft.world import palette


class Mode(StrEnum):
    """What a prompt asks the executor to do (``controller.yaml``'s ``verbs`` keys); a
    ``StrEnum`` so it still equals the yaml's words."""

    COLLECT = "collect"
    KILL = "kill"  # a verb's mode only: parse_prompt makes it collect (kill and pick up)
    FIND = "find"
    EXPLORE = "explore"
    DIG_DOWN = "dig_down"
    MILK = "milk"
    SHEAR = "shear"
    FILL = "fill"
    WOOL = "wool"  # shear with shears, else kill
    STRIP = "strip"


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
    """A parsed prompt: what to do (``mode``) to what (``target``)."""

    mode: Mode
    target: Target | None = None


# -- vocabulary ---------------------------------------------------------------------------
@dataclass
class Vocabulary:
    """``controller.yaml`` with its phrase table built."""

    data: dict
    verbs: dict[str, Mode]  # word -> mode
    phrases: dict[tuple[str, ...], Target]
    words: set[str]  # every word a verb or phrase uses, to singularize against
    fillers: set[str]
    suffixes: set[str]


@cache
def vocabulary() -> Vocabulary:
    text = resources.files("vab_gym.envs.minecraft").joinpath("controller.yaml").read_text()
    data = yaml.safe_load(text)
    verbs = {w: Mode(mode) for mode, words in data["verbs"].items() for w in words}
    fillers, suffixes = set(data["fillers"]), set(data["suffixes"])
    words = set(verbs) | set(data["dig_words"]) | set(data["dig_verbs"])
    raw: list[tuple[str, Target]] = []
    for entry in data["objects"]:
        target = Target(
            name=entry["say"][0],
            blocks=tuple(entry.get("blocks", ())),
            mobs=tuple(entry.get("mobs", ())),
            items=tuple(entry.get("items", ())),
            special=entry.get("special"),
        )
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
            p in prompt for p in rule.get("phrases", ())
        )
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
    scores = [sentence_bleu([r.split()], prompt.split(), smoothing_function=smooth) for r in refs]
    order = sorted(range(len(refs)), key=lambda i: -scores[i])
    return [refs[order[0]], refs[order[1]]]


def parse_prompt(prompt: str) -> Intent | None:
    """The intent of a verb-object prompt, or None when no object or act is recognised."""
    vocab = vocabulary()
    words = [
        _singular(vocab, w)
        for w in re.sub(r"[^a-z ]", " ", prompt.lower().replace("_", " ")).split()
    ]
    verb_at = next((i for i, w in enumerate(words) if w in vocab.verbs), None)
    verb = words[verb_at] if verb_at is not None else None
    mode = vocab.verbs.get(verb, Mode.COLLECT) if verb else Mode.COLLECT
    rest = [w for i, w in enumerate(words) if i != verb_at]
    tokens = _object_words(vocab, rest)
    matches: list[Target] = []
    i = 0
    while i < len(tokens):
        for n in range(min(5, len(tokens) - i), 0, -1):
            target = vocab.phrases.get(tuple(tokens[i : i + n]))
            if target is not None:
                matches.append(target)
                i += n
                break
        else:
            i += 1
    target = matches[-1] if matches else None  # "break stone, obtain iron ore": the iron
    if target is None:
        if mode == Mode.MILK:
            return Intent(Mode.MILK, Target("cow", mobs=("cow",)))
        if mode == Mode.SHEAR:
            return Intent(Mode.SHEAR, Target("sheep", mobs=("sheep",)))
        if mode == Mode.FILL:
            return Intent(Mode.FILL, _WATER)
        if verb in vocab.data["dig_verbs"] and any(w in vocab.data["dig_words"] for w in rest):
            return Intent(Mode.DIG_DOWN)
        if mode == Mode.FIND and verb is not None:
            return Intent(Mode.EXPLORE)
        return None
    if target.special == "explore":
        return Intent(Mode.EXPLORE)
    if target.special == "water":
        return Intent(Mode.FIND if mode == Mode.FIND else Mode.FILL, _WATER)
    if target.special == "milk" or (mode == Mode.MILK and "cow" in target.mobs):
        return Intent(Mode.MILK, Target("cow", mobs=("cow",)))
    if target.special == "wool" or (mode == Mode.SHEAR and "sheep" in target.mobs):
        sheep = Target("sheep", mobs=("sheep",))
        return Intent(Mode.SHEAR if mode == Mode.SHEAR else Mode.WOOL, sheep)
    if mode == Mode.STRIP and target.blocks:
        return Intent(Mode.STRIP, target)
    return Intent(Mode.FIND if mode == Mode.FIND else Mode.COLLECT, target)


_WATER = Target("water", blocks=("water",), special="water")


def may_give(target: Target | None, goal: str) -> bool:
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
