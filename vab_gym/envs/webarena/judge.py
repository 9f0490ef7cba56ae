"""WebArena's evaluators for a task's ``eval`` block: string_match, url_match, program_html.

Written anew from VAB-WebArena-Lite's ``new/evaluators.py`` and ``helper_functions_eval.py``
(VAB 9055fc2) and checked against them rule by rule; each rule names the VAB function it
follows. Alternatives are written ``a |OR| b`` and the evaluators' scores multiply. Where VAB
asks an LLM (``fuzzy_match`` and unachievable-task reasons) an :class:`LLMJudge` is asked with
VAB's prompts; without one the check is reported as unjudged (score ``None``).

:func:`evaluate` never raises: what makes VAB's evaluators raise (a timeout, an unreachable
page, a failed ``assert``, an LLM reply without a verdict) fails the task there, since
``run.py`` then records no score and ``score.py`` counts the task as failed, so here it is a
failed check with its reason. What this implementation lacks is an unjudged check.

Task text is never run as Python: ``func:`` expressions are parsed with :mod:`ast` and
dispatched to the helpers below; ``locator`` JavaScript runs in the page, as in VAB.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from functools import cache
from typing import Any, Protocol, runtime_checkable
from urllib.parse import urlsplit

from nltk.tokenize import NLTKWordTokenizer
from nltk.tokenize.punkt import PunktSentenceTokenizer
from playwright.sync_api import Error as PlaywrightError

from vab_gym.core.llm import ChatClient, JudgeError

OR = " |OR| "
SITES = ("shopping", "shopping_admin", "reddit", "gitlab", "map", "wikipedia", "homepage")
PLACEHOLDER = re.compile(r"__(" + "|".join(s.upper() for s in SITES) + r")__")
MAX_GOT = 500  # characters of page text kept in a detail entry
# HTMLContentExactEvaluator.__call__: ``page.goto(url); time.sleep(3)`` for every item whose
# url is not "last"; envs.py gives pages 120 s timeouts. Both are evaluate() arguments.
VAB_PAGE_WAIT = 3.0
VAB_TIMEOUT_MS = 120_000
JUDGE_MODEL = "gpt-4-1106-preview"  # llm_fuzzy_match / llm_ua_match


class Unsupported(NotImplementedError):
    """The config needs something this implementation does not provide (named in the message)."""


class VabAssertion(AssertionError):
    """One of VAB's ``assert`` statements fails on this config (reproduced under vab_quirks)."""


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


# --- Text comparison (StringEvaluator's static methods) ----------------------------------


def clean_answer(text: str) -> str:
    """``StringEvaluator.clean_answer``: one pair of surrounding quotes removed (``'`` first,
    then ``"``), lower-cased. Whitespace is kept, so ``" yes"`` is not ``"yes"``."""
    quote = text[:1]
    if quote in ("'", '"') and text.endswith(quote):  # a lone quote becomes "", as in VAB
        text = text[1:-1]
    return text.lower()


@cache
def _tokenizers() -> tuple[PunktSentenceTokenizer, NLTKWordTokenizer]:
    return PunktSentenceTokenizer(), NLTKWordTokenizer()


def word_tokens(text: str) -> list[str]:
    """NLTK's ``word_tokenize`` (Punkt sentences, then NLTK's Treebank word tokenizer), with an
    untrained Punkt: the trained English model is a data download (``punkt_tab``) that
    cannot be shipped. The two split sentences differently only after a period that the
    English model knows as an abbreviation ("st.", "dr.")."""
    sentences, words = _tokenizers()
    return [token for sentence in sentences.tokenize(text) for token in words.tokenize(sentence)]


def exact_match(reference: str, text: str) -> bool:
    """``StringEvaluator.exact_match``: equal after cleaning both."""
    return clean_answer(str(text)) == clean_answer(reference)


def must_include(reference: str, text: str) -> bool:
    """``StringEvaluator.must_include``: a reference that is one NLTK token must be one of the
    text's tokens, or a part of a token split at ``/`` ("914" is not in "914km", "22" is in
    "3/22/2023"); a longer reference must be a substring."""
    ref, pred = clean_answer(reference), clean_answer(text)
    if len(word_tokens(ref)) != 1:
        return ref in pred
    tokens = word_tokens(pred)
    return ref in tokens + [part for token in tokens if "/" in token for part in token.split("/")]


