"""Test parameters shared by several test files."""

import pytest

# The envs that drive Chromium: their cases of a test over every env take seconds each, so
# they are left out of the fast inner loop (`pytest -m "not slow"`) and run in the full one.
BROWSER_ENVS = frozenset({"VAB-CSS-v0", "VAB-Mobile-v0", "VAB-WebArena-Lite-v0"})


def env_ids(ids, slow=BROWSER_ENVS) -> list:
    """``ids`` as pytest parameters, those in ``slow`` marked slow."""
    return [pytest.param(i, marks=pytest.mark.slow) if i in slow else i for i in ids]
