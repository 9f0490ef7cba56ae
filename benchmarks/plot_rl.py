"""Figures of a ``train_rl.py`` results JSON: held-out success and return over env steps
(and over training wall time), against the random grounded policy's band (± 1 s.e.).

    python benchmarks/plot_rl.py benchmarks/results/rl-minecraft.json
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import Any

import matplotlib

matplotlib.use("Agg")  # files only, no display
import matplotlib.pyplot as plt
import numpy as np


def _band(ax: Any, random: dict[str, float], key: str) -> None:
    mean, se = random[key], random[f"{key}_se"]
    ax.axhspan(mean - se, mean + se, color="grey", alpha=0.3)
    ax.axhline(mean, color="grey", label=f"random grounded ({mean:.2f} ± {se:.2f})")


def plot(report: dict[str, Any], prefix: Path) -> list[Path]:
    """Writes ``{prefix}-success.png`` and ``{prefix}-return.png``; returns their paths."""
    evals, random = report["evaluations"], report["random"]["overall"]
    steps = [e["env_steps"] for e in evals]
    minutes = [e["train_seconds"] / 60 for e in evals]
    title = f"{report['env']}: MaskablePPO on held-out tasks"

    fig, axes = plt.subplots(1, 2, figsize=(11, 4), sharey=True)
    for ax, xs, label in (
        (axes[0], steps, "environment steps"),
        (axes[1], minutes, "training wall time (min, 2 shared cores)"),
    ):
        modes = [("sampled", "-o", "policy, sampled"), ("greedy", "--s", "policy, greedy")]
        if "train_greedy" in evals[0]:
            modes.append(("train_greedy", ":^", "policy, greedy, on training tasks"))
        for mode, style, name in modes:
            ys = [e[mode]["overall"]["success"] for e in evals]
            se = [e[mode]["overall"]["success_se"] for e in evals]
            ax.errorbar(xs, ys, yerr=se, fmt=style, capsize=2, label=name)
        _band(ax, random, "success")
        ax.set_xlabel(label)
        ax.set_ylim(0, 1)
        ax.grid(alpha=0.3)
    axes[0].set_ylabel("success rate")
    axes[0].legend(loc="lower right", fontsize=8)
    fig.suptitle(title)
    fig.tight_layout()
    success_png = prefix.with_name(prefix.name + "-success.png")
    fig.savefig(success_png, dpi=90)
    plt.close(fig)

    fig, ax = plt.subplots(figsize=(6.5, 4))
    curve = report.get("training_curve")
    episodes = np.array(report.get("episodes") or np.zeros((0, 4)))
    if curve:
        curve = np.array(curve)
        ax.plot(
            curve[:, 0],
            curve[:, 2],
            alpha=0.7,
            label=f"training episodes (mean per {report['training_curve_bin_steps']} steps)",
        )
    elif len(episodes):
        window = max(1, min(200, len(episodes) // 10))
        smooth = np.convolve(episodes[:, 1], np.ones(window) / window, mode="valid")
        ax.plot(
            episodes[window - 1 :, 0],
            smooth,
            alpha=0.7,
            label=f"training episodes (mean of {window})",
        )
    ax.errorbar(
        steps,
        [e["sampled"]["overall"]["return"] for e in evals],
        yerr=[e["sampled"]["overall"]["return_se"] for e in evals],
        fmt="-o",
        capsize=2,
        label="held-out, sampled policy",
    )
    _band(ax, random, "return")
    ax.set_xlabel("environment steps")
    ax.set_ylabel("episode return (reward_mode='progress')")
    ax.set_ylim(-0.05, 1.05)
    ax.grid(alpha=0.3)
    ax.legend(loc="lower right", fontsize=8)
    ax.set_title(title, fontsize=10)
    fig.tight_layout()
    return_png = prefix.with_name(prefix.name + "-return.png")
    fig.savefig(return_png, dpi=90)
    plt.close(fig)
    return [success_png, return_png]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("results", type=Path, nargs="+")
    for path in parser.parse_args().results:
        for png in plot(json.loads(path.read_text()), path.with_suffix("")):
            print(png)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