def includes_any(reference: str, text: str) -> bool:
    """``must_include`` for a reference with ``|OR|`` alternatives."""
    return any(must_include(alt, text) for alt in reference.split(OR))


def _as_list(value: str | Iterable[str], what: str, vab_quirks: bool) -> list[str]:
    """A list of references. VAB asserts a list; WebArena-Lite task 81 writes one bare string,
    which fixes VAB's crash by reading it as a one-item list (``vab_quirks`` keeps the crash)."""
    if isinstance(value, list):
        return value
    if vab_quirks:
        raise VabAssertion(
            f"{what} is {type(value).__name__}, not a list: VAB's "
            "'assert isinstance(..., list)' fails"
        )
    return [value] if isinstance(value, str) else list(value)


def _check(
    evaluator: str,
    check: str,
    passed: bool | None,
    expected: Any,
    got: Any,
    reason: str,
    **extra: Any,
) -> dict:
    if isinstance(got, str) and len(got) > MAX_GOT:
        got = got[:MAX_GOT] + "…"
    return {
        "evaluator": evaluator,
        "check": check,
        "passed": passed,
        "expected": expected,
        "got": got,
        "reason": reason,
        **extra,
    }


# --- The LLM judge ------------------------------------------------------------------------


class LLMJudge(Protocol):
    def judge(self, question: str, answer: str, reference: str) -> bool | None:
        """Whether ``answer`` means the same as ``reference`` for ``question``; ``None`` if
        there is no verdict (a failed check, as VAB's ``assert`` on the reply)."""


@runtime_checkable
class UnachievableJudge(Protocol):
    """A judge with VAB's second question (``llm_ua_match``): does the agent's reason for
    giving up agree with the reason the task is unachievable? Judges without it are asked
    ``judge`` with the reason as the reference."""

    def judge_unachievable(self, task: str, reported: str, actual: str) -> bool | None: ...


# helper_functions_eval.py: llm_fuzzy_match and llm_ua_match, word for word.
SYSTEM_PROMPT = "You are a helpful assistant"
FUZZY_PROMPT = (
    "Help a teacher to grade the answer of a student given a question. Keep in mind that the "
    "student may use different phrasing or wording to answer the question. The goal is to "
    "evaluate whether the answer is semantically equivalent to the reference answer.\n"
    "question: {question}\n"
    "reference answer: {reference}\n"
    "all the string 'N/A' that you see is a special sequence that means 'not achievable'\n"
    "student answer: {answer}\n"
    "Conclude the judgement by 'correct', 'incorrect', or 'partially correct'. Only output one "
    "of these options, and nothing else."
)
UNACHIEVABLE_PROMPT = (
    "task: {task}\n"
    "actual unachievable reason: {actual}\n"
    "reported unachievable reason: {reported}\n"
    "The task described above is inherently unachievable due to the reason specified under "
    "'actual unachievable reason'. An individual previously attempted this task and was unable "
    "to complete it. They provided a reason for their failure, which is listed under 'reported "
    "unachievable reason'. Your role is to review both the actual and reported reasons. "
    "Determine if the reported reason aligns with the actual reason, even if implicitly. If the "
    "stated reason is in line with the actual reason, respond with 'same'. Otherwise, respond "
    "with 'different'."
)


def _graded(reply: str) -> bool | None:
    """llm_fuzzy_match's reading of the lower-cased reply (``None``: its assert fails)."""
    reply = reply.lower()
    if "partially correct" in reply or "incorrect" in reply:
        return False
    return True if "correct" in reply else None


def _same(reply: str) -> bool | None:
    """llm_ua_match's reading of the lower-cased reply (``None``: its assert fails)."""
    reply = reply.lower()
    if "different" in reply:
        return False
    return True if "same" in reply else None


