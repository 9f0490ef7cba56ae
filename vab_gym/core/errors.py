"""The suite's errors, in one tree, so a caller catches what it can handle.

``ActionError`` (``core/actions.py``) is apart: it is the agent's, reported in
``info["action_error"]`` and never raised out of ``step``. Everything here is raised to the
program that drives the env.
"""

from __future__ import annotations


class VabError(Exception):
    """Root of the suite's errors."""


class BackendUnavailable(VabError, RuntimeError):
    """A backend cannot be started or reached (Chromium, a website, a phone, an Appium
    server); the message says what to install or start."""


class TaskError(VabError, ValueError):
    """A task that cannot be used: an unknown id, an empty split, a bad task file."""


class JudgeError(VabError, RuntimeError):
    """A judge could not be asked (an LLM judge's network, HTTP or reply format)."""


class UsageError(VabError):
    """A mistake on the ``vab-gym`` command line, answered in one line (by ``cli.main``,
    for the commands of ``cli.py`` and of every env's ``commands.py`` alike)."""
