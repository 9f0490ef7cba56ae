"""Adapters for RL code: each wrapper is one idea."""

from vab_gym.wrappers.curriculum import Curriculum
from vab_gym.wrappers.grounded import GroundedActions
from vab_gym.wrappers.images import ImageObservation
from vab_gym.wrappers.mask import ActionMaskObservation
from vab_gym.wrappers.stack import rl_env
from vab_gym.wrappers.text_features import TextFeatures

__all__ = [
    "ActionMaskObservation",
    "Curriculum",
    "GroundedActions",
    "ImageObservation",
    "TextFeatures",
    "rl_env",
]
