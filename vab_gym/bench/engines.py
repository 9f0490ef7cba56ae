"""Where jobs run: worker processes on this machine, or Ray actors (local Ray or a cluster).

Both engines expose K slots, each holding one :class:`~vab_gym.bench.jobs.Worker` that
keeps its envs alive between jobs. The driver (runner.py) gives a slot one job at a time and
polls for events: ``("started", None)`` when the episode starts (its env is up: the local
engine only; on Ray a job's time counts from its submission), ``("done", output)``, or
``("died", None)`` when the slot's process or actor is gone. ``kill`` ends a slot (a
timed-out job) and starts a fresh one.
"""

from __future__ import annotations

import contextlib
import multiprocessing as mp
import os
import signal
import threading
import time
from multiprocessing.connection import Connection, wait
from typing import Any

from vab_gym.bench.jobs import Job, Worker, WorkerConfig

Event = tuple[int, str, Any]


def _exit_with_parent(parent: int) -> None:
    """A worker whose driver was killed (even by SIGKILL) exits within a second; the envs'
    own processes (Chromium, servers) die with it, as each env guarantees."""
    while os.getppid() == parent:
        time.sleep(0.5)
    os._exit(1)


def _worker_main(conn: Connection, config: WorkerConfig, parent: int) -> None:
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the driver's to handle
    threading.Thread(target=_exit_with_parent, args=(parent,), daemon=True).start()
    worker = Worker(config)
    conn.send("ready")
    try:
        while True:
            try:
                job = conn.recv()
            except EOFError:
                break
            if job is None:
                break
            try:
                output = worker.run(job, on_start=lambda: conn.send(("started", None)))
                conn.send(("done", output))
            except OSError:
                break
    finally:
        worker.close()


def _kill_tree(pid: int) -> None:
    import psutil

    with contextlib.suppress(psutil.NoSuchProcess):
        root = psutil.Process(pid)
        for proc in [*root.children(recursive=True), root]:
            with contextlib.suppress(psutil.NoSuchProcess):
                proc.kill()


class LocalEngine:
    """K worker processes (spawned, so each makes its gymnasium envs itself)."""

    name = "local"

    def __init__(self, config: WorkerConfig, workers: int) -> None:
        self.config = config
        self._ctx = mp.get_context("spawn")
        self.slots: list[tuple[Any, Connection]] = [self._start() for _ in range(workers)]
        for slot in self.slots:
            self._ready(slot)

    def _start(self) -> tuple[Any, Connection]:
        ours, theirs = self._ctx.Pipe()
        proc = self._ctx.Process(
            target=_worker_main,
            args=(theirs, self.config, os.getpid()),
            daemon=True,
            name="vab-bench-worker",
        )
        proc.start()
        theirs.close()
        return proc, ours

    @staticmethod
    def _ready(slot: tuple[Any, Connection]) -> None:
        """Wait for a worker's imports, so episode timeouts do not count the start-up."""
        proc, conn = slot
        if wait([conn, proc.sentinel]) and conn.poll():
            conn.recv()

    def submit(self, slot: int, job: Job) -> None:
        self.slots[slot][1].send(job)

    def poll(self, timeout: float) -> list[Event]:
        by_handle: dict[Any, tuple[int, str]] = {}
        for index, (proc, conn) in enumerate(self.slots):
            by_handle[conn] = (index, "conn")
            by_handle[proc.sentinel] = (index, "died")
        events: list[Event] = []
        seen: set[int] = set()
        ready = wait(list(by_handle), timeout)
        for handle in sorted(ready, key=lambda h: by_handle[h][1] != "conn"):  # data first
            index, kind = by_handle[handle]
            if index in seen:
                continue
            seen.add(index)
            conn = self.slots[index][1]
            try:
                if kind == "conn" or conn.poll():
                    events.append((index, *conn.recv()))
                    continue
            except (EOFError, OSError):
                pass
            self._replace(index)
            events.append((index, "died", None))
        return events

    def _replace(self, slot: int) -> None:
        proc, conn = self.slots[slot]
        _kill_tree(proc.pid)
        proc.join(5)
        conn.close()
        self.slots[slot] = self._start()
        self._ready(self.slots[slot])

    def kill(self, slot: int) -> None:
        self._replace(slot)

    def close(self, force: bool = False) -> None:
        for _proc, conn in self.slots:
            with contextlib.suppress(OSError):
                conn.send(None)
        for proc, conn in self.slots:
            proc.join(0 if force else 30)
            if proc.is_alive():
                _kill_tree(proc.pid)
                proc.join(5)
            conn.close()
        self.slots = []


class RayEngine:
    """K Ray actors, each a :class:`Worker`; a local Ray unless ``address`` names a cluster.
    On a cluster every node needs vab-gym (and the envs' extras) installed."""

    name = "ray"

    def __init__(
        self,
        config: WorkerConfig,
        workers: int,
        *,
        address: str | None = None,
        num_cpus: int | None = None,
    ) -> None:
        import ray

        self.ray = ray
        self._started = not ray.is_initialized()
        if self._started:
            local = (
                {}
                if address
                else {"num_cpus": num_cpus or os.cpu_count(), "include_dashboard": False}
            )
            try:
                ray.init(address=address, log_to_driver=False, **local)
            except Exception:  # a loaded machine can miss Ray's fixed 30 s start-up wait
                ray.shutdown()
                ray.init(address=address, log_to_driver=False, **local)
        self._actor = ray.remote(num_cpus=1)(Worker)
        self.config = config
        self.actors = [self._actor.remote(config) for _ in range(workers)]
        ray.get([actor.ready.remote() for actor in self.actors])  # start-up is no episode time
        self.futures: dict[int, Any] = {}

    def submit(self, slot: int, job: Job) -> None:
        self.futures[slot] = self.actors[slot].run.remote(job)

    def poll(self, timeout: float) -> list[Event]:
        if not self.futures:
            time.sleep(timeout)
            return []
        slot_of = {ref: slot for slot, ref in self.futures.items()}
        ready, _ = self.ray.wait(list(slot_of), num_returns=1, timeout=timeout)
        events: list[Event] = []
        for ref in ready:
            slot = slot_of[ref]
            del self.futures[slot]
            try:
                events.append((slot, "done", self.ray.get(ref)))
            except (self.ray.exceptions.RayActorError, self.ray.exceptions.WorkerCrashedError):
                self._replace(slot)
                events.append((slot, "died", None))
        return events

    def _replace(self, slot: int) -> None:
        with contextlib.suppress(Exception):
            self.ray.kill(self.actors[slot])
        self.futures.pop(slot, None)
        self.actors[slot] = self._actor.remote(self.config)
        self.ray.get(self.actors[slot].ready.remote())

    def kill(self, slot: int) -> None:
        self._replace(slot)

    def close(self, force: bool = False) -> None:
        with contextlib.suppress(Exception):
            self.ray.get(
                [actor.close.remote() for actor in self.actors], timeout=1 if force else 60
            )
        for actor in self.actors:
            with contextlib.suppress(Exception):
                self.ray.kill(actor)
        self.actors = []
        if self._started:
            self.ray.shutdown()
