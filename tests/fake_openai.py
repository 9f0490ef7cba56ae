"""A local OpenAI-compatible server for tests: Starlette + uvicorn on 127.0.0.1 in a thread.

It records every request and answers ``POST /v1/chat/completions`` from a script, one item
per request, in order:

- a string: an assistant message with that content;
- ``{"tool_calls": [(name, arguments), ...], "content": ...}``: tool calls (``arguments`` a
  dict, sent as its JSON, or a string sent as it is);
- ``{"status": 429}`` (or any status): an error response with that status;
- any of these with ``"delay": seconds``: answered that much later;
- ``"usage": {...}`` overrides the default usage (1000 prompt, 100 completion tokens);
- a callable: called with the request's JSON, returns one of the above.

An empty script answers 400, so a test that asks more than it scripted fails loudly.
``GET /v1/models`` lists ``models``.
"""

from __future__ import annotations

import asyncio
import json
import socket
import threading
import time
from collections import deque
from collections.abc import Callable, Iterable
from typing import Any

import uvicorn
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

USAGE = {"prompt_tokens": 1000, "completion_tokens": 100, "total_tokens": 1100}
Answer = str | dict[str, Any] | Callable[[dict[str, Any]], Any]


class FakeOpenAI:
    """``with FakeOpenAI(script) as server: LMMAgent("fake", server.url) ...``;
    ``server.requests`` holds the JSON bodies received, ``server.headers`` their headers."""

    def __init__(self, script: Iterable[Answer] = (), models: Iterable[str] = ("fake-model",)):
        self.script: deque[Answer] = deque(script)
        self.models = list(models)
        self.requests: list[dict[str, Any]] = []
        self.headers: list[dict[str, str]] = []
        self._lock = threading.Lock()
        self._server: uvicorn.Server | None = None
        self._thread: threading.Thread | None = None
        self._socket: socket.socket | None = None

    @property
    def url(self) -> str:
        assert self._socket is not None, "start the server first"
        return f"http://127.0.0.1:{self._socket.getsockname()[1]}/v1"

    def push(self, *answers: Answer) -> None:
        with self._lock:
            self.script.extend(answers)

    # -- the app --------------------------------------------------------------------------
    async def _completions(self, request: Request) -> JSONResponse:
        body = await request.json()
        with self._lock:
            self.requests.append(body)
            self.headers.append(dict(request.headers))
            answer = self.script.popleft() if self.script else None
        if callable(answer):
            answer = answer(body)
        if answer is None:
            return JSONResponse({"error": {"message": "fake server: script is empty"}}, 400)
        if isinstance(answer, str):
            answer = {"content": answer}
        if answer.get("delay"):
            await asyncio.sleep(answer["delay"])
        if "status" in answer:
            return JSONResponse(
                {"error": {"message": f"scripted {answer['status']}"}}, answer["status"]
            )
        message: dict[str, Any] = {"role": "assistant", "content": answer.get("content")}
        if answer.get("tool_calls"):
            message["tool_calls"] = [
                {
                    "id": f"call_{len(self.requests)}_{i}",
                    "type": "function",
                    "function": {
                        "name": name,
                        "arguments": args if isinstance(args, str) else json.dumps(args),
                    },
                }
                for i, (name, args) in enumerate(answer["tool_calls"])
            ]
        return JSONResponse(
            {
                "id": f"chatcmpl-{len(self.requests)}",
                "object": "chat.completion",
                "created": 0,
                "model": body.get("model", ""),
                "choices": [
                    {
                        "index": 0,
                        "message": message,
                        "finish_reason": "tool_calls" if answer.get("tool_calls") else "stop",
                    }
                ],
                "usage": answer.get("usage", USAGE),
            }
        )

    async def _models(self, request: Request) -> JSONResponse:
        return JSONResponse(
            {
                "object": "list",
                "data": [
                    {"id": m, "object": "model", "created": 0, "owned_by": "fake"}
                    for m in self.models
                ],
            }
        )

    # -- lifecycle ------------------------------------------------------------------------
    def start(self) -> FakeOpenAI:
        app = Starlette(
            routes=[
                Route("/v1/chat/completions", self._completions, methods=["POST"]),
                Route("/v1/models", self._models, methods=["GET"]),
            ]
        )
        self._socket = socket.socket()
        self._socket.bind(("127.0.0.1", 0))
        config = uvicorn.Config(
            app, log_level="warning", lifespan="off", timeout_graceful_shutdown=1
        )
        self._server = uvicorn.Server(config)
        self._thread = threading.Thread(
            target=self._server.run, kwargs={"sockets": [self._socket]}, daemon=True
        )
        self._thread.start()
        deadline = time.monotonic() + 10
        while not self._server.started:
            if time.monotonic() > deadline or not self._thread.is_alive():
                raise RuntimeError("fake OpenAI server did not start")
            time.sleep(0.01)
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.should_exit = True
        if self._thread is not None:
            self._thread.join(timeout=10)
        if self._socket is not None:
            self._socket.close()

    def __enter__(self) -> FakeOpenAI:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()
