"""WebArena's evaluators for a task's ``eval`` block: string_match, url_match, program_html.

Semantics follow VAB-WebArena-Lite's evaluators (themselves WebArena's): answers and page
contents are compared after WebArena's cleaning, alternatives are written ``a |OR| b``,
and the evaluators' scores multiply. Where WebArena asks an LLM (``fuzzy_match`` and
unachievable-task reasons), an :class:`LLMJudge` is asked; without one the check is
reported as unjudged (score ``None``), never passed or failed silently.

Task text is never run as Python: ``func:`` expressions are parsed with :mod:`ast` and
dispatched to the helpers below; ``locator`` JavaScript runs in the page, as in WebArena.
"""

from __future__ import annotations

import ast
import json
import re
import urllib.request
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from functools import cache
from typing import Any, Protocol, runtime_checkable
from urllib.parse import parse_qs, urlsplit

from nltk.tokenize import NLTKWordTokenizer
from nltk.tokenize.punkt import PunktSentenceTokenizer
from playwright.sync_api import Error as PlaywrightError

OR = " |OR| "
SITES = ("shopping", "shopping_admin", "reddit", "gitlab", "map", "wikipedia", "homepage")
PLACEHOLDER = re.compile(r"__(" + "|".join(s.upper() for s in SITES) + r")__")
EMPTY_LOCATOR = "document.body.outerText"  # an empty locator means the whole page's text
MAX_GOT = 500  # characters of page text kept in a detail entry


class Unsupported(NotImplementedError):
    """The config needs something this implementation does not provide (named in the message)."""


class JudgeError(RuntimeError):
    """The LLM judge could not be asked (network, HTTP or reply format)."""


@dataclass(frozen=True)
class EvalResult:
    score: float | None  # 1.0 pass, 0.0 fail, None = unjudged
    # One entry per check: evaluator, check, passed (None = unjudged), expected, got, reason.
    details: tuple[dict, ...]


# --- Site URLs --------------------------------------------------------------------------


def substitute_sites(obj: Any, urls: Mapping[str, str]) -> Any:
    """``obj`` (a config, or any JSON value) with WebArena's ``__SITE__`` placeholders replaced.

    ``urls`` maps site names (``shopping``) or placeholders (``__SHOPPING__``) to base URLs.
    Placeholders of sites missing from ``urls`` are left in place.
    """
    bases = {}
    for key, url in urls.items():
        name = key.strip("_").lower()
        if name not in SITES:
            raise ValueError(f"unknown site {key!r}; sites are {SITES}")
        bases[name.upper()] = url.rstrip("/")  # configs write "__SITE__/path"

    def replace(value: Any) -> Any:
        if isinstance(value, str):
            return PLACEHOLDER.sub(lambda m: bases.get(m.group(1), m.group(0)), value)
        if isinstance(value, Mapping):
            return {k: replace(v) for k, v in value.items()}
        if isinstance(value, (list, tuple)):
            return type(value)(replace(v) for v in value)
        return value

    return replace(obj)


# --- Text comparison (WebArena's cleaning) ---------------------------------------------


def clean_answer(text: str) -> str:
    """WebArena's normal form: stripped, one pair of surrounding quotes removed, lower-case."""
    text = text.strip()
    if len(text) >= 2 and text[0] == text[-1] and text[0] in "'\"":
        text = text[1:-1]
    return text.lower()


@cache
def _tokenizers() -> tuple[PunktSentenceTokenizer, NLTKWordTokenizer]:
    return PunktSentenceTokenizer(), NLTKWordTokenizer()


def word_tokens(text: str) -> list[str]:
    """NLTK's ``word_tokenize`` without the downloadable punkt model (an untrained Punkt
    splits sentences), so no data download is needed."""
    sentences, words = _tokenizers()
    return [token for sentence in sentences.tokenize(text) for token in words.tokenize(sentence)]


def exact_match(reference: str, text: str) -> bool:
    return clean_answer(text) == clean_answer(reference)


