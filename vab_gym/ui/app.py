"""The ``vab-gym ui`` web app: browse a store's runs and episodes, annotate episodes.

Plain HTML from Jinja2 templates, a little vanilla JS, everything served from this package
(no CDN, no build step). Bound to 127.0.0.1 by default; requests for other Host names
(DNS rebinding) and cross-site form posts are refused, request bodies are capped, and every
file path is checked to stay inside the store.
"""

from __future__ import annotations

import contextlib
import functools
import json
import os
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlencode, urlsplit

import gymnasium as gym
from gymnasium.envs.registration import load_env_creator
from jinja2 import Environment, PackageLoader, select_autoescape
from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import Headers
from starlette.exceptions import HTTPException
from starlette.middleware import Middleware
from starlette.middleware.trustedhost import TrustedHostMiddleware
from starlette.requests import Request
from starlette.responses import (
    FileResponse,
    HTMLResponse,
    JSONResponse,
    RedirectResponse,
    Response,
)
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles

import vab_gym
from vab_gym.bench.store import EpisodeStore
from vab_gym.ui.annotate import (
    ACTION_MAX_CHARS,
    CLICKABLE_ENVS,
    THOUGHT_MAX_CHARS,
    AnnotationSession,
    Sessions,
)
from vab_gym.ui.browse import (
    FILTERS,
    ROOT_RUN,
    OutsideStore,
    StoreIndex,
    inside,
    matches,
    progress_points,
    success_rates,
)

LOOPBACK_NAMES = {"127.0.0.1", "localhost", "::1"}
LIST_MAX_ROWS = 1000  # rows of the episode list (the rates count every match)
BODY_MAX_BYTES = 256 * 1024  # a form post: an action, a thought and a few fields
STATIC = Path(__file__).with_name("static")

templates = Environment(
    loader=PackageLoader("vab_gym.ui", "templates"), autoescape=select_autoescape(default=True)
)


def render(name: str, **context: Any) -> HTMLResponse:
    return HTMLResponse(templates.get_template(name).render(**context))


async def read_form(request: Request) -> dict[str, str]:
    """A urlencoded form of at most BODY_MAX_BYTES (413 beyond: the body is not buffered
    past the cap); the first value of each field."""
    size = request.headers.get("content-length")
    if size is not None and (not size.isdigit() or int(size) > BODY_MAX_BYTES):
        raise HTTPException(413, "request too large")
    body = bytearray()
    async for chunk in request.stream():
        body += chunk
        if len(body) > BODY_MAX_BYTES:
            raise HTTPException(413, "request too large")
    fields = parse_qs(body.decode("utf-8", "replace"), keep_blank_values=True)
    return {key: values[0] for key, values in fields.items()}


@functools.cache
def task_ids(env_id: str, split: str) -> list[str]:
    """A split's task ids, from the env class (no env is made)."""
    return list(load_env_creator(gym.spec(env_id).entry_point).default_tasks(split).ids)


class SameOriginPosts:
    """Refuse a POST whose Origin is another site (a page elsewhere may not drive this
    unauthenticated app from the annotator's browser)."""

    def __init__(self, app: Any) -> None:
        self.app = app

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        if scope["type"] == "http" and scope["method"] == "POST":
            headers = Headers(scope=scope)
            origin = headers.get("origin")
            if origin and origin != "null" and urlsplit(origin).netloc != headers.get("host"):
                await Response("cross-site post refused", 403)(scope, receive, send)
                return
        await self.app(scope, receive, send)


def split_key(key: str) -> tuple[str, str, str]:
    """``run/env_id/name`` (an episode's key in URLs) -> its three parts."""
    parts = key.split("/")
    if len(parts) != 3 or not all(parts):
        raise HTTPException(404, "no such episode")
    return parts[0], parts[1], parts[2]


