"""RL adapters: grounded Discrete actions with masks, stacked image observations."""

import numpy as np
from gymnasium.utils.env_checker import check_env

from vab_gym.wrappers import GroundedActions, ImageObservation, TextFeatures


def test_grounded_actions_with_mask_reach_the_repair(env):
    wrapped = GroundedActions(env, max_actions=400)
    obs, info = wrapped.reset(options={"task_id": "grid-gone"})
    mask = info["action_mask"]
    assert mask.dtype == bool and mask.shape == (400,) and mask.any() and not mask.all()
    repair = info["action_texts"].index("edit_rule('.cards', 'display', 'grid')")
    obs, reward, terminated, _, info = wrapped.step(repair)
    assert info["action_error"] is None and np.array_equal(obs["image"], obs["target"])
    done = info["action_texts"].index("done()")
    _, reward, terminated, _, info = wrapped.step(done)
    assert terminated and reward == 1.0
    wrapped.reset(options={"task_id": "grid-gone"})
    _, _, _, _, info = wrapped.step(399)  # a dead index: an invalid action, not a crash
    assert info["action_error"] and info["action_text"] == "no_grounded_action(399)"


def test_image_observation_stacks_channels_and_passes_check_env(tasks):
    from vab_gym.envs.css.env import CssEnv

    env = ImageObservation(CssEnv(tasks=tasks, image_size=(40, 56)), keys=("image", "target"))
    try:
        obs, _ = env.reset(options={"task_id": "untouched"})
        assert obs.shape == (40, 56, 6) and obs.dtype == np.uint8
        assert np.array_equal(obs[..., :3], obs[..., 3:])
        check_env(env.unwrapped)
    finally:
        env.close()


def test_text_features_hash_each_text_key_the_same_in_every_process(minecraft):
    from sklearn.feature_extraction.text import HashingVectorizer

    wrapped = TextFeatures(minecraft, n_features=256)
    assert set(wrapped.keys) == {"text", "instruction"}
    obs, _ = wrapped.reset(seed=0)
    raw = minecraft.unwrapped._last_obs
    assert obs["image"] is raw["image"] and wrapped.observation_space.contains(obs)
    for key in ("text", "instruction"):
        # a vectorizer made here, not the wrapper's: hashing needs no fitted state
        expected = (
            HashingVectorizer(
                n_features=256, ngram_range=(1, 2), alternate_sign=False, dtype=np.float32
            )
            .transform([raw[key]])
            .toarray()[0]
        )
        assert np.allclose(obs[key], expected, atol=1e-6)
        assert np.isclose(np.linalg.norm(obs[key]), 1.0)
    assert not np.allclose(obs["text"], obs["instruction"])
