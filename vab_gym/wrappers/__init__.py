"""Adapters for RL code: each wrapper is one idea."""

from vab_gym.wrappers.grounded import GroundedActions
from vab_gym.wrappers.images import ImageObservation

__all__ = ["GroundedActions", "ImageObservation"]
