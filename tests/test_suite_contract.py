"""The suite's contract (vab_gym/testing.py) on every registered env: one ``EnvContract``
class per env, with the parameters the env's package declares (``CONTRACT``), so that a
sixth env, or one from an entry point, is checked without an edit here."""

import re

from vab_gym.core.registration import PACKAGES
from vab_gym.testing import EnvContract


def contract_class_name(env_id: str) -> str:
    """``VAB-WebArena-Lite-v0`` -> ``TestWebArenaLite``: the test ids name the env."""
    bare = re.sub(r"-v\d+$", "", env_id.removeprefix("VAB-"))
    return "Test" + re.sub(r"[^0-9A-Za-z]", "", bare)


for _env_id, _package in PACKAGES.items():
    _name = contract_class_name(_env_id)
    assert _name not in globals(), f"{_env_id}: a second {_name}"
    globals()[_name] = type(_name, (EnvContract,), {"env_id": _env_id, **_package.contract})
