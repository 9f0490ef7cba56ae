"""What every benchmark reports: the machine, and medians/p95 of timings."""

from __future__ import annotations

import contextlib
import os
import platform
import subprocess
import time
from pathlib import Path

import numpy as np


def machine() -> dict[str, str]:
    cpuinfo = Path("/proc/cpuinfo").read_text().splitlines()
    cpu = next(
        (line.split(":", 1)[1].strip() for line in cpuinfo if line.startswith("model name")),
        platform.processor(),
    )
    try:
        chromium = subprocess.run(
            ["chromium", "--version"], capture_output=True, text=True
        ).stdout.strip()
    except OSError:
        chromium = "none"
    return {
        "cpu": cpu,
        "cores": str(os.cpu_count()),
        "python": platform.python_version(),
        "chromium": chromium,
        "date": time.strftime("%Y-%m-%d"),
    }


def summary(samples: list[float]) -> dict[str, float]:
    """Median and p95 in milliseconds of timings given in seconds."""
    ms = np.array(samples) * 1000
    return {
        "median_ms": round(float(np.median(ms)), 2),
        "p95_ms": round(float(np.percentile(ms, 95)), 2),
        "n": len(samples),
    }


def timed(fn):
    start = time.perf_counter()
    out = fn()
    return time.perf_counter() - start, out


def pss_mib(pid: int) -> tuple[float, float]:
    """PSS of a process and of its descendants (Chromium, Playwright's driver), MiB."""
    import psutil

    root = psutil.Process(pid)
    own = root.memory_full_info().pss
    children = 0
    for proc in root.children(recursive=True):
        with contextlib.suppress(psutil.NoSuchProcess, psutil.AccessDenied):
            children += proc.memory_full_info().pss
    return own / 2**20, children / 2**20


def browser_env_report(resets: list[float], steps: list[float], base_mib: float) -> dict:
    """Reset and step timings and one env's memory (Python's growth since ``base_mib``, and
    its Chromium and Playwright driver), measured now, before the env is closed."""
    python_mib, children_mib = pss_mib(os.getpid())
    return {
        "reset": summary(resets),
        "step": summary(steps),
        "memory_mib": {
            "python_growth": round(python_mib - base_mib, 1),
            "chromium_and_driver": round(children_mib, 1),
            "total": round(python_mib - base_mib + children_mib, 1),
        },
    }
