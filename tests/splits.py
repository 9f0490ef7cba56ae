"""The tasks a whole-split solver test plays: a stratified fifth of the split by default
(so the README test command stays within its time), every task with ``pytest --full-splits``.
The whole splits' rates are measured with ``vab-gym bench --agent solver`` (README); the
recovery rates' samples (tests/test_recovery_*.py) are thinned the same way."""

from collections.abc import Callable, Sequence
from typing import TypeVar

T = TypeVar("T")

STRIDE = 5


def split_sample(items: Sequence[T], full: bool, group: Callable[[T], str]) -> list[T]:
    """Every ``STRIDE``-th item, plus the first item of each group the stride missed (so every
    prototype, app or activity is played); all items when ``full``."""
    if full:
        return list(items)
    chosen = list(items[::STRIDE])
    covered = {group(item) for item in chosen}
    for item in items:
        if group(item) not in covered:
            covered.add(group(item))
            chosen.append(item)
    return chosen


def thin(items: Sequence[T], full: bool) -> list[T]:
    """Every ``STRIDE``-th item, or all of them when ``full``."""
    return list(items) if full else list(items[::STRIDE])
