"""The README's Ray RLlib recipe (examples/rllib_ppo.py) runs as written: PPO on the new API
stack trains on VAB-Minecraft over a local Ray, reports episodes, and leaves no Ray process
behind. That a policy learns is the learning benchmark's job, not this test's."""

import importlib.util
import math
from pathlib import Path

import numpy as np
import psutil
import pytest

ray = pytest.importorskip("ray")
pytest.importorskip("ray.rllib")
from ray.tune.registry import register_env  # noqa: E402

# The whole module is slow: each test starts browsers, servers or processes of its own.
pytestmark = pytest.mark.slow

EXAMPLE = Path(__file__).resolve().parents[1] / "examples" / "rllib_ppo.py"
MAX_STEPS = 8  # every episode is truncated at 8 steps unless the judge ends it sooner
BATCH = 64  # a multiple of MAX_STEPS: no episode is cut by a batch boundary
ITERATIONS = 2


def load_example():
    """The example as a module, not put in sys.modules: cloudpickle then ships its
    functions to Ray's workers by value, as it does for a script run as __main__."""
    spec = importlib.util.spec_from_file_location("rllib_ppo_example", EXAMPLE)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def flat_weights(algo) -> dict[str, np.ndarray]:
    (weights,) = algo.learner_group.get_weights().values()
    return {name: np.array(value, copy=True) for name, value in weights.items()}


@pytest.fixture(scope="module")
def run():
    """Two PPO iterations with one env runner (a Ray actor), then Ray shut down."""
    example = load_example()
    register_env(example.ENV_NAME, example.make_env)
    # other test modules on this worker may hold browsers of their own: only what Ray starts
    earlier = {proc.pid for proc in psutil.Process().children(recursive=True)}
    ray.init(address="local", num_cpus=2, include_dashboard=False, log_to_driver=False)
    try:
        config = example.ppo_config(
            {"env_id": "VAB-Minecraft-v0", "max_steps": MAX_STEPS, "reward_mode": "sparse"},
            env_runners=1,
            train_batch_size=BATCH,
            minibatch_size=32,
            epochs=1,
            hiddens=(32,),
        )
        algo = config.build_algo()
        before = flat_weights(algo)
        results = [algo.train() for _ in range(ITERATIONS)]
        after = flat_weights(algo)
        ray_processes = [
            proc for proc in psutil.Process().children(recursive=True) if proc.pid not in earlier
        ]
        names = {proc.name() for proc in ray_processes}
        algo.stop()
    finally:
        ray.shutdown()
    _, alive = psutil.wait_procs(ray_processes, timeout=15)
    return {
        "example": example,
        "before": before,
        "after": after,
        "results": results,
        "names": names,
        "alive": alive,
    }


def test_ppo_samples_the_env_and_updates_its_weights(run):
    last = run["results"][-1]
    assert last["training_iteration"] == ITERATIONS
    assert last["env_runners"]["num_env_steps_sampled_lifetime"] >= ITERATIONS * BATCH
    before, after = run["before"], run["after"]
    assert before.keys() == after.keys()
    assert any(not np.allclose(before[name], after[name]) for name in before)


def test_results_carry_episode_return_and_length_within_the_step_limit(run):
    for result in run["results"]:
        stats = run["example"].episode_stats(result)
        assert stats["num_episodes"] >= 1
        assert 1 <= result["env_runners"]["episode_len_min"] <= stats["episode_len_mean"]
        assert stats["episode_len_mean"] <= result["env_runners"]["episode_len_max"] <= MAX_STEPS
        # sparse reward: the judge pays 1.0 on success, nothing else, so returns are in [0, 1]
        assert 0.0 <= stats["episode_return_min"] <= stats["episode_return_max"] <= 1.0
        assert math.isfinite(stats["episode_return_mean"])


def test_no_ray_process_outlives_the_run(run):
    assert not ray.is_initialized()
    names = run["names"]
    assert {"raylet", "gcs_server"} <= names  # the snapshot did see Ray's processes
    assert any(name.startswith("ray::") for name in names)  # and its workers
    assert run["alive"] == []
