"""VAB-WebArena-Lite's judge, rule by rule against VAB's code (VAB 9055fc2,
VAB-WebArena-Lite/new/evaluators.py and helper_functions_eval.py). Expected values are
worked out by hand from VAB's code or copied from its strings, never from vab-gym's."""

import json
import socket
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import SimpleNamespace
from urllib.parse import parse_qsl, urlsplit

import pytest
from playwright.sync_api import TimeoutError as PlaywrightTimeoutError

from vab_gym.core.tasks import read_jsonl
from vab_gym.envs.webarena.judge import (
    VAB_PAGE_WAIT,
    VAB_TIMEOUT_MS,
    OpenAICompatibleJudge,
    PageVisits,
    clean_answer,
    evaluate,
    exact_match,
    must_include,
    substitute_sites,
    url_matches,
    word_tokens,
)
from vab_gym.envs.webarena.magento import MagentoRestSite
from vab_gym.envs.webarena.tasks import LITE_PATH

TASKS = {task.id: task for task in read_jsonl(LITE_PATH)}
URLS = {
    "shopping": "http://shop.test",
    "shopping_admin": "http://shop.test/admin",
    "reddit": "http://forum.test",
    "gitlab": "http://gitlab.test",
    "map": "http://map.test",
    "wikipedia": "http://wiki.test",
    "homepage": "http://home.test",
}
QUICK = PageVisits(wait=0, timeout_ms=5000)


def config(n: int, urls: dict | None = None) -> dict:
    return substitute_sites(TASKS[f"wal-test-{n}"].judge, urls or URLS)


def intent(n: int) -> str:
    return TASKS[f"wal-test-{n}"].instruction


def html_config(locator: str, required: dict, url: str = "last") -> dict:
    return {
        "eval_types": ["program_html"],
        "program_html": [{"url": url, "locator": locator, "required_contents": required}],
    }


# --- Row 13: clean_answer -------------------------------------------------------------------

CLEAN_CASES = [
    ('"Hollister"', "hollister"),
    ("'Hollister'", "hollister"),
    (" yes", " yes"),  # no strip
    ("yes\n", "yes\n"),
    ("' yes '", " yes "),  # the quotes go, the spaces inside stay
    ("'\"Yes\"'", '"yes"'),  # one pair only
    ("'", ""),  # a lone quote starts and ends with a quote
    ('""', ""),
    ("'it", "'it"),
    ("it's", "it's"),
    ("N/A", "n/a"),
]


@pytest.mark.parametrize(("text", "cleaned"), CLEAN_CASES)
def test_clean_answer_as_vab(text, cleaned):
    """evaluators.py StringEvaluator.clean_answer: no strip; "'" checked before '"'; lower."""
    assert clean_answer(text) == cleaned


def test_string_match_cleans_the_answer_twice():
    """evaluators.py StringEvaluator.__call__ cleans the answer into ``pred``, then
    exact_match(ref, pred) cleans it again: "'yes'" inside double quotes passes; leading
    space fails."""
    cfg = {"eval_types": ["string_match"], "reference_answers": {"exact_match": "Yes"}}
    assert evaluate(cfg, answer="\"'Yes'\"", page=None).score == 1.0
    assert evaluate(cfg, answer=" Yes", page=None).score == 0.0
    assert evaluate(cfg, answer="Yes ", page=None).score == 0.0
    assert exact_match("Yes", "YES")


# --- Row 14: must_include's token rule --------------------------------------------------------

TOKEN_CASES = [
    ("the distance is 914km.", ["the", "distance", "is", "914km", "."]),
    ("it's 3/22/2023", ["it", "'s", "3/22/2023"]),
    ("914 km", ["914", "km"]),
    ("$12.99", ["$", "12.99"]),
    ("Hawkeye Yoga Short-32-Blue", ["Hawkeye", "Yoga", "Short-32-Blue"]),
    ("(65%)", ["(", "65", "%", ")"]),
    ('"quoted" word', ["``", "quoted", "''", "word"]),
    ("done. next one.", ["done", ".", "next", "one", "."]),
]


