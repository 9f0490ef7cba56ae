"""The five environments, one package each. Each package's ``__init__`` declares what
registration reads (``vab_gym.core.registration``: ``ENV_ID``, ``ENTRY_POINT``, ``ORDER``,
``COMMANDS``, ``CONTRACT``) and imports nothing, so that ``import vab_gym`` stays light."""
