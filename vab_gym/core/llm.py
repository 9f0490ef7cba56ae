"""The suite's LLM judge client: any OpenAI-compatible ``/chat/completions`` endpoint.

Envs whose benchmark asks an LLM to judge an answer (WebArena's ``fuzzy_match``, AndroidLab's
query tasks) take a :class:`ChatClient` and send their benchmark's own prompt and sampling
parameters through it; without one, those checks are reported as unjudged, never as passed.
"""

from __future__ import annotations

import json
import urllib.request
from typing import Any
from urllib.parse import urlsplit

from vab_gym.core.errors import JudgeError


class ChatClient:
    """A chat model behind an OpenAI-compatible API; ``base_url`` is the API root (e.g.
    ``http://127.0.0.1:8000/v1``). Transport and reply-format failures raise
    :class:`JudgeError`."""

    def __init__(
        self, base_url: str, model: str, api_key: str | None = None, *, timeout: float = 60.0
    ) -> None:
        if urlsplit(base_url).scheme not in ("http", "https"):
            raise ValueError(f"judge base_url must be http(s): {base_url!r}")
        self.url = base_url.rstrip("/") + "/chat/completions"
        self.model = model
        self.api_key = api_key
        self.timeout = timeout

    def chat(self, messages: list[dict[str, str]], **params: Any) -> str:
        """The model's reply to ``messages``; ``params`` (temperature, max_tokens, ...) go
        into the request as they are."""
        body = {"model": self.model, "messages": messages, **params}
        headers = {"Content-Type": "application/json"}
        if self.api_key:
            headers["Authorization"] = f"Bearer {self.api_key}"
        request = urllib.request.Request(self.url, json.dumps(body).encode(), headers)
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as response:
                content = json.load(response)["choices"][0]["message"]["content"]
        except (OSError, ValueError, LookupError, TypeError) as exc:  # URLError is an OSError
            raise JudgeError(f"{self.url}: {exc}") from exc
        if not isinstance(content, str):
            raise JudgeError(f"{self.url}: reply has no text content")
        return content