@pytest.mark.parametrize(("text", "tokens"), TOKEN_CASES)
def test_word_tokens_are_nltk_word_tokenize(text, tokens):
    """evaluators.py imports nltk.tokenize.word_tokenize: Punkt sentences then NLTK's
    Treebank tokenizer (tokens written out by hand from the Treebank rules)."""
    assert word_tokens(text) == tokens


MUST_INCLUDE_CASES = [
    # (reference, answer, VAB's verdict); one-token references must be whole tokens
    ("914", "914km", False),  # task 23: VAB 0
    ("914", "The distance is 914 km.", True),
    ("914", "It is 914km, about 10 hours", False),
    ("914", "9140 km", False),
    ("0", "There are 10 comments", False),
    ("0", "There are 0 comments", True),
    ("22", "on 3/22/2023", True),  # split on '/'
    ("2023", "3/22/2023", True),
    ("pics", "from /f/pics", True),
    ("yjlou", "The user is yjlou.", True),
    ("yjlou", "yjlou's", True),  # "yjlou" "'s"
    ("yjlou", "yjlou2", False),
    ("65", "65%", True),
    ("$25", "it costs $25.99", True),  # two tokens: substring
    ("12.99", "$12.99", True),
    ("Impulse Duffle", "impulse duffle, overnight duffle", True),
    ("Impulse Duffle", "impulse duffel", False),
    ("st. louis", "Saint Louis", False),
    ("Hollister", "HOLLISTER", True),
    ("hollister", "hollisters", False),
    ("N/A", "n/a", True),
    ("N/A", "the answer is n/a because", True),
    ("2", "2-pack", False),
    ("2", "2 pack", True),
    ("", "anything", True),  # no tokens: substring of everything
]


@pytest.mark.parametrize(("reference", "answer", "verdict"), MUST_INCLUDE_CASES)
def test_must_include_token_rule(reference, answer, verdict):
    """evaluators.py StringEvaluator.must_include: if word_tokenize(clean_ref) has one token,
    clean_ref must be a token of the cleaned answer or of one of its tokens split at '/';
    otherwise a substring."""
    assert must_include(reference, answer) is verdict


def test_task_23_914_does_not_match_914km():
    """evaluators.py StringEvaluator.must_include on WebArena-Lite task 23 (ref "914")."""
    assert evaluate(config(23), answer="914km", page=None).score == 0.0
    assert evaluate(config(23), answer="914 km", page=None).score == 1.0


def test_program_html_uses_the_token_rule(browser):
    """evaluators.py HTMLContentExactEvaluator.__call__ calls StringEvaluator.must_include on
    the selected text: a one-token reference is a whole token there too."""
    context = browser.new_context()
    page = context.new_page()
    page.set_content("<p id='d'>914km</p><p id='e'>is 914 km</p>")
    d = html_config("document.querySelector('#d').outerText", {"must_include": ["914"]})
    e = html_config("document.querySelector('#e').outerText", {"must_include": ["914"]})
    assert evaluate(d, answer=None, page=page, visits=QUICK).score == 0.0
    assert evaluate(e, answer=None, page=page, visits=QUICK).score == 1.0
    context.close()


# --- Row 15: URLs as strings -------------------------------------------------------------------

