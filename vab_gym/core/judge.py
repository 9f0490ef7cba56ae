"""The judge's verdict, shared by every env."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any


@dataclass(frozen=True)
class Verdict:
    """What a judge decided about an episode's final state.

    ``score`` is the env's continuous measure (1.0 for a plain pass); ``success`` alone
    decides the reward. ``details`` holds the numbers behind the decision.
    """

    success: bool
    score: float
    reason: str
    details: dict[str, Any] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)