class OpenAICompatibleJudge(ChatClient):
    """VAB's LLM judge behind any OpenAI-compatible ``/chat/completions`` endpoint.

    ``base_url`` is the API root (e.g. ``http://127.0.0.1:8000/v1``); the request is VAB's
    (``generate_from_openai_chat_completion``): its model, system prompt, temperature 0,
    top_p 1 and 768 tokens. Transport and reply format failures raise :class:`JudgeError`;
    a reply without a verdict gives ``None``.
    """

    def __init__(
        self,
        base_url: str,
        model: str = JUDGE_MODEL,
        api_key: str | None = None,
        *,
        timeout: float = 60.0,
        max_tokens: int = 768,
    ) -> None:
        super().__init__(base_url, model, api_key, timeout=timeout)
        self.max_tokens = max_tokens

    def judge(self, question: str, answer: str, reference: str) -> bool | None:
        prompt = FUZZY_PROMPT.format(question=question, reference=reference, answer=answer)
        return _graded(self.complete(prompt))

    def judge_unachievable(self, task: str, reported: str, actual: str) -> bool | None:
        return _same(
            self.complete(UNACHIEVABLE_PROMPT.format(task=task, actual=actual, reported=reported))
        )

    def complete(self, prompt: str) -> str:
        """The model's reply to ``prompt``."""
        return self.chat(
            [{"role": "system", "content": SYSTEM_PROMPT}, {"role": "user", "content": prompt}],
            temperature=0,
            max_tokens=self.max_tokens,
            top_p=1.0,
        )


def _ask(
    judge: LLMJudge | None,
    question: str,
    answer: str,
    reference: str,
    *,
    unachievable: bool = False,
) -> tuple[bool | None, str]:
    """(verdict, reason) of the judge; ``None`` only when no judge is configured. A judge
    that fails or gives no verdict fails the check, as VAB's run does."""
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
        return False, f"the LLM judge failed: {exc}"
    if verdict is None:
        return False, "the LLM judge gave no verdict"
    return bool(verdict), "LLM judge: " + ("agrees" if verdict else "disagrees")


# --- string_match (StringEvaluator.__call__) -------------------------------------------------


def _string_match(
    references: Mapping[str, Any],
    answer: str,
    intent: str,
    string_note: str,
    judge: LLMJudge | None,
    vab_quirks: bool,
    checks: list[dict],
) -> None:
    pred = clean_answer(answer)  # cleaned here, and again inside each comparison, as VAB
    for kind, value in references.items():
        if kind == "exact_match":
            passed = exact_match(value, pred)
            checks.append(
                _check(
                    "string_match", kind, passed, value, answer, "equal" if passed else "not equal"
                )
            )
        elif kind == "must_include":
            for item in _as_list(value, "must_include", vab_quirks):
                passed = includes_any(item, pred)
                checks.append(
                    _check(
                        "string_match",
                        kind,
                        passed,
                        item,
                        answer,
                        "included" if passed else "not included",
                    )
                )
        elif kind == "fuzzy_match" and value == "N/A":  # unachievable: N/A, or the reason
            if exact_match("N/A", pred):
                checks.append(_check("string_match", kind, True, value, answer, "answered N/A"))
            else:
                passed, reason = _ask(judge, intent, pred, string_note, unachievable=True)
                checks.append(
                    _check("string_match", "unachievable", passed, string_note, answer, reason)
                )
        elif kind == "fuzzy_match":
            reference = ", ".join(_as_list(value, "fuzzy_match", vab_quirks))
            passed, reason = _ask(judge, intent, pred, reference)
            checks.append(_check("string_match", kind, passed, reference, answer, reason))
        else:
            raise Unsupported(
                f"reference_answers kind {kind!r} (supported: exact_match, "
                "must_include, fuzzy_match)"
            )


# --- url_match (URLExactEvaluator.__call__) --------------------------------------------------


def clean_url(url: str) -> str:
    """URLExactEvaluator's ``clean_url``: every "localhost" becomes "127.0.0.1", one trailing
    "/" goes. Nothing else: query order, encoding, scheme and fragment all count."""
    url = str(url).replace("localhost", "127.0.0.1")
    return url[:-1] if url.endswith("/") else url


def url_matches(reference_url: str, url: str, url_note: str = "EXACT") -> bool:
    """VAB's URL rule on the cleaned strings: ``EXACT`` (VAB's default), the page's URL equals
    one of the ``|OR|`` alternatives; ``GOLD in PRED``, one of them is a substring of it."""
    golds = [clean_url(gold) for gold in reference_url.split(OR)]
    pred = clean_url(url)
    if url_note == "EXACT":
        return pred in golds
    if url_note == "GOLD in PRED":
        return any(gold in pred for gold in golds)
    raise ValueError(f"Unknown matching rule: {url_note}")  # VAB's message