URL_CASES = [
    # (gold, page URL, rule, VAB's verdict)
    ("http://a.test/s?x=1&y=2", "http://a.test/s?y=2&x=1", "EXACT", False),  # query order
    ("http://a.test/s?q=red+shoes", "http://a.test/s?q=red%20shoes", "EXACT", False),
    ("http://a.test/s?q=red+shoes", "http://a.test/s?q=red+shoes/", "EXACT", True),
    ("http://a.test/x/", "http://a.test/x", "EXACT", True),  # one "/" goes
    ("http://a.test/x//", "http://a.test/x", "EXACT", False),  # only one
    ("http://localhost:7780/x", "http://127.0.0.1:7780/x", "EXACT", True),
    ("https://a.test/x", "http://a.test/x", "EXACT", False),  # scheme counts
    ("http://a.test/x", "http://a.test/x#top", "EXACT", False),  # fragment too
    ("http://A.test/x", "http://a.test/x", "EXACT", False),  # case too
    ("http://a.test/x |OR| http://a.test/y", "http://a.test/y", "EXACT", True),
    ("http://a.test/s?x=1", "http://a.test/s?x=1&y=2", "GOLD in PRED", True),  # substring
    ("http://a.test/s?x=1&y=2", "http://a.test/s?y=2&x=1", "GOLD in PRED", False),
    ("http://a.test/result/index/?q=a", "http://a.test/result/?q=a", "GOLD in PRED", False),
    ("http://a.test/s?l=%5B%5D", "http://a.test/s?l=[]", "GOLD in PRED", False),
    ("http://a.test/f/books", "http://a.test/f/books/12/a-post", "GOLD in PRED", True),
]


@pytest.mark.parametrize(("gold", "url", "rule", "verdict"), URL_CASES)
def test_url_rules_compare_strings(gold, url, rule, verdict):
    """evaluators.py URLExactEvaluator.__call__: clean_url replaces "localhost" with
    "127.0.0.1" and drops one trailing "/"; EXACT is `pred in ref_urls`, GOLD in PRED is
    `ref in pred`: query order and encoding are compared as written."""
    assert url_matches(gold, url, rule) is verdict


def test_task_77_query_order_counts():
    """URLExactEvaluator on task 77 (GOLD in PRED, q between the sort parameters)."""
    gold = config(77)["reference_url"]
    assert evaluate(config(77), answer=None, page=SimpleNamespace(url=gold)).score == 1.0
    reordered = (
        "http://shop.test/catalogsearch/result/index/"
        "?q=chairs&product_list_order=price&product_list_dir=asc"
    )
    assert evaluate(config(77), answer=None, page=SimpleNamespace(url=reordered)).score == 0.0


def test_url_note_missing_is_exact_and_unknown_fails():
    """URLExactEvaluator: ``configs["eval"].get("url_note", "EXACT")``; any other rule,
    "" included, raises ValueError("Unknown matching rule: ...") and fails the task."""
    cfg = {"eval_types": ["url_match"], "reference_url": "http://a.test/x"}
    assert evaluate(cfg, answer=None, page=SimpleNamespace(url="http://a.test/x")).score == 1.0
    assert evaluate(cfg, answer=None, page=SimpleNamespace(url="http://a.test/x/y")).score == 0.0
    result = evaluate({**cfg, "url_note": ""}, answer=None, page=SimpleNamespace(url=""))
    assert result.score == 0.0
    assert result.details[-1]["reason"] == "ValueError: Unknown matching rule:"


# --- Row 16: an empty locator reads the HTML ------------------------------------------------


def test_empty_locator_reads_page_content(browser):
    """evaluators.py HTMLContentExactEvaluator.__call__: `if not locator.strip():
    selected_element = page.content()`: the serialized HTML, entities and hidden text."""
    context = browser.new_context()
    page = context.new_page()
    page.set_content("<p>Tom &amp; Jerry</p><p style='display:none'>hidden words</p>")
    for must, verdict in (
        (["Tom & Jerry"], 0.0),
        (["Tom &amp; Jerry"], 1.0),
        (["hidden words"], 1.0),
        (["<p>"], 1.0),
    ):
        cfg = html_config("   ", {"must_include": must})
        assert evaluate(cfg, answer=None, page=page, visits=QUICK).score == verdict, must
    context.close()


