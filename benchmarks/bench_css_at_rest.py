"""The cost of capturing VAB-CSS pages at rest, measured side by side in one process.

    python benchmarks/bench_css_at_rest.py [--sites 20] [--edits 10]
        [--out benchmarks/results/css_at_rest.json]

Per capture, the renderer runs one evaluate (:data:`at_rest.SETTLE_JS`: wait for fonts
and images, stop animations, measure the page) where it used to ask DevTools for the
layout size (``Page.getLayoutMetrics``); per open it installs Playwright's clock, pauses
it and runs the page's timers. Each is timed here next to what it replaced or the rest
of the work, interleaved on the same pages, so a loaded machine inflates both alike.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
from pathlib import Path

from common import machine, summary, timed

from vab_gym.core.browser import ChromiumProcess
from vab_gym.envs.css import at_rest
from vab_gym.envs.css.env import sites_root
from vab_gym.envs.css.renderer import SITE_ORIGIN, SiteRenderer


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sites", type=int, default=20)
    parser.add_argument("--edits", type=int, default=10)
    parser.add_argument("--out", default="benchmarks/results/css_at_rest.json")
    args = parser.parse_args()

    names = sorted(p.name for p in sites_root().iterdir() if p.is_dir())
    names = names[:: max(1, len(names) // args.sites)][: args.sites]
    chromium = ChromiumProcess()
    renderer = SiteRenderer(chromium)
    times: dict[str, list[float]] = {
        k: []
        for k in (
            "settle_evaluate",
            "layout_metrics",
            "capture",
            "edit_and_fitted",
            "clock_install_pause",
            "clock_run_timers",
            "open",
        )
    }
    try:
        for name in names:
            site = sites_root() / name
            css = (site / "style.css").read_text("utf-8")
            seconds, _ = timed(lambda site=site, css=css: renderer.open(site, "style.css", css))
            times["open"].append(seconds)
            for i in range(args.edits):
                edited = css + f"\nbody {{ padding-top: {i % 2}px; }}"
                seconds, _ = timed(
                    lambda edited=edited: (renderer.set_css(edited), renderer.fitted(768, 1024))
                )
                times["edit_and_fitted"].append(seconds)
                for key, fn in (
                    (
                        "settle_evaluate",
                        lambda p: p.page.evaluate(at_rest.SETTLE_JS, at_rest.WAIT_CAP_MS),
                    ),
                    ("layout_metrics", lambda p: p.cdp.send("Page.getLayoutMetrics")),
                    ("capture", lambda p: SiteRenderer._capture(p, (768, 1024))),
                ):
                    seconds, _ = timed(lambda fn=fn: renderer._call(fn))
                    times[key].append(seconds)
            install, run = renderer._call(clock_costs)
            times["clock_install_pause"].append(install)
            times["clock_run_timers"].append(run)
    finally:
        renderer.close()
        chromium.close()

    latency = {k: summary(v) for k, v in times.items()}
    settle = latency["settle_evaluate"]["median_ms"]
    metrics = latency["layout_metrics"]["median_ms"]
    clock = latency["clock_install_pause"]["median_ms"] + latency["clock_run_timers"]["median_ms"]
    result = {
        "machine": machine(),
        "sites": len(names),
        "edits_per_site": args.edits,
        "latency": latency,
        "per_capture_overhead_ms": round(settle - metrics, 2),
        "per_capture_overhead_share_of_edit": round(
            (settle - metrics) / latency["edit_and_fitted"]["median_ms"], 3
        ),
        "per_open_clock_ms": round(clock, 2),
        "per_open_clock_share_of_open": round(clock / latency["open"]["median_ms"], 3),
    }
    Path(args.out).parent.mkdir(parents=True, exist_ok=True)
    Path(args.out).write_text(json.dumps(result, indent=2))
    print(json.dumps(result, indent=2))


def clock_costs(p) -> tuple[float, float]:
    """Install and pause Playwright's clock on a second page of the open site, and run its
    timers, as ``SiteRenderer._open`` does; seconds of each."""
    page = p.context.new_page()
    try:
        install, _ = timed(
            lambda: (
                page.clock.install(time=at_rest.FROZEN_TIME),
                page.clock.pause_at(at_rest.FROZEN_TIME + dt.timedelta(seconds=1)),
            )
        )
        page.goto(f"{SITE_ORIGIN}/index.html", wait_until="load")
        run, _ = timed(lambda: page.clock.run_for(at_rest.SETTLE_MS))
        return install, run
    finally:
        page.close()


if __name__ == "__main__":
    main()