# --- func: helpers ------------------------------------------------------------------------


@dataclass(frozen=True)
class Review:
    author: str
    rating: int | None  # percent, as Magento stores it: 5 stars = 100; None: no "Rating"
    title: str = ""
    text: str = ""


class Site(Protocol):
    """Back-end lookups some helpers need (VAB asks Magento's REST API: ``magento.py``; the
    local shop answers from its database: ``shop/site.py``); the env supplies one."""

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
    if len(path) < 4 or path[1] != "f":  # helper_functions_eval.py: reddit_get_post_url
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
        if review is None:
            return ""
        value = getattr(review, field)
        if value is None:  # shopping_get_sku_latest_review_rating's assert fails
            raise AssertionError(f"the review of {sku} has no 'Rating' rating")
        return str(value)

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
    """Run a ``func:`` expression: ``__page__`` is ``page``, ``__last_url__`` is ``last_url``."""
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


# --- program_html (HTMLContentExactEvaluator.__call__) ---------------------------------------


@dataclass(frozen=True)
class PageVisits:
    """How program_html opens its URLs: VAB's ``page.goto(url)`` on the agent's own page, then
    ``time.sleep(3)`` so that script-rendered pages (GitLab's member lists) are complete.
    The local shop renders on the server and can use ``wait=0``."""

    wait: float = VAB_PAGE_WAIT  # seconds after each visit
    timeout_ms: float = VAB_TIMEOUT_MS

    def open(self, page: Any, url: str) -> None:
        page.goto(url, timeout=self.timeout_ms)
        if self.wait > 0:
            page.wait_for_timeout(self.wait * 1000)


# The local shop renders every page on the server: its pages are complete once loaded.
LOCAL_VISITS = PageVisits(wait=0.0, timeout_ms=10_000)


def select_text(locator: str, page: Any, *, site: Site | None) -> tuple[str, str]:
    """(selected text, note): what VAB reads for ``locator`` on ``page``.

    Empty: the page's HTML (``page.content()``, so "&" reads "&amp;"). ``document.`` /
    ``[...document.``: ``str()`` of the value VAB's ``() => locator`` returns (``None`` for
    null, ``True`` for true); a script that fails selects "" (VAB: "the page is wrong") and
    the note says why. ``func:``: the helper's value.
    """
    if not locator.strip():
        return page.content(), ""
    if locator.startswith(("document.", "[...document.")):
        try:
            return str(page.evaluate(f"() => {locator}")), ""
        except PlaywrightError as exc:
            message = str(exc).splitlines()[0].removeprefix("Page.evaluate: ")
            return "", f"locator failed: {message}"
    if locator.startswith("func:"):
        return call_helper(locator[len("func:") :], page=page, last_url=page.url, site=site), ""
    if locator.startswith("lambda:"):
        raise Unsupported("lambda: locators (no WebArena-Lite task uses one)")
    raise ValueError(f"Unknown locator: {locator}")  # VAB's message


def _program_html(
    items: list[dict],
    page: Any,
    visits: PageVisits,
    judge: LLMJudge | None,
    intent: str,
    site: Site | None,
    vab_quirks: bool,
    checks: list[dict],
) -> None:
    for item in items:
        url = item["url"]
        if url.startswith("func:"):  # __last_url__ is the page's URL now, as in VAB
            url = call_helper(url[len("func:") :], page=page, last_url=page.url, site=site)
        if url != "last":
            visits.open(page, url)
        if "prep_actions" in item:
            raise Unsupported("prep_actions (no WebArena-Lite task uses them)")
        locator = item.get("locator", "")
        got, note = select_text(locator, page, site=site)
        where = {"url": page.url, "locator": locator}
        checks += _required(item["required_contents"], got, note, where, intent, judge, vab_quirks)