def test_locator_values_are_python_strings(browser):
    """evaluators.py HTMLContentExactEvaluator.__call__: `str(page.evaluate(f"() =>
    {locator}"))`: true is "True", null is "None", 1 is "1", an array is its Python list; a
    locator that throws selects ""."""
    context = browser.new_context()
    page = context.new_page()
    page.set_content(
        "<input type='checkbox' checked><select><option>a<option selected>b"
        "</select><p>x</p><p>y</p>"
    )
    cases = [
        ("document.querySelector('input').checked", "True"),
        ("document.querySelector('select').selectedIndex", "1"),
        ("document.querySelector('p').getAttribute('title')", "None"),
        ("[...document.querySelectorAll('p')].map(p => p.textContent)", "['x', 'y']"),
        ("document.querySelector('#missing').textContent", ""),
    ]
    for locator, selected in cases:
        result = evaluate(
            html_config(locator, {"exact_match": selected}), answer=None, page=page, visits=QUICK
        )
        assert result.score == 1.0, (locator, result.details)
        assert result.details[0]["got"] == selected
    context.close()


# --- Row 17: Magento's REST API for the latest order --------------------------------------------


@pytest.fixture
def magento():
    """A fake of Magento 2's REST endpoints VAB calls, recording every request."""
    seen = []
    orders = [{"increment_id": "000000190", "created_at": "2023-06-01 10:00:00"}]
    reviews = {
        "B0738JQG6Q": [
            {
                "nickname": "Ann",
                "title": "Old",
                "detail": "first",
                "ratings": [{"rating_name": "Rating", "percent": 60}],
            },
            {
                "nickname": "Bo",
                "title": "New",
                "detail": "last",
                "ratings": [{"rating_name": "Rating", "percent": 80}],
            },
        ]
    }

    class Handler(BaseHTTPRequestHandler):
        def reply(self, status, obj):
            data = json.dumps(obj).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def do_POST(self):
            body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
            seen.append(("POST", self.path, self.headers.get("Authorization"), body))
            if body == {"username": "admin", "password": "admin1234"}:
                self.reply(200, "tok123")
            else:
                self.reply(401, {"message": "The account sign-in was incorrect"})

        def do_GET(self):
            parts = urlsplit(self.path)
            seen.append(
                ("GET", parts.path, self.headers.get("Authorization"), dict(parse_qsl(parts.query)))
            )
            if self.headers.get("Authorization") != "Bearer tok123":
                self.reply(401, {"message": "unauthorized"})
            elif parts.path == "/rest/V1/orders":
                self.reply(200, {"items": orders[:1], "total_count": len(orders)})
            elif parts.path.startswith("/rest/V1/products/"):
                self.reply(200, reviews.get(parts.path.split("/")[4], []))
            else:
                self.reply(404, {"message": "no route"})

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield SimpleNamespace(url=f"http://127.0.0.1:{server.server_port}", seen=seen)
    server.shutdown()
    server.server_close()


def test_latest_order_url_through_magento_rest(magento):
    """helper_functions_eval.py shopping_get_auth_token + shopping_get_latest_order_url: a
    token from POST /rest/default/V1/integration/admin/token as admin/admin1234, then GET
    /rest/V1/orders sorted by created_at DESC, page size 1; the URL of int(increment_id)."""
    site = MagentoRestSite(magento.url)
    assert site.latest_order_url() == f"{magento.url}/sales/order/view/order_id/190/"
    assert magento.seen == [
        (
            "POST",
            "/rest/default/V1/integration/admin/token",
            None,
            {"username": "admin", "password": "admin1234"},
        ),
        (
            "GET",
            "/rest/V1/orders",
            "Bearer tok123",
            {
                "searchCriteria[sortOrders][0][field]": "created_at",
                "searchCriteria[sortOrders][0][direction]": "DESC",
                "searchCriteria[pageSize]": "1",
            },
        ),
    ]


def test_latest_review_is_the_last_one_listed(magento):
    """helper_functions_eval.py shopping_get_sku_latest_review_*: response_obj[-1]."""
    review = MagentoRestSite(magento.url).latest_review("B0738JQG6Q")
    assert (review.author, review.rating, review.title, review.text) == ("Bo", 80, "New", "last")
    assert MagentoRestSite(magento.url).latest_review("B000000000") is None