def must_include(reference: str, text: str, *, tokenize: bool = False) -> bool:
    """Whether ``text`` contains ``reference``. With ``tokenize`` (WebArena: the answer's only
    reference), a one-character reference must be a whole token, so "0" is not in "10"."""
    ref, pred = clean_answer(reference), clean_answer(text)
    if tokenize and len(ref) == 1 and len(word_tokens(ref)) == 1:
        return ref in word_tokens(pred)
    return ref in pred


def includes_any(reference: str, text: str, *, tokenize: bool = False) -> bool:
    """``must_include`` for a reference with ``|OR|`` alternatives."""
    return any(must_include(alt, text, tokenize=tokenize) for alt in reference.split(OR))


def _as_list(value: str | Iterable[str]) -> list[str]:
    # Some configs write a single reference as a bare string (WebArena-Lite task 81).
    return [value] if isinstance(value, str) else list(value)


def _check(evaluator: str, check: str, passed: bool | None, expected: Any, got: Any,
           reason: str, **extra: Any) -> dict:
    if isinstance(got, str) and len(got) > MAX_GOT:
        got = got[:MAX_GOT] + "…"
    return {"evaluator": evaluator, "check": check, "passed": passed, "expected": expected,
            "got": got, "reason": reason, **extra}


# --- The LLM judge ------------------------------------------------------------------------


class LLMJudge(Protocol):
    def judge(self, question: str, answer: str, reference: str) -> bool | None:
        """Whether ``answer`` means the same as ``reference`` for ``question``; ``None`` if
        the judge cannot tell."""


@runtime_checkable
class UnachievableJudge(Protocol):
    """A judge with WebArena's second question: does the agent's reason for giving up agree
    with the reason the task is unachievable? Judges without it are asked ``judge`` with
    the reason as the reference."""

    def judge_unachievable(self, task: str, reported: str, actual: str) -> bool | None: ...


SYSTEM_PROMPT = "You are a careful and helpful assistant."
FUZZY_PROMPT = """You are helping a teacher grade a student's answer to a question. The student \
may word the answer differently from the reference; what matters is whether the two answers \
mean the same thing.
question: {question}
reference answer: {reference}
Note: wherever you see the string 'N/A', it is a special marker meaning 'not achievable'.
student answer: {answer}
Give your verdict as exactly one of 'correct', 'incorrect' or 'partially correct', and \
write nothing else."""
UNACHIEVABLE_PROMPT = """task: {task}
actual unachievable reason: {actual}
reported unachievable reason: {reported}
The task above cannot be completed, for the reason given as 'actual unachievable reason'. \
Someone attempted it, did not succeed, and explained why under 'reported unachievable \
reason'. Compare the two reasons and decide whether the reported one agrees with the actual \
one, even if only implicitly. Reply 'same' if it agrees and 'different' if it does not."""


def _graded(reply: str) -> bool | None:
    reply = reply.lower()
    if "partially correct" in reply or "incorrect" in reply:
        return False
    return True if "correct" in reply else None


def _same(reply: str) -> bool | None:
    reply = reply.lower()
    if "different" in reply:
        return False
    return True if "same" in reply else None


class OpenAICompatibleJudge:
    """WebArena's LLM judge behind any OpenAI-compatible ``/chat/completions`` endpoint.

    ``base_url`` is the API root (e.g. ``http://127.0.0.1:8000/v1``). Transport and reply
    format failures raise :class:`JudgeError`; an unclear verdict gives ``None``.
    """

    def __init__(self, base_url: str, model: str, api_key: str | None = None, *,
                 timeout: float = 60.0, max_tokens: int = 768) -> None:
        if urlsplit(base_url).scheme not in ("http", "https"):
            raise ValueError(f"judge base_url must be http(s): {base_url!r}")
        self.url = base_url.rstrip("/") + "/chat/completions"
        self.model = model
        self.api_key = api_key
        self.timeout = timeout
        self.max_tokens = max_tokens

    def judge(self, question: str, answer: str, reference: str) -> bool | None:
        prompt = FUZZY_PROMPT.format(question=question, reference=reference, answer=answer)
        return _graded(self.complete(prompt))

    def judge_unachievable(self, task: str, reported: str, actual: str) -> bool | None:
        return _same(self.complete(UNACHIEVABLE_PROMPT.format(
            task=task, actual=actual, reported=reported)))

    def complete(self, prompt: str) -> str:
        """The model's reply to ``prompt`` (greedy decoding, as WebArena)."""
        body = {"model": self.model, "temperature": 0, "max_tokens": self.max_tokens,
                "messages": [{"role": "system", "content": SYSTEM_PROMPT},
                             {"role": "user", "content": prompt}]}
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


