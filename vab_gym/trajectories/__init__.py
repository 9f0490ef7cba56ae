"""Training trajectories: the episode store's reading API, collection, recovery and exports."""