def test_task_104_is_judged_on_the_webarena_backend(browser, magento):
    """evaluators.py HTMLContentExactEvaluator.__call__ with url
    func:shopping_get_latest_order_url(): visit the order page, then read its items."""
    cfg = config(104, {"shopping": magento.url})
    context = browser.new_context()
    order_page = f"{magento.url}/sales/order/view/order_id/190/"
    context.route(
        order_page,
        lambda route: route.fulfill(
            body='<div class="order-details-items ordered">SKU: B0738JQG6Q</div>',
            content_type="text/html",
        ),
    )
    page = context.new_page()
    page.set_content("<p>checkout done</p>")
    result = evaluate(cfg, answer=None, page=page, site=MagentoRestSite(magento.url), visits=QUICK)
    assert result.score == 1.0, result.details
    assert result.details[0]["url"] == order_page
    wrong = evaluate(
        cfg, answer=None, page=page, site=MagentoRestSite(magento.url, "admin", "x"), visits=QUICK
    )
    assert wrong.score == 0.0 and wrong.details[-1]["reason"].startswith(
        "HTTPError: HTTP Error 401"
    )
    context.close()


# --- Row 18 and row 11: visits on the agent's page, VAB's wait and timeouts ----------------------


class RecordingPage:
    """A page that records what the evaluator asks of it."""

    def __init__(self, fail_goto: Exception | None = None):
        self.url, self.calls, self.fail_goto = "http://a.test/start", [], fail_goto

    def goto(self, url, timeout=None):
        self.calls.append(("goto", url, timeout))
        if self.fail_goto:
            raise self.fail_goto
        self.url = url

    def wait_for_timeout(self, ms):
        self.calls.append(("wait", ms))

    def content(self):
        return "<p>ok</p>"


def test_visits_goto_on_the_agent_page_then_wait_three_seconds():
    """evaluators.py HTMLContentExactEvaluator.__call__: `page.goto(target_url);
    time.sleep(3)` for every item whose url is not "last" (envs.py: 120 s timeouts)."""
    assert (VAB_PAGE_WAIT, VAB_TIMEOUT_MS) == (3.0, 120_000)
    page = RecordingPage()
    cfg = {
        "eval_types": ["program_html"],
        "program_html": [
            {
                "url": "http://a.test/p",
                "locator": "",
                "required_contents": {"must_include": ["ok"]},
            },
            {
                "url": "http://a.test/p",
                "locator": "",
                "required_contents": {"must_include": ["ok"]},
            },
            {"url": "last", "locator": "", "required_contents": {"must_include": ["ok"]}},
        ],
    }
    assert evaluate(cfg, answer=None, page=page).score == 1.0
    visit = [("goto", "http://a.test/p", 120_000), ("wait", 3000)]
    assert page.calls == visit + visit
    quick = RecordingPage()
    evaluate(cfg, answer=None, page=quick, visits=PageVisits(wait=0, timeout_ms=5000))
    assert quick.calls == [("goto", "http://a.test/p", 5000)] * 2


@pytest.mark.slow
def test_a_late_rendered_page_is_read_after_the_wait(browser):
    """evaluators.py HTMLContentExactEvaluator.__call__'s sleep(3) lets script-rendered
    lists (GitLab's members) appear before the locator runs."""
    context = browser.new_context()
    context.route(
        "http://late.test/",
        lambda route: route.fulfill(
            body="<div id='m'></div><script>setTimeout(() => "
            "document.querySelector('#m').textContent = 'Guest', 1500)</script>",
            content_type="text/html",
        ),
    )
    page = context.new_page()
    cfg = html_config(
        "document.querySelector('#m').textContent",
        {"exact_match": "Guest"},
        url="http://late.test/",
    )
    assert evaluate(cfg, answer=None, page=page, visits=QUICK).score == 0.0
    assert evaluate(cfg, answer=None, page=page).score == 1.0  # VAB's 3 s
    context.close()