def _ask(judge: LLMJudge | None, question: str, answer: str, reference: str, *,
         unachievable: bool = False) -> tuple[bool | None, str]:
    """(verdict, reason) of the judge; ``None`` with the reason when there is no verdict."""
    if judge is None:
        return None, "UNJUDGED: needs an LLM judge and none is configured"
    try:
        if not unachievable:
            verdict = judge.judge(question, answer, reference)
        elif isinstance(judge, UnachievableJudge):
            verdict = judge.judge_unachievable(question, answer, reference)
        else:
            verdict = judge.judge(question, answer, f"N/A (not achievable: {reference})")
    except JudgeError as exc:
        return None, f"UNJUDGED: the LLM judge failed: {exc}"
    if verdict is None:
        return None, "UNJUDGED: the LLM judge gave no clear verdict"
    return bool(verdict), "LLM judge: " + ("agrees" if verdict else "disagrees")


# --- string_match -------------------------------------------------------------------------


def _string_match(references: Mapping[str, Any], answer: str, intent: str, string_note: str,
                  judge: LLMJudge | None) -> list[dict]:
    pred = clean_answer(answer)
    checks = []
    for kind, value in references.items():
        if kind == "exact_match":
            passed = exact_match(value, pred)
            checks.append(_check("string_match", kind, passed, value, answer,
                                 "equal" if passed else "not equal"))
        elif kind == "must_include":
            items = _as_list(value)
            for item in items:
                passed = includes_any(item, pred, tokenize=len(items) == 1)
                checks.append(_check("string_match", kind, passed, item, answer,
                                     "included" if passed else "not included"))
        elif kind == "fuzzy_match":
            checks.append(_fuzzy_answer(value, answer, intent, string_note, judge))
        else:
            raise Unsupported(f"reference_answers kind {kind!r} (supported: exact_match, "
                              "must_include, fuzzy_match)")
    return checks


def _fuzzy_answer(value: str | list[str], answer: str, intent: str, string_note: str,
                  judge: LLMJudge | None) -> dict:
    answer = answer.strip()
    if value in ("N/A", ["N/A"]):  # the task is unachievable; the agent must say so
        if exact_match("N/A", answer):
            return _check("string_match", "fuzzy_match", True, value, answer, "answered N/A")
        if value == "N/A" and string_note:  # WebArena's ua_match: compare the reasons
            passed, reason = _ask(judge, intent, answer, string_note, unachievable=True)
            return _check("string_match", "unachievable", passed, string_note, answer, reason)
    reference = ", ".join(_as_list(value))
    if not answer:  # WebArena's rule: an empty answer matches only an empty reference
        return _check("string_match", "fuzzy_match", not reference, reference, answer,
                      "empty answer")
    passed, reason = _ask(judge, intent, answer, reference)
    return _check("string_match", "fuzzy_match", passed, reference, answer, reason)


# --- url_match ----------------------------------------------------------------------------


def _split_url(url: str) -> tuple[str, dict[str, list[str]]]:
    """(host + path without trailing slash, query parameters) - WebArena's URL normal form."""
    parts = urlsplit(url.strip())
    netloc = parts.netloc.lower()
    if parts.hostname == "localhost":  # as VAB: one spelling of the local host
        netloc = netloc.replace("localhost", "127.0.0.1", 1)
    return (netloc + parts.path).rstrip("/"), parse_qs(parts.query)