def create_app(
    store: str | os.PathLike[str],
    *,
    host: str = "127.0.0.1",
    idle_timeout: float = 1800.0,
    env_kwargs: dict[str, Any] | None = None,
    annotator: str | None = None,
) -> Starlette:
    """The app over ``store``: its runs are browsed; annotated episodes are written to it."""
    root = Path(store)
    root.mkdir(parents=True, exist_ok=True)
    index = StoreIndex(root)
    sessions = Sessions(
        EpisodeStore(root), idle_timeout=idle_timeout, env_kwargs=env_kwargs, annotator=annotator
    )

    def load(key: str) -> dict[str, Any]:
        run, env_id, name = split_key(key)
        try:
            return index.load(run, env_id, name)
        except (KeyError, OutsideStore, ValueError, OSError):
            raise HTTPException(404, "no such episode") from None

    # -- browsing -----------------------------------------------------------------------
    async def home(request: Request) -> Response:
        summaries = await run_in_threadpool(index.summaries)
        runs = []
        for name, folder in index.runs().items():
            episodes = [s for s in summaries if s.run == name]
            runs.append(
                {
                    "name": name,
                    "folder": str(folder),
                    "episodes": len(episodes),
                    "successes": sum(s.success for s in episodes),
                    "bench": index.bench_summary(name),
                }
            )
        return render(
            "home.html",
            store=str(index.root),
            runs=runs,
            rates=success_rates(summaries),
            sessions=sessions.all(),
        )

    async def episodes(request: Request) -> Response:
        filters = {key: request.query_params.get(key, "") for key in FILTERS}
        summaries = await run_in_threadpool(index.summaries)
        shown = [s for s in summaries if matches(s, filters)]
        choices = {
            "run": sorted({s.run for s in summaries}),
            "env": sorted({s.env_id for s in summaries}),
            "strategy": sorted({s.strategy for s in summaries}),
            "model": sorted({s.model for s in summaries}),
        }
        return render(
            "episodes.html",
            episodes=shown[:LIST_MAX_ROWS],
            matching=len(shown),
            filters=filters,
            choices=choices,
            rates=success_rates(shown),
            total=len(summaries),
        )

    async def episode(request: Request) -> Response:
        key = request.query_params.get("key", "")
        data = load(key)
        run, env_id, _ = split_key(key)
        others = [
            s
            for s in await run_in_threadpool(index.summaries)
            if s.env_id == env_id and s.task_id == data.get("task_id") and s.key != key
        ]
        return render(
            "episode.html",
            key=key,
            run=run,
            episode=data,
            others=others,
            points=progress_points(data),
        )

    async def compare(request: Request) -> Response:
        keys = [request.query_params.get("a", ""), request.query_params.get("b", "")]
        pair = [(key, split_key(key)[0], load(key)) for key in keys]
        rows = max(len(data.get("steps", [])) for _, _, data in pair)
        return render(
            "compare.html",
            pair=pair,
            rows=rows,
            points=[progress_points(data, 400, 90) for _, _, data in pair],
        )

    async def image(request: Request) -> Response:
        run, path = request.path_params["run"], request.path_params["path"]
        try:
            folder = index.run_root(run)
            target = inside(folder / "images", path)
        except (KeyError, OutsideStore):
            raise HTTPException(404, "no such image") from None
        if target.suffix != ".png" or not target.is_file():
            raise HTTPException(404, "no such image")
        return FileResponse(
            target, media_type="image/png", headers={"Cache-Control": "max-age=86400, immutable"}
        )

    # -- annotation ---------------------------------------------------------------------
    async def annotate_form(request: Request) -> Response:
        return render(
            "annotate.html", envs=vab_gym.ENVIRONMENTS, error=None, sessions=sessions.all()
        )

    async def tasks(request: Request) -> Response:
        env_id = request.query_params.get("env", "")
        split = request.query_params.get("split", "train")
        if env_id not in vab_gym.ENVIRONMENTS or split not in ("train", "test"):
            raise HTTPException(404, "no such env or split")
        return JSONResponse(await run_in_threadpool(task_ids, env_id, split))

    async def annotate_start(request: Request) -> Response:
        form = await read_form(request)
        env_id, split = form.get("env", ""), form.get("split", "train")
        task_id = form.get("task", "").strip() or None
        seed = form.get("seed", "0").strip() or "0"
        error = None
        if env_id not in vab_gym.ENVIRONMENTS or split not in ("train", "test"):
            error = "choose an env and a split"
        elif not seed.isdigit():
            error = "the seed is a whole number"
        elif task_id is not None and task_id not in await run_in_threadpool(
            task_ids, env_id, split
        ):
            error = f"no task {task_id} in {env_id}'s {split} split"
        if error is None:
            try:
                session = sessions.start(env_id, split, task_id, int(seed))
            except RuntimeError as exc:
                error = str(exc)
        if error is not None:
            return render(
                "annotate.html", envs=vab_gym.ENVIRONMENTS, error=error, sessions=sessions.all()
            )
        await run_in_threadpool(session.wait_ready)
        return RedirectResponse(f"/annotate/{session.id}", 303)

    def session_of(request: Request) -> AnnotationSession:
        try:
            return sessions.get(request.path_params["sid"])
        except KeyError:
            raise HTTPException(404, "no such session") from None

    async def annotate_page(request: Request) -> Response:
        session = session_of(request)
        saved_key = None
        if session.saved:  # episodes/<env>/<name>.json in the root store
            _, env_dir, file = session.saved.split("/")
            saved_key = f"{ROOT_RUN}/{env_dir}/{file.removesuffix('.json')}"
        return render(
            "session.html",
            session=session,
            turn=session.turn,
            clickable=session.env_id in CLICKABLE_ENVS,
            saved_key=saved_key,
            action_max=ACTION_MAX_CHARS,
            thought_max=THOUGHT_MAX_CHARS,
        )

    async def annotate_image(request: Request) -> Response:
        session = session_of(request)
        key = request.path_params["key"]
        png = session.turn.image_png if key == "image" else session.turn.extra_pngs.get(key)
        if not png:
            raise HTTPException(404, "no such image")
        return Response(png, media_type="image/png", headers={"Cache-Control": "no-store"})

    async def annotate_step(request: Request) -> Response:
        session = session_of(request)
        form = await read_form(request)
        action = form.get("action", "").strip() or form.get("grounded", "").strip()
        if len(action) > ACTION_MAX_CHARS or len(form.get("thought", "")) > THOUGHT_MAX_CHARS:
            raise HTTPException(413, "action or thought too long")
        at_step = form.get("at", "")
        if action and at_step.isdigit():
            await run_in_threadpool(session.submit, action, form.get("thought"), int(at_step))
        return RedirectResponse(f"/annotate/{session.id}", 303)

    async def annotate_point(request: Request) -> Response:
        session = session_of(request)
        form = await read_form(request)
        try:
            x, y = float(form["x"]), float(form["y"])
        except (KeyError, ValueError):
            raise HTTPException(400, "x and y are numbers") from None
        region = session.click(x, y)
        if region is None:
            return JSONResponse(None)
        return JSONResponse(
            {"action": region.action, "label": region.label, "box": list(region.box)}
        )

    async def annotate_end(request: Request) -> Response:
        session = session_of(request)
        await run_in_threadpool(session.end)
        return RedirectResponse("/annotate", 303)

    @contextlib.asynccontextmanager
    async def lifespan(_app: Starlette) -> AsyncIterator[None]:
        yield
        await run_in_threadpool(sessions.close)  # no env (no Chromium) outlives the server

    app = Starlette(
        routes=[
            Route("/", home),
            Route("/episodes", episodes),
            Route("/episode", episode),
            Route("/compare", compare),
            Route("/image/{run}/{path:path}", image),
            Route("/annotate", annotate_form),
            Route("/annotate", annotate_start, methods=["POST"]),
            Route("/tasks", tasks),
            Route("/annotate/{sid}", annotate_page),
            Route("/annotate/{sid}/image/{key}.png", annotate_image),
            Route("/annotate/{sid}/step", annotate_step, methods=["POST"]),
            Route("/annotate/{sid}/point", annotate_point, methods=["POST"]),
            Route("/annotate/{sid}/end", annotate_end, methods=["POST"]),
            Mount("/static", StaticFiles(directory=STATIC), name="static"),
        ],
        middleware=[
            Middleware(
                TrustedHostMiddleware,
                allowed_hosts=sorted(LOOPBACK_NAMES if host in LOOPBACK_NAMES else {"*"}),
            ),
            Middleware(SameOriginPosts),
        ],
        lifespan=lifespan,
    )
    app.state.sessions = sessions
    app.state.index = index
    templates.globals.update(urlencode=urlencode, root_run=ROOT_RUN, tojson=json.dumps)
    return app


def serve(
    store: str | os.PathLike[str], host: str = "127.0.0.1", port: int = 8765, **kwargs: Any
) -> None:
    """Run the app with uvicorn until interrupted, on a loopback address only: the app has
    no login, starts envs and writes to the store."""
    import uvicorn

    if host not in LOOPBACK_NAMES:
        raise ValueError(
            f"vab-gym ui serves on 127.0.0.1 or localhost only, not {host!r} "
            "(it has no login); reach it from elsewhere through an SSH tunnel"
        )

    uvicorn.run(create_app(store, host=host, **kwargs), host=host, port=port, log_level="warning")
