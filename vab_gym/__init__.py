"""vab-gym: VisualAgentBench's environments as one Gymnasium suite.

``import vab_gym`` registers the environments; then ``gymnasium.make("VAB-CSS-v0")``.
"""

from vab_gym.core.actions import ActionError, ActionSet, ActionSpec, Param
from vab_gym.core.env import EarlyStop, VabEnv
from vab_gym.core.registration import ENVIRONMENTS, register_all
from vab_gym.core.tasks import Task, TaskSet

__all__ = [
    "ENVIRONMENTS",
    "ActionError",
    "ActionSet",
    "ActionSpec",
    "EarlyStop",
    "Param",
    "Task",
    "TaskSet",
    "VabEnv",
]
__version__ = "0.1.0"

register_all()