def url_matches(reference_url: str, url: str, url_note: str | None = None) -> bool:
    """WebArena's URL rule. ``GOLD in PRED``: some gold host+path is contained in the page's,
    and each gold query parameter has one of its gold values in the page's query. Otherwise
    (VAB's default, ``EXACT``) the host+path and the query parameters must be equal."""
    golds = [_split_url(u) for u in reference_url.split(OR)]
    base, query = _split_url(url)
    if url_note == "GOLD in PRED":
        wanted: dict[str, set[str]] = {}
        for _, gold_query in golds:
            for key, values in gold_query.items():
                wanted.setdefault(key, set()).update(values)
        return any(gold_base in base for gold_base, _ in golds) and all(
            any(v in query.get(key, []) for v in values) for key, values in wanted.items())
    if url_note in (None, "", "EXACT"):
        return any(gold == (base, query) for gold in golds)
    raise Unsupported(f"url_note {url_note!r} (supported: 'GOLD in PRED', 'EXACT')")


# --- func: helpers ------------------------------------------------------------------------


@dataclass(frozen=True)
class Review:
    author: str
    rating: int  # percent, as Magento stores it: 5 stars = 100
    title: str = ""
    text: str = ""


class Site(Protocol):
    """Back-end lookups some helpers need (WebArena asks Magento's REST API); the env
    supplies one. A lookup it cannot answer raises :class:`Unsupported`."""

    def latest_order_url(self) -> str:
        """Full URL of the customer's page of the newest order (``.../sales/order/view/...``)."""

    def latest_review(self, sku: str) -> Review | None:
        """The newest review of the product with ``sku``, or ``None`` if it has none."""


class _PageArg:
    """Stands for WebArena's ``__page__`` argument until the page is known."""


PAGE_ARG = _PageArg()
GITLAB_ROLE_JS = """account => {
    const names = [...document.querySelectorAll(
        "td[data-label='Account'] span.gl-avatar-labeled-sublabel")];
    const row = names.findIndex(name => name.outerText === '@' + account);
    const role = document.querySelectorAll('td.col-max-role span')[row];
    return row >= 0 && role ? role.outerText : '';
}"""
QUERY_TEXT_JS = "selector => document.querySelector(selector)?.textContent ?? ''"


def reddit_get_post_url(url: str) -> str:
    """The post's own page for a URL inside a post (``/f/<forum>/<id>/...``); else ``url``."""
    parts = urlsplit(url)
    path = parts.path.split("/")
    if len(path) < 4 or path[1] != "f" or not path[3]:
        return url
    return f"{parts.scheme}://{parts.netloc}/f/{path[2]}/{path[3]}/"


def gitlab_get_project_memeber_role(page: Any, account: str) -> str:  # sic, WebArena's name
    """The role shown for ``@account`` on a GitLab project-members page."""
    return _page_text(page, GITLAB_ROLE_JS, account)


def get_query_text(page: Any, selector: str) -> str:
    return _page_text(page, QUERY_TEXT_JS, selector)


def get_query_text_lowercase(page: Any, selector: str) -> str:
    return get_query_text(page, selector).lower()


def _page_text(page: Any, script: str, arg: str) -> str:
    try:
        return str(page.evaluate(script, arg) or "")
    except PlaywrightError:  # the page is not what the helper expects: nothing selected
        return ""


def _review_field(field: str) -> Callable[[Site, str], str]:
    def lookup(site: Site, sku: str) -> str:
        review = site.latest_review(sku)
        return "" if review is None else str(getattr(review, field))
    return lookup


# Helpers that need only their arguments (the page among them).
HELPERS: dict[str, Callable[..., str]] = {
    "reddit_get_post_url": reddit_get_post_url,
    "gitlab_get_project_memeber_role": gitlab_get_project_memeber_role,
    "get_query_text": get_query_text,
    "get_query_text_lowercase": get_query_text_lowercase,
}
# Helpers that look their answer up in the site's back end (called with the Site first).
SITE_HELPERS: dict[str, Callable[..., str]] = {
    "shopping_get_latest_order_url": lambda site: site.latest_order_url(),
    "shopping_get_sku_latest_review_author": _review_field("author"),
    "shopping_get_sku_latest_review_rating": _review_field("rating"),
    "shopping_get_sku_latest_review_title": _review_field("title"),
    "shopping_get_sku_latest_review_text": _review_field("text"),
}


