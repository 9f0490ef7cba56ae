"""A run's results as VAB reports them: summary.json, leaderboard.md, results.png, run.json.

VAB's leaderboard (assets/leaderboard.png in THUDM/VisualAgentBench) is one success rate (%)
per environment, AVG their plain mean. Beside it go VAB's partial metrics, from each env's
``calculate_overall`` (shared/research/pipeline.md section 2) and AndroidLab's eval
(shared/research/androidlab.md section 1): OmniGibson and Minecraft average reward, CSS
improve rate and mean distance, WebArena-Lite success per site, Mobile Sub-SR, RRR, ROR.
"""

from __future__ import annotations

import importlib.metadata
import math
import platform
import subprocess
import sys
from collections import defaultdict
from pathlib import Path
from typing import Any

from rich.table import Table

from vab_gym.bench.jobs import ENV_NAMES

COLUMNS = ["OmniGibson", "Minecraft", "Mobile", "WebArena-Lite", "CSS"]

# VAB's published success rates (%), prompting only: shared/vab-data/README.md, from
# VisualAgentBench's leaderboard.
VAB_PUBLISHED = {
    "gpt-4o-2024-05-13": [41.4, 55.2, 31.9, 18.2, 34.5],
    "claude-3.5-sonnet": [24.3, 56.0, 31.1, 7.2, 15.8],
    "gpt-4o-mini": [12.2, 30.2, 22.7, 20.6, 17.0],
}


def _mean(values: list[float]) -> float | None:
    return sum(values) / len(values) if values else None


def env_summary(rows: list[dict[str, Any]]) -> dict[str, Any]:
    """One env's numbers. Error rows count as failures (VAB counts an unfinished sample as
    not solved); the standard error is the binomial one, sqrt(p(1-p)/n)."""
    n = len(rows)
    rate = sum(bool(r["success"]) for r in rows) / n
    steps = sum(r["steps"] for r in rows)
    played = [r for r in rows if not r.get("error")]
    summary: dict[str, Any] = {
        "tasks": n,
        "successes": sum(bool(r["success"]) for r in rows),
        "success_rate": 100 * rate,
        "stderr": 100 * math.sqrt(rate * (1 - rate) / n),
        "errors": sum(bool(r.get("error")) for r in rows),
        "average_steps": steps / n,
        "invalid_action_rate": sum(r["invalid_actions"] for r in rows) / steps if steps else 0.0,
        "average_progress": sum(r["progress"] for r in rows) / n,
        "tokens": {
            "prompt": sum(r["tokens"]["prompt"] for r in rows),
            "completion": sum(r["tokens"]["completion"] for r in rows),
        },
        "cost": sum(r["cost"] for r in rows),
        "seconds": sum(r["seconds"] for r in rows),
    }
    metrics = [r.get("metrics", {}) for r in played]
    env_id = rows[0]["env_id"]
    if env_id in ("VAB-OmniGibson-v0", "VAB-Minecraft-v0"):
        # unplayed (error) tasks earn no reward, as they earn no success
        summary["average_reward"] = sum(m.get("reward", 0.0) for m in metrics) / n
    elif env_id == "VAB-CSS-v0":
        summary["improve_rate"] = 100 * sum(bool(m.get("improved")) for m in metrics) / n
        summary["mean_distance"] = _mean(
            [m["distance"] for m in metrics if m.get("distance") is not None]
        )
    elif env_id == "VAB-WebArena-Lite-v0":
        by_site: dict[str, list[bool]] = defaultdict(list)
        for r in rows:
            by_site[r.get("metrics", {}).get("site") or "unknown"].append(bool(r["success"]))
        summary["per_site"] = {site: 100 * sum(v) / len(v) for site, v in sorted(by_site.items())}
    elif env_id == "VAB-Mobile-v0":
        summary["sub_sr"] = 100 * sum(m.get("sub_sr") or 0.0 for m in metrics) / n
        for key in ("rrr", "ror"):
            value = _mean([m[key] for m in metrics if m.get(key) is not None])
            summary[key] = None if value is None else 100 * value
    return summary