def test_timeouts_and_unreachable_pages_fail_with_their_reason(browser):
    """run.py: an exception in an evaluator leaves the task without a score, which score.py
    counts as failed; here it is a failed check with the reason, never an exception."""
    timeout = RecordingPage(PlaywrightTimeoutError("Timeout 120000ms exceeded."))
    cfg = html_config("", {"must_include": ["ok"]}, url="http://a.test/slow")
    result = evaluate(cfg, answer=None, page=timeout)
    assert result.score == 0.0
    assert result.details[-1]["reason"] == "TimeoutError: Timeout 120000ms exceeded."
    with socket.socket() as probe:  # a port nothing listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    context = browser.new_context()
    page = context.new_page()
    cfg = html_config("", {"must_include": ["ok"]}, url=f"http://127.0.0.1:{port}/")
    result = evaluate(cfg, answer=None, page=page, visits=QUICK)
    assert result.score == 0.0 and "ERR_CONNECTION_REFUSED" in result.details[-1]["reason"]
    context.close()


# --- Row 19: task 81 ---------------------------------------------------------------------------


def test_task_81_bare_string_must_include():
    """evaluators.py StringEvaluator.__call__: `assert isinstance(value, list)` fails on task
    81's "must_include": "yjlou", so VAB scores it 0 whatever the answer; the fix reads it as
    a one-item list, and vab_quirks=True restores VAB's failure."""
    assert evaluate(config(81), answer="yjlou", page=None).score == 1.0
    assert evaluate(config(81), answer="yjl", page=None).score == 0.0
    quirky = evaluate(config(81), answer="yjlou", page=None, vab_quirks=True)
    assert quirky.score == 0.0
    assert quirky.details[-1]["check"] == "error"
    assert quirky.details[-1]["reason"].startswith("VabAssertion: must_include is str")


def test_vab_quirks_asserts_lists_in_program_html_too():
    """evaluators.py HTMLContentExactEvaluator.__call__ asserts must_include and fuzzy_match
    are lists."""
    cfg = html_config("", {"must_include": "ok"})
    assert evaluate(cfg, answer=None, page=RecordingPage()).score == 1.0
    assert evaluate(cfg, answer=None, page=RecordingPage(), vab_quirks=True).score == 0.0


# --- Row 20: the LLM judge's exact request ------------------------------------------------------

# helper_functions_eval.py llm_fuzzy_match and llm_ua_match, copied from VAB's source.
VAB_FUZZY = (
    "Help a teacher to grade the answer of a student given a question. Keep in mind that the "
    "student may use different phrasing or wording to answer the question. The goal is to "
    "evaluate whether the answer is semantically equivalent to the reference answer.\n"
    "question: {question}\n"
    "reference answer: {reference}\n"
    "all the string 'N/A' that you see is a special sequence that means 'not achievable'\n"
    "student answer: {pred}\n"
    "Conclude the judgement by 'correct', 'incorrect', or 'partially correct'. Only output one "
    "of these options, and nothing else."
)
VAB_UA = (
    "task: {question}\n"
    "actual unachievable reason: {reference}\n"
    "reported unachievable reason: {pred}\n"
    "The task described above is inherently unachievable due to the reason specified under "
    "'actual unachievable reason'. An individual previously attempted this task and was unable "
    "to complete it. They provided a reason for their failure, which is listed under 'reported "
    "unachievable reason'. Your role is to review both the actual and reported reasons. "
    "Determine if the reported reason aligns with the actual reason, even if implicitly. "
    "If the stated reason is in line with the actual reason, respond with 'same'. Otherwise, "
    "respond with 'different'."
)


@pytest.fixture
def llm():
    replies, seen = [], []

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self):
            seen.append(json.loads(self.rfile.read(int(self.headers["Content-Length"]))))
            data = json.dumps(
                {"choices": [{"message": {"role": "assistant", "content": replies.pop(0)}}]}
            ).encode()
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield SimpleNamespace(
        url=f"http://127.0.0.1:{server.server_port}/v1", replies=replies, seen=seen
    )
    server.shutdown()
    server.server_close()