def parse_call(expression: str) -> tuple[str, list[Any]]:
    """(name, arguments) of a ``func:`` call such as ``f(__page__, 'x')``; only string
    literals and ``__page__`` are accepted as arguments."""
    try:
        node = ast.parse(expression.strip(), mode="eval").body
    except SyntaxError as exc:
        raise ValueError(f"bad func: expression {expression!r}: {exc.msg}") from None
    if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Name)) or node.keywords:
        raise ValueError(f"func: expression is not a plain call: {expression!r}")
    args: list[Any] = []
    for arg in node.args:
        if isinstance(arg, ast.Constant) and isinstance(arg.value, str):
            args.append(arg.value)
        elif isinstance(arg, ast.Name) and arg.id == "__page__":
            args.append(PAGE_ARG)
        else:
            raise ValueError(f"func: arguments must be strings or __page__: {expression!r}")
    return node.func.id, args


def call_helper(expression: str, *, page: Any, last_url: str, site: Site | None) -> str:
    """Run a ``func:`` expression: ``__page__`` is ``page``, ``__last_url__`` the agent's URL."""
    name, args = parse_call(expression)
    args = [page if a is PAGE_ARG else a.replace("__last_url__", last_url) for a in args]
    if name in HELPERS:
        helper, call_args = HELPERS[name], args
    elif name in SITE_HELPERS:
        if site is None:
            raise Unsupported(f"{name} looks up the site's database: pass evaluate(site=...)")
        helper, call_args = SITE_HELPERS[name], [site, *args]
    else:
        known = sorted({*HELPERS, *SITE_HELPERS})
        raise Unsupported(f"func: helper {name!r} is not implemented (implemented: {known})")
    try:
        return str(helper(*call_args))
    except TypeError as exc:
        raise ValueError(f"bad arguments in func:{expression}: {exc}") from None


# --- program_html -------------------------------------------------------------------------


def locator_script(locator: str) -> str:
    """The page function for a locator expression; its value as text ('' for null)."""
    expression = locator.strip() or EMPTY_LOCATOR
    # Newlines keep a trailing // comment in the locator from swallowing the wrapper.
    return (f"() => {{\nconst value = (\n{expression}\n);\n"
            "return value == null ? '' : String(value);\n}")


def select_text(locator: str, page: Any, *, last_url: str, site: Site | None) -> tuple[str, str]:
    """(selected text, note): the locator's value on ``page``; a failing script selects
    nothing (WebArena's rule: the page is wrong) and the note says why."""
    if locator.startswith("func:"):
        return call_helper(locator[len("func:"):], page=page, last_url=last_url, site=site), ""
    try:
        return page.evaluate(locator_script(locator)), ""
    except PlaywrightError as exc:
        message = str(exc).splitlines()[0].removeprefix("Page.evaluate: ")
        return "", f"locator failed: {message}"


class _Visits:
    """Pages for program_html's URLs; consecutive items on one URL share one visit."""

    def __init__(self, page: Any, visit: Callable[[str], Any] | None) -> None:
        self._visit = visit or self._new_page
        self._owned = visit is None  # pages we opened ourselves are ours to close
        self._page = page
        self._url: str | None = None
        self._current: Any = None

    def _new_page(self, url: str) -> Any:
        fresh = self._page.context.new_page()
        fresh.goto(url)
        return fresh

    def open(self, url: str) -> Any:
        if url != self._url:
            self.close()
            self._current, self._url = self._visit(url), url
        return self._current

    def close(self) -> None:
        if self._owned and self._current is not None:
            self._current.close()
        self._current = self._url = None


