"""``vab-gym ui``: a local web app to browse episode stores and annotate episodes
(docs/ui.md)."""

from vab_gym.ui.app import create_app, serve

__all__ = ["create_app", "serve"]