def vab_request(prompt: str) -> dict:
    """generate_from_openai_chat_completion's request as llm_fuzzy_match/llm_ua_match make it."""
    return {
        "model": "gpt-4-1106-preview",
        "messages": [
            {"role": "system", "content": "You are a helpful assistant"},
            {"role": "user", "content": prompt},
        ],
        "temperature": 0,
        "max_tokens": 768,
        "top_p": 1.0,
    }


def test_fuzzy_match_sends_vabs_prompt_with_the_cleaned_answer(llm):
    """helper_functions_eval.py llm_fuzzy_match, called by StringEvaluator.fuzzy_match with
    the cleaned (lower-cased) answer and the references joined by ", "."""
    llm.replies += ["CORRECT", "Partially correct."]
    judge = OpenAICompatibleJudge(llm.url)
    answer = "Driving: 13 MIN, walking: 1H 45MIN"
    assert evaluate(config(3), answer=answer, page=None, judge=judge, intent=intent(3)).score == 1.0
    assert llm.seen[0] == vab_request(
        VAB_FUZZY.format(
            question=intent(3),
            reference="driving: 13min, walking: 1h 45min",
            pred="driving: 13 min, walking: 1h 45min",
        )
    )
    assert evaluate(config(3), answer=answer, page=None, judge=judge, intent=intent(3)).score == 0.0


def test_ua_match_sends_vabs_prompt(llm):
    """helper_functions_eval.py llm_ua_match, called by StringEvaluator.__call__ when the
    reference is "N/A" and the answer is not: the reason against string_note."""
    llm.replies += ["Same."]
    judge = OpenAICompatibleJudge(llm.url)
    assert (
        evaluate(
            config(114),
            answer="Order history CANNOT be added",
            page=None,
            judge=judge,
            intent=intent(114),
        ).score
        == 1.0
    )
    assert llm.seen == [
        vab_request(
            VAB_UA.format(
                question=intent(114),
                reference="System message: We cannot add order history.",
                pred="order history cannot be added",
            )
        )
    ]
    assert evaluate(config(114), answer="n/a", page=None, judge=judge).score == 1.0
    assert len(llm.seen) == 1, "an exact N/A needs no judge"


def test_program_html_fuzzy_sends_the_page_text_as_read(llm):
    """evaluators.py HTMLContentExactEvaluator.fuzzy_match: the selected text, not cleaned."""
    llm.replies += ["correct"]
    judge = OpenAICompatibleJudge(llm.url)
    page = RecordingPage()
    cfg = html_config("", {"fuzzy_match": ["a", "B"]})
    assert evaluate(cfg, answer=None, page=page, judge=judge, intent="Q?").score == 1.0
    assert llm.seen == [
        vab_request(VAB_FUZZY.format(question="Q?", reference="a, B", pred="<p>ok</p>"))
    ]


def test_a_reply_without_a_verdict_fails(llm):
    """helper_functions_eval.py llm_fuzzy_match: `assert "correct" in response` raises, so the
    task fails; llm_ua_match likewise asserts "same"."""
    llm.replies += ["I cannot tell", "unclear"]
    judge = OpenAICompatibleJudge(llm.url)
    assert evaluate(config(3), answer="13 min", page=None, judge=judge).score == 0.0
    assert evaluate(config(114), answer="no", page=None, judge=judge).score == 0.0


def test_without_a_judge_fuzzy_tasks_are_unjudged():
    """VAB always has its judge; without one the ~40 fuzzy_match tasks are unjudged (score
    None; the env's verdict is then not a success)."""
    fuzzy = [t for t in TASKS.values() if "fuzzy_match" in json.dumps(t.judge)]
    assert len(fuzzy) == 40
    assert evaluate(config(3), answer="13 min", page=None).score is None