def _required(
    required: Mapping[str, Any],
    got: str,
    note: str,
    where: dict,
    intent: str,
    judge: LLMJudge | None,
    vab_quirks: bool,
) -> list[dict]:
    def check(kind: str, passed: bool | None, expected: Any, reason: str) -> dict:
        reason = f"{reason}; {note}" if note else reason
        return _check("program_html", kind, passed, expected, got, reason, **where)

    if "exact_match" in required:
        value = required["exact_match"]
        passed = exact_match(value, got)
        return [check("exact_match", passed, value, "equal" if passed else "not equal")]
    if "must_include" in required:
        return [
            check(
                "must_include",
                ok := includes_any(item, got),
                item,
                "included" if ok else "not included",
            )
            for item in _as_list(required["must_include"], "must_include", vab_quirks)
        ]
    if "fuzzy_match" in required:
        reference = ", ".join(_as_list(required["fuzzy_match"], "fuzzy_match", vab_quirks))
        passed, reason = _ask(judge, intent, got, reference)
        return [check("fuzzy_match", passed, reference, reason)]
    raise Unsupported(
        f"required_contents {sorted(required)} (supported: exact_match, must_include, fuzzy_match)"
    )


# --- The combination (EvaluatorComb) ------------------------------------------------------


def combine(details: Iterable[Mapping[str, Any]]) -> float | None:
    """The product of the checks: any failure gives 0, else any unjudged check gives None."""
    verdicts = [d["passed"] for d in details]
    if any(v is False for v in verdicts):
        return 0.0
    return None if any(v is None for v in verdicts) else 1.0


def evaluate(
    eval_config: dict,
    *,
    answer: str | None,
    page: Any,
    judge: LLMJudge | None = None,
    intent: str = "",
    site: Site | None = None,
    vab_quirks: bool = False,
    visits: PageVisits = PageVisits(),
) -> EvalResult:
    """Judge an episode by a WebArena ``eval`` block (placeholders already substituted).

    ``answer`` is the agent's final answer (``None`` if it gave none), ``page`` its current
    Playwright page, which program_html navigates as VAB does (so ``url_match`` runs first,
    in the config's order); ``intent`` is the task's question for the judge; ``site`` answers
    the back-end helpers; ``vab_quirks`` reproduces VAB's crashes (task 81); ``visits`` sets
    the wait and timeout of program_html's page visits.

    Never raises: an error fails the task with its reason in the last check, as an
    evaluator's exception does in VAB's ``run.py``; a missing feature leaves it unjudged.
    """
    details: list[dict] = []
    eval_type = "config"
    try:
        eval_types = eval_config.get("eval_types") or []
        if not eval_types:
            raise ValueError("eval config has no eval_types")
        for eval_type in eval_types:
            if eval_type == "string_match":
                references = eval_config.get("reference_answers")
                if not references:
                    raise ValueError("string_match without reference_answers")
                _string_match(
                    references,
                    answer or "",
                    intent,
                    eval_config.get("string_note") or "",
                    judge,
                    vab_quirks,
                    details,
                )
            elif eval_type in ("url_match", "program_html") and page is None:
                raise ValueError(f"{eval_type} needs the agent's page")
            elif eval_type == "url_match":
                rule = eval_config.get("url_note", "EXACT")
                passed = url_matches(eval_config.get("reference_url") or "", page.url, rule)
                details.append(
                    _check(
                        "url_match",
                        rule,
                        passed,
                        eval_config["reference_url"],
                        page.url,
                        "match" if passed else "no match",
                    )
                )
            elif eval_type == "program_html":
                items = eval_config.get("program_html")
                if not items:
                    raise ValueError("program_html without items")
                _program_html(items, page, visits, judge, intent, site, vab_quirks, details)
            else:
                raise Unsupported(
                    f"eval_type {eval_type!r} (supported: string_match, url_match, program_html)"
                )
    except Unsupported as exc:
        details.append(
            _check(eval_type, "unsupported", None, None, None, f"UNJUDGED: not implemented: {exc}")
        )
    except Exception as exc:  # VAB's run.py: any exception in an evaluator fails the task
        first = str(exc).strip().splitlines()[0] if str(exc).strip() else ""
        reason = f"{type(exc).__name__}: {first}" if first else type(exc).__name__
        details.append(_check(eval_type, "error", False, None, None, reason))
    return EvalResult(combine(details), tuple(details))