def summarize(rows: list[dict[str, Any]], model: str) -> dict[str, Any]:
    by_env: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for row in rows:
        by_env[row["env_id"]].append(row)
    envs = {env_id: env_summary(env_rows) for env_id, env_rows in by_env.items()}
    rates = [s["success_rate"] for env_id, s in envs.items() if env_id in ENV_NAMES]
    return {
        "model": model,
        "average": _mean(rates),
        "environments_in_average": len(rates),
        "envs": envs,
        "jobs": len(rows),
        "errors": sum(s["errors"] for s in envs.values()),
        "tokens": {k: sum(s["tokens"][k] for s in envs.values()) for k in ("prompt", "completion")},
        "cost": sum(s["cost"] for s in envs.values()),
    }


def _cells(summary: dict[str, Any]) -> list[str]:
    by_name = {ENV_NAMES.get(env_id, env_id): s for env_id, s in summary["envs"].items()}
    cells = []
    for name in COLUMNS:
        s = by_name.get(name)
        cells.append(f"{s['success_rate']:.1f} ± {s['stderr']:.1f}" if s else "—")
    avg = summary["average"]
    partial = summary["environments_in_average"] < len(COLUMNS)
    return [f"{avg:.1f}{'*' if partial else ''}" if avg is not None else "—", *cells]


def _partial_metrics(env_id: str, s: dict[str, Any]) -> str:
    def pct(value: float | None) -> str:
        return "—" if value is None else f"{value:.1f}%"

    if "average_reward" in s:
        return f"average reward {s['average_reward']:.3f}"
    if env_id == "VAB-CSS-v0":
        distance = s["mean_distance"]
        return (
            f"improve {pct(s['improve_rate'])}, mean distance "
            f"{'—' if distance is None else f'{distance:.3f}'}"
        )
    if "per_site" in s:
        return ", ".join(f"{site} {pct(rate)}" for site, rate in s["per_site"].items())
    if env_id == "VAB-Mobile-v0":
        return f"Sub-SR {pct(s['sub_sr'])}, RRR {pct(s['rrr'])}, ROR {pct(s['ror'])}"
    return ""


def _env_rows(summary: dict[str, Any]) -> list[list[str]]:
    rows = []
    for env_id, s in summary["envs"].items():
        tokens = s["tokens"]["prompt"] + s["tokens"]["completion"]
        rows.append(
            [
                env_id,
                f"{s['successes']}/{s['tasks']}",
                f"{s['success_rate']:.1f} ± {s['stderr']:.1f}",
                _partial_metrics(env_id, s),
                f"{s['average_steps']:.1f}",
                f"{100 * s['invalid_action_rate']:.1f}%",
                str(s["errors"]),
                f"{tokens:,}",
                f"${s['cost']:.4f}",
            ]
        )
    return rows


HEAD = ["Model", "AVG", *COLUMNS]
ENV_HEAD = [
    "env",
    "solved",
    "SR % ± SE",
    "VAB's partial metrics",
    "avg steps",
    "invalid actions",
    "errors",
    "tokens",
    "cost",
]


def leaderboard_markdown(summary: dict[str, Any]) -> str:
    def table(head: list[str], rows: list[list[str]]) -> list[str]:
        return [
            "| " + " | ".join(head) + " |",
            "|" + "---|" * len(head),
            *("| " + " | ".join(row) + " |" for row in rows),
        ]

    ours = [summary["model"], *_cells(summary)]
    published = [
        [f"{model} (VAB paper)", f"{sum(v) / len(v):.1f}", *map(str, v)]
        for model, v in VAB_PUBLISHED.items()
    ]
    lines = [
        "# Leaderboard",
        "",
        "Success rates in % ± standard error (VAB's table; AVG is "
        "the plain mean of the environments run).",
        "",
        *table(HEAD, [ours, *published]),
        "",
    ]
    if summary["environments_in_average"] < len(COLUMNS):
        lines += [
            f"\\* AVG of the {summary['environments_in_average']} environments run, "
            "not VAB's five.",
            "",
        ]
    lines += ["## Per environment", "", *table(ENV_HEAD, _env_rows(summary)), ""]
    return "\n".join(lines)


