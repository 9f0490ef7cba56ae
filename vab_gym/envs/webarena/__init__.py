"""VAB-WebArena-Lite: WebArena's tasks and evaluators for the browser env."""