def _program_html(items: list[dict], page: Any, visit: Callable[[str], Any] | None,
                  judge: LLMJudge | None, intent: str, site: Site | None) -> list[dict]:
    last_url = page.url
    visits = _Visits(page, visit)
    checks: list[dict] = []
    try:
        for item in items:
            url = item["url"]
            if url.startswith("func:"):
                url = call_helper(url[len("func:"):], page=page, last_url=last_url, site=site)
            target = page if url == "last" else visits.open(url)
            locator = item.get("locator", "")
            got, note = select_text(locator, target, last_url=last_url, site=site)
            where = {"url": target.url, "locator": locator}
            checks += _required(item["required_contents"], got, note, where, intent, judge)
    finally:
        visits.close()
    return checks


def _required(required: Mapping[str, Any], got: str, note: str, where: dict, intent: str,
              judge: LLMJudge | None) -> list[dict]:
    def check(kind: str, passed: bool | None, expected: Any, reason: str) -> dict:
        reason = f"{reason}; {note}" if note else reason
        return _check("program_html", kind, passed, expected, got, reason, **where)

    if "exact_match" in required:
        value = required["exact_match"]
        passed = exact_match(value, got)
        return [check("exact_match", passed, value, "equal" if passed else "not equal")]
    if "must_include" in required:
        return [check("must_include", ok := includes_any(item, got), item,
                      "included" if ok else "not included")
                for item in _as_list(required["must_include"])]
    if "fuzzy_match" in required:
        reference = ", ".join(_as_list(required["fuzzy_match"]))
        if not got.strip():
            return [check("fuzzy_match", False, reference, "nothing selected")]
        passed, reason = _ask(judge, intent, got, reference)
        return [check("fuzzy_match", passed, reference, reason)]
    raise Unsupported(f"required_contents {sorted(required)} (supported: exact_match, "
                      "must_include, fuzzy_match)")


# --- The combination ----------------------------------------------------------------------


def combine(details: Iterable[Mapping[str, Any]]) -> float | None:
    """The product of the checks: any failure gives 0, else any unjudged check gives None."""
    verdicts = [d["passed"] for d in details]
    if any(v is False for v in verdicts):
        return 0.0
    return None if any(v is None for v in verdicts) else 1.0


def evaluate(eval_config: dict, *, answer: str | None, page: Any,
             visit: Callable[[str], Any] | None = None, judge: LLMJudge | None = None,
             intent: str = "", site: Site | None = None) -> EvalResult:
    """Judge an episode by a WebArena ``eval`` block (placeholders already substituted).

    ``answer`` is the agent's final answer (``None`` if it gave none), ``page`` its current
    Playwright page; ``visit(url)`` returns a page showing ``url`` (default: a new tab in
    ``page``'s context, closed afterwards); ``intent`` is the task's question for the judge.
    """
    eval_types = eval_config.get("eval_types") or []
    if not eval_types:
        raise ValueError("eval config has no eval_types")
    details: list[dict] = []
    for eval_type in eval_types:
        if eval_type == "string_match":
            references = eval_config.get("reference_answers")
            if not references:
                raise ValueError("string_match without reference_answers")
            details += _string_match(references, answer or "", intent,
                                     eval_config.get("string_note") or "", judge)
        elif eval_type in ("url_match", "program_html") and page is None:
            raise ValueError(f"{eval_type} needs the agent's page")
        elif eval_type == "url_match":
            reference = eval_config.get("reference_url")
            if not reference:
                raise ValueError("url_match without reference_url")
            passed = url_matches(reference, page.url, eval_config.get("url_note"))
            details.append(_check("url_match", eval_config.get("url_note") or "EXACT", passed,
                                  reference, page.url, "match" if passed else "no match"))
        elif eval_type == "program_html":
            items = eval_config.get("program_html")
            if not items:
                raise ValueError("program_html without items")
            details += _program_html(items, page, visit, judge, intent, site)
        else:
            raise Unsupported(f"eval_type {eval_type!r} (supported: string_match, url_match, "
                              "program_html)")
    return EvalResult(combine(details), tuple(details))