def leaderboard_tables(summary: dict[str, Any]) -> list[Table]:
    """The same two tables, for the terminal."""
    board = Table(*HEAD, title="VisualAgentBench: success rate % ± SE")
    board.add_row(summary["model"], *_cells(summary), style="bold")
    for model, values in VAB_PUBLISHED.items():
        board.add_row(
            f"{model} (VAB paper)",
            f"{sum(values) / len(values):.1f}",
            *map(str, values),
            style="dim",
        )
    envs = Table(*ENV_HEAD, title="per environment")
    for row in _env_rows(summary):
        envs.add_row(*row)
    return [board, envs]


def plot(summary: dict[str, Any], path: Path) -> None:
    """Per-env success rates with error bars, beside VAB's published rows."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    by_name = {ENV_NAMES.get(env_id, env_id): s for env_id, s in summary["envs"].items()}
    series = [
        (
            summary["model"],
            [by_name[n]["success_rate"] if n in by_name else float("nan") for n in COLUMNS],
            [by_name[n]["stderr"] if n in by_name else 0.0 for n in COLUMNS],
        )
    ]
    series += [(f"{model} (VAB)", values, None) for model, values in VAB_PUBLISHED.items()]
    width = 0.8 / len(series)
    fig, ax = plt.subplots(figsize=(9, 4.5), dpi=110)
    for i, (label, values, errors) in enumerate(series):
        xs = [x + (i - (len(series) - 1) / 2) * width for x in range(len(COLUMNS))]
        ax.bar(
            xs,
            values,
            width,
            yerr=errors,
            capsize=3 if errors else 0,
            label=label,
            alpha=1.0 if errors is not None else 0.55,
        )
    ax.set_xticks(range(len(COLUMNS)), COLUMNS)
    ax.set_ylabel("success rate (%)")
    ax.set_ylim(0, 105)
    ax.set_title("vab-gym bench: success per environment (error bars: ± 1 SE)")
    ax.legend(fontsize=8)
    fig.tight_layout()
    fig.savefig(path)
    plt.close(fig)


def _version(package: str) -> str | None:
    try:
        return importlib.metadata.version(package)
    except importlib.metadata.PackageNotFoundError:
        return None


def _git_commit() -> dict[str, Any] | None:
    root = Path(__file__).resolve().parents[2]
    try:
        head = subprocess.run(
            ["git", "-C", str(root), "rev-parse", "HEAD"],
            capture_output=True,
            text=True,
            timeout=10,
            check=True,
        ).stdout.strip()
        dirty = subprocess.run(
            ["git", "-C", str(root), "status", "--porcelain", "--", "vab_gym"],
            capture_output=True,
            text=True,
            timeout=10,
        ).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        return None
    return {"commit": head, "dirty": bool(dirty)}


def chromium_version() -> str | None:
    from vab_gym.core.browser import find_chromium

    executable = find_chromium()
    if executable is None:
        return None
    try:
        return (
            subprocess.run(
                [executable, "--version"], capture_output=True, text=True, timeout=20
            ).stdout.strip()
            or None
        )
    except (OSError, subprocess.SubprocessError):
        return None


def environment_record() -> dict[str, Any]:
    """Versions and machine facts for run.json."""
    import vab_gym

    return {
        "vab_gym": vab_gym.__version__,
        "git": _git_commit(),
        "python": platform.python_version(),
        "platform": platform.platform(),
        "chromium": chromium_version(),
        "packages": {
            name: _version(name)
            for name in (
                "gymnasium",
                "numpy",
                "playwright",
                "pybullet",
                "bddl",
                "openai",
                "ray",
                "scikit-image",
            )
        },
        "argv": sys.argv,
    }
