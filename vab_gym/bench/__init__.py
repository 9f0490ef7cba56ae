"""``vab-gym bench``: VAB's leaderboard for an agent, resumable, parallel, local or on Ray."""

from vab_gym.bench.jobs import AgentSpec, BenchError, Job, Worker, WorkerConfig
from vab_gym.bench.runner import BenchOptions, run_bench
from vab_gym.bench.store import EpisodeStore

__all__ = [
    "AgentSpec",
    "BenchError",
    "BenchOptions",
    "EpisodeStore",
    "Job",
    "Worker",
    "WorkerConfig",
    "run_bench",
]
