"""Adapters for RL code: each wrapper is one idea."""

from vab_gym.wrappers.grounded import GroundedActions
from vab_gym.wrappers.images import ImageObservation
from vab_gym.wrappers.text_features import TextFeatures

__all__ = ["GroundedActions", "ImageObservation", "TextFeatures"]
