"""WebArena's evaluators on answers and local pages, and WebArena-Lite's 165 shipped configs."""

import hashlib
import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from types import SimpleNamespace
from urllib.parse import urlsplit

import pytest

from vab_gym.core.tasks import read_jsonl
from vab_gym.envs.webarena.judge import (
    PLACEHOLDER,
    JudgeError,
    OpenAICompatibleJudge,
    PageVisits,
    Review,
    Unsupported,
    call_helper,
    clean_answer,
    combine,
    evaluate,
    must_include,
    reddit_get_post_url,
    substitute_sites,
    url_matches,
)
from vab_gym.envs.webarena.tasks import ENV_ID, LITE_PATH, convert_lite

# VAB's file, shipped with the tests (tests/data/vab/README.md), pinned to VAB's bytes.
RAW = Path(__file__).parent / "data" / "vab" / "test_webarena_lite.raw.json"
RAW_SHA256 = "5e901fc1d7155bc03764d734fa9a492f8d6d1029656b986a3a4e7c71609c7238"
URLS = {
    "shopping": "http://shop.test",
    "shopping_admin": "http://shop.test/admin",
    "reddit": "http://forum.test",
    "gitlab": "http://gitlab.test",
    "map": "http://map.test",
    "wikipedia": "http://wiki.test",
    "homepage": "http://home.test",
}
TASKS = {task.id: task for task in read_jsonl(LITE_PATH)}
CONFIGS = {task_id: substitute_sites(task.judge, URLS) for task_id, task in TASKS.items()}
ORDER_URL = "http://shop.test/sales/order/view/order_id/190/"
BLANK = "<!DOCTYPE html><html><body></body></html>"
QUICK = PageVisits(wait=0, timeout_ms=5000)  # fake pages need no settling time


def config(n: int) -> dict:
    return CONFIGS[f"wal-test-{n}"]


def intent(n: int) -> str:
    return TASKS[f"wal-test-{n}"].instruction


def with_types(cfg: dict, *types: str) -> dict:
    return {**cfg, "eval_types": list(types)}


def ids_with(eval_type: str) -> list[str]:
    return [i for i, c in CONFIGS.items() if eval_type in c["eval_types"]]


class FakeJudge:
    def __init__(self, verdict):
        self.verdict, self.calls = verdict, []

    def judge(self, question, answer, reference):
        self.calls.append((question, answer, reference))
        return self.verdict


class FakeUnachievableJudge(FakeJudge):
    def judge_unachievable(self, task, reported, actual):
        self.calls.append(("unachievable", task, reported, actual))
        return self.verdict


class FakeSite:
    def __init__(self, reviews=None):
        self.reviews = reviews or {}

    def latest_order_url(self):
        return ORDER_URL

    def latest_review(self, sku):
        return self.reviews.get(sku)


# --- Browser fixtures: one Chromium for the module, fake origins, nothing else reachable ----


class Web:
    """A context serving ``pages`` (URL -> HTML) on *.test origins; other hosts are aborted."""

    def __init__(self, browser, pages, default=None):
        self.pages, self.default, self.aborted, self.served = dict(pages), default, [], []
        self.context = browser.new_context()
        self.context.route("**/*", self._route)

    def _route(self, route):
        url = route.request.url
        if not (urlsplit(url).hostname or "").endswith(".test"):
            self.aborted.append(url)
            route.abort()
        elif url in self.pages or self.default is not None:
            self.served.append(url)
            route.fulfill(
                body=self.pages.get(url, self.default), content_type="text/html; charset=utf-8"
            )
        else:
            route.fulfill(status=404, body="Not found", content_type="text/html")

    def open(self, url):
        page = self.context.new_page()
        page.goto(url)
        return page


@pytest.fixture
def web(browser):
    contexts = []

    def make(pages, default=None):
        contexts.append(Web(browser, pages, default))
        return contexts[-1]

    yield make
    for w in contexts:
        w.context.close()


# --- string_match ---------------------------------------------------------------------------


def test_clean_answer_strips_one_pair_of_quotes_and_lowers_case():
    assert clean_answer('"Hollister"') == "hollister"
    assert clean_answer("'N/A'") == "n/a"
    assert clean_answer("it's") == "it's"


def test_one_token_reference_must_be_a_whole_token():
    assert must_include("0", "There are 0 such comments.")
    assert not must_include("0", "There are 10 such comments.")
    assert not must_include("1523", "The zip code is 15232.")
    assert must_include("Impulse Duffle", "1. impulse duffle 2. overnight duffle")
    assert not must_include("Impulse Duffle", "impulse duffel")


def test_every_must_include_item_is_tokenized():
    cfg = config(36)  # must_include ["0"]
    assert evaluate(cfg, answer="0", page=None).score == 1.0
    assert evaluate(cfg, answer="There are 0 of them.", page=None).score == 1.0
    assert evaluate(cfg, answer="10", page=None).score == 0.0
    cfg = {"eval_types": ["string_match"], "reference_answers": {"must_include": ["0", "b"]}}
    assert evaluate(cfg, answer="10 b", page=None).score == 0.0
    assert evaluate(cfg, answer="0 b", page=None).score == 1.0


def test_exact_match_answer():
    cfg = with_types(config(45), "string_match")  # exact_match "Yes"
    assert evaluate(cfg, answer="'yes'", page=None).score == 1.0
    assert evaluate(cfg, answer=" 'yes' ", page=None).score == 0.0  # no strip, as VAB
    result = evaluate(cfg, answer="Yes, it is closed", page=None)
    assert result.score == 0.0
    assert result.details[0] == {
        "evaluator": "string_match",
        "check": "exact_match",
        "passed": False,
        "expected": "Yes",
        "got": "Yes, it is closed",
        "reason": "not equal",
    }


def test_must_include_every_item():
    cfg = config(0)  # Impulse Duffle, Overnight Duffle, Hawkeye Yoga Short-32-Blue
    good = "Impulse Duffle, Overnight Duffle and Hawkeye Yoga Short-32-Blue"
    assert evaluate(cfg, answer=good, page=None).score == 1.0
    result = evaluate(cfg, answer="Impulse Duffle, Overnight Duffle", page=None)
    assert result.score == 0.0
    assert [d["passed"] for d in result.details] == [True, True, False]


def test_must_include_or_alternatives():
    cfg = config(94)  # ["65 |OR| 3"]
    assert evaluate(cfg, answer="It is rated 3 stars", page=None).score == 1.0
    assert evaluate(cfg, answer="65%", page=None).score == 1.0
    assert evaluate(cfg, answer="It is rated 4 stars (35 reviews)", page=None).score == 0.0


def test_must_include_written_as_a_bare_string():
    cfg = config(81)  # "must_include": "yjlou" (not a list)
    assert evaluate(cfg, answer="yjlou", page=None).score == 1.0
    assert evaluate(cfg, answer="yjl", page=None).score == 0.0


def test_fuzzy_match_without_judge_is_unjudged():
    result = evaluate(config(11), answer="11 min", page=None, intent=intent(11))
    assert result.score is None
    (detail,) = result.details
    assert detail["passed"] is None and detail["reason"].startswith("UNJUDGED")


def test_fuzzy_match_asks_the_judge():
    for verdict, score in ((True, 1.0), (False, 0.0), (None, 0.0)):
        judge = FakeJudge(verdict)
        result = evaluate(
            config(3),
            answer="13 Minutes by car, 1h45 on foot",
            page=None,
            judge=judge,
            intent=intent(3),
        )
        assert result.score == score
        assert judge.calls == [
            (intent(3), "13 minutes by car, 1h45 on foot", "driving: 13min, walking: 1h 45min")
        ]


def test_empty_answer_goes_to_the_judge_like_any_other():
    assert evaluate(config(11), answer=None, page=None).score is None
    judge = FakeJudge(False)
    assert evaluate(config(11), answer=None, page=None, judge=judge).score == 0.0
    assert judge.calls[0][1] == ""


def test_na_answer_to_an_unachievable_task():
    cfg = config(114)  # fuzzy_match "N/A", string_note "System message: We cannot add..."
    assert evaluate(cfg, answer="N/A", page=None).score == 1.0
    unjudged = evaluate(cfg, answer="I cannot add a comment there", page=None)
    assert unjudged.score is None and unjudged.details[0]["check"] == "unachievable"
    judge = FakeUnachievableJudge(True)
    assert (
        evaluate(
            cfg, answer="I cannot add a comment", page=None, judge=judge, intent="Notify Sarah"
        ).score
        == 1.0
    )
    assert judge.calls == [
        (
            "unachievable",
            "Notify Sarah",
            "i cannot add a comment",
            "System message: We cannot add order history.",
        )
    ]
    plain = FakeJudge(False)  # a judge without judge_unachievable gets the reason as reference
    assert evaluate(cfg, answer="done", page=None, judge=plain).score == 0.0
    assert "We cannot add order history" in plain.calls[0][2]


def test_na_list_reference_is_judged_against_na():
    cfg = config(91)  # fuzzy_match ["N/A"]: VAB asks the fuzzy judge with reference N/A
    assert evaluate(cfg, answer="n/a", page=None).score is None
    judge = FakeJudge(True)
    assert (
        evaluate(cfg, answer="There is no USCIS office nearby", page=None, judge=judge).score == 1.0
    )
    assert judge.calls[0][2] == "N/A"


def test_failed_check_outweighs_an_unjudged_one():
    cfg = config(64)  # must_include Acadia National Park + fuzzy 10h 33min
    assert evaluate(cfg, answer="Acadia National Park, 10h 33min", page=None).score is None
    assert evaluate(cfg, answer="Yellowstone, 10h 33min", page=None).score == 0.0


def test_combine_is_a_product_with_unjudged_propagating():
    assert combine([{"passed": True}, {"passed": True}]) == 1.0
    assert combine([{"passed": True}, {"passed": None}]) is None
    assert combine([{"passed": None}, {"passed": False}]) == 0.0


def test_evaluators_combine_by_product():
    cfg = {
        "eval_types": ["string_match", "url_match"],
        "reference_answers": {"fuzzy_match": ["blue"]},
        "reference_url": "http://shop.test/blue",
        "url_note": "GOLD in PRED",
    }
    at = SimpleNamespace(url="http://shop.test/blue/shirt")
    assert evaluate(cfg, answer="navy", page=at).score is None
    assert evaluate(cfg, answer="navy", page=at, judge=FakeJudge(True)).score == 1.0
    away = SimpleNamespace(url="http://shop.test/red")
    result = evaluate(cfg, answer="navy", page=away)
    assert result.score == 0.0
    assert [d["passed"] for d in result.details] == [None, False]


def test_unknown_kinds_are_reported_not_ignored():
    result = evaluate(
        {"eval_types": ["string_match"], "reference_answers": {"one_of": ["a"]}},
        answer="a",
        page=None,
    )
    assert result.score is None and "one_of" in result.details[-1]["reason"]
    result = evaluate({"eval_types": ["page_image_query"]}, answer="a", page=None)
    assert result.score is None and "page_image_query" in result.details[-1]["reason"]
    result = evaluate(
        {"eval_types": ["string_match"], "reference_answers": None}, answer="a", page=None
    )
    assert result.score == 0.0
    assert result.details[-1]["reason"] == "ValueError: string_match without reference_answers"


# --- url_match ------------------------------------------------------------------------------


def test_gold_in_pred_url_rule():
    gold = "http://gitlab.test/a/b/-/issues/?sort=created_date&state=opened"
    assert url_matches(gold, gold + "&page=2", "GOLD in PRED")
    assert not url_matches(gold, gold.replace("state=opened", "state=closed"), "GOLD in PRED")
    assert not url_matches(gold, "http://gitlab.test/a/b/-/issues", "GOLD in PRED")
    assert url_matches(
        "http://forum.test/f/books", "http://forum.test/f/books/12/a-post", "GOLD in PRED"
    )
    assert url_matches("http://localhost:9999/x/", "http://127.0.0.1:9999/x", "GOLD in PRED")


def test_gold_alternatives():
    cfg = config(146)  # four forums |OR|
    for forum in ("machinelearning", "singularity", "deeplearning", "technology"):
        page = SimpleNamespace(url=f"http://forum.test/f/{forum}/1/post")
        assert evaluate(with_types(cfg, "url_match"), answer=None, page=page).score == 1.0
    page = SimpleNamespace(url="http://forum.test/f/gaming/1/post")
    assert evaluate(with_types(cfg, "url_match"), answer=None, page=page).score == 0.0


def test_exact_url_rule_when_no_url_note():
    cfg = with_types(config(45), "url_match")  # no url_note: VAB's EXACT rule
    assert "url_note" not in cfg
    good = SimpleNamespace(url="http://gitlab.test/a11yproject/a11yproject.com/-/issues/719/")
    assert evaluate(cfg, answer=None, page=good).score == 1.0
    deeper = SimpleNamespace(url=good.url + "designs")
    assert evaluate(cfg, answer=None, page=deeper).score == 0.0
    with pytest.raises(ValueError, match="Unknown matching rule: SIMILAR"):
        url_matches("http://a.test/", "http://a.test/", "SIMILAR")


def test_substitute_sites_recursively():
    cfg = substitute_sites(
        {
            "url": "__SHOPPING_ADMIN__/x",
            "items": ["__REDDIT__/f", 3, None],
            "nested": {"u": "__SHOPPING__ and __MAP__"},
        },
        {
            "shopping": "http://s.test/",
            "__SHOPPING_ADMIN__": "http://s.test/admin",
            "reddit": "http://r.test",
        },
    )
    assert cfg == {
        "url": "http://s.test/admin/x",
        "items": ["http://r.test/f", 3, None],
        "nested": {"u": "http://s.test and __MAP__"},
    }
    with pytest.raises(ValueError, match="shop"):
        substitute_sites({}, {"shop": "http://s.test"})


# --- func: helpers ----------------------------------------------------------------------------


def test_reddit_post_url():
    assert (
        reddit_get_post_url("http://forum.test/f/nyc/55/car-in-nyc/comment/9")
        == "http://forum.test/f/nyc/55/"
    )
    assert reddit_get_post_url("http://forum.test/f/nyc") == "http://forum.test/f/nyc"
    assert reddit_get_post_url("http://forum.test/user/bob/1") == "http://forum.test/user/bob/1"


def test_site_helpers_and_their_absence():
    site = FakeSite({"B0001": Review(author="Jo", rating=80, title="Fine", text="Works")})
    assert (
        call_helper("shopping_get_latest_order_url()", page=None, last_url="", site=site)
        == ORDER_URL
    )
    assert (
        call_helper(
            "shopping_get_sku_latest_review_author('B0001')", page=None, last_url="", site=site
        )
        == "Jo"
    )
    assert (
        call_helper(
            "shopping_get_sku_latest_review_rating('B0001')", page=None, last_url="", site=site
        )
        == "80"
    )
    assert (
        call_helper(
            "shopping_get_sku_latest_review_author('B0002')", page=None, last_url="", site=site
        )
        == ""
    )
    with pytest.raises(Unsupported, match="site"):
        call_helper("shopping_get_latest_order_url()", page=None, last_url="", site=None)


def test_a_site_helper_without_a_site_is_unjudged():
    result = evaluate(config(104), answer=None, page=SimpleNamespace(url="http://shop.test/"))
    assert result.score is None
    assert result.details[-1]["reason"] == (
        "UNJUDGED: not implemented: shopping_get_latest_"
        "order_url looks up the site's database: pass "
        "evaluate(site=...)"
    )


@pytest.mark.parametrize(
    ("expression", "error", "message"),
    [
        ("__import__('os').system('true')", ValueError, "not a plain call"),
        ("eval('1')", Unsupported, "helper 'eval' is not implemented"),
        ("reddit_get_post_url(x)", ValueError, "arguments must be strings or __page__"),
        ("reddit_get_post_url(url='a')", ValueError, "not a plain call"),
        ("shopping_get_num_reviews(__page__)", Unsupported, "'shopping_get_num_reviews' is not"),
        ("1 +", ValueError, "bad func: expression"),
        ("reddit_get_post_url('a', 'b')", ValueError, "bad arguments"),
    ],
)
def test_func_expressions_are_parsed_never_run(expression, error, message):
    with pytest.raises(error, match=message):
        call_helper(expression, page=None, last_url="", site=FakeSite())


# --- program_html on local pages ----------------------------------------------------------------

MEMBERS = """<table><tr><td data-label="Account"><span class="gl-avatar-labeled-sublabel">@byteblaze</span></td>
<td class="col-max-role"><span>Owner</span></td></tr>
<tr><td data-label="Account"><span class="gl-avatar-labeled-sublabel">@vinta</span></td>
<td class="col-max-role"><span>{role}</span></td></tr></table>"""
ADDRESS = """<div class="box box-address-shipping"><div class="box-content">Ann Lee<br>111 Magnolia Path<br>Atlanta, Georgia, 30303</div></div>
<div class="box box-address-billing"><div class="box-content">Ann Lee<br>{street}<br>Atlanta, Georgia, 30303</div></div>"""
ROUTE = """<input name="route_from" value="{start}"><input name="route_to" value="TD Garden, Boston, Massachusetts">
<div id="content"><select class="routing_engines"><option>Bicycle</option><option {selected}>Car</option></select></div>"""
README_LINKS = [
    c.replace("__REDDIT__", URLS["reddit"])
    for c in TASKS["wal-test-127"].judge["program_html"][0]["required_contents"]["must_include"]
]
POST = """<div class="submission__inner">{text} <img src="/submission_images/{image}.jpg"></div>"""
IMAGE = "bd8bc5f4c846aac4df08626faa3a34a7d47c8f3bdd92bf615a54afd939f063a7"

# task, agent's last URL, its page, other pages (URL -> HTML) as templates; then the values
# that make the pages pass and those that make exactly one check fail.
PAGE_CASES = {
    "input values on the last page": (
        149,
        "http://shop.test/admin/reports/report_sales/sales/filter/x/",
        '<input id="sales_report_from" value="2/1/23"><input id="sales_report_to" value="{to}">',
        {},
        {"to": "2/28/23"},
        {"to": "2/27/23"},
    ),
    "two locators on one visited page": (
        129,
        "http://shop.test/",
        BLANK,
        {"http://shop.test/customer/address": ADDRESS},
        {"street": "111 Magnolia Path"},
        {"street": "5 Elm Street"},
    ),
    "gitlab member role helper": (
        112,
        "http://gitlab.test/",
        BLANK,
        {"http://gitlab.test/byteblaze/dotfiles/-/project_members": MEMBERS},
        {"role": "Guest"},
        {"role": "Developer"},
    ),
    "latest order URL from the site": (
        104,
        "http://shop.test/checkout/onepage/success/",
        BLANK,
        {ORDER_URL: '<div class="order-details-items ordered">SKU: {sku} Qty 1</div>'},
        {"sku": "B0738JQG6Q"},
        {"sku": "B0738JQG6R"},
    ),
    "post URL from the last URL": (
        133,
        "http://forum.test/f/nyc/555/is-a-car-necessary/comment/9",
        BLANK,
        {"http://forum.test/f/nyc/555/": '<div class="submission__inner">{title}</div>'},
        {"title": "Is car necessary in NYC?"},
        {"title": "Is a bike enough in NYC?"},
    ),
    "whole page text for an empty locator": (
        29,
        "http://shop.test/catalogsearch/result/?q=jaw",
        "<h1>{a}</h1><p>Mouth Guard, 2 pack</p>",
        {},
        {"a": "Results for jaw bruxism"},
        {"a": "Results for jaw pain"},
    ),
    "array locator joined in the page": (
        136,
        "http://forum.test/f/funny/77/costume",
        BLANK,
        {"http://forum.test/f/funny/77/": POST.replace("{text}", "from /f/pics")},
        {"image": IMAGE},
        {"image": "0" * 64},
    ),
    "selectedIndex and values on the map": (
        155,
        "http://map.test/directions?from=a&to=b",
        ROUTE,
        {},
        {"start": "Carnegie Mellon University, Pittsburgh", "selected": "selected"},
        {"start": "Carnegie Mellon University, Pittsburgh", "selected": ""},
    ),
    "checkbox state as text": (
        121,
        "http://shop.test/",
        BLANK,
        {
            "http://shop.test/newsletter/manage/": '<input type="checkbox" title="General Subscription" {c}>'
        },
        {"c": "checked"},
        {"c": ""},
    ),
    "dot segments in the URL": (
        108,
        "http://shop.test/admin/",
        BLANK,
        {
            "http://shop.test/antonia-racer-tank.html": (
                '<div class="data item content">This is in regular rotation at the gym! Its colorful '
                "and looks kinda cute under my exercise tanks. {q}</div>"
            )
        },
        {"q": "It's very stylish for yoga or something else low impact"},
        {"q": "Meh."},
    ),
    "unclosed attribute selector (Chromium accepts it)": (
        96,
        "http://gitlab.test/a11yproject/a11yproject.com/-/merge_requests/1071",
        '<ul id="notes-list"><li><p class="timeline-discussion-body">First</p></li>'
        '<li><p class="timeline-discussion-body">{note}</p></li></ul>',
        {},
        {"note": "Good idea"},
        {"note": "Good idea!"},
    ),
    "required contents with site URLs": (
        127,
        "http://gitlab.test/",
        BLANK,
        {"http://gitlab.test/byteblaze/Do-it-myself/-/raw/main/README.md": "<pre>{links}</pre>"},
        {"links": "\n".join(README_LINKS)},
        {"links": "\n".join(README_LINKS[:-1])},
    ),
}


def fill(template: str, values: dict) -> str:
    for key, value in values.items():
        template = template.replace("{" + key + "}", value)
    return template


def run_page_case(web, case, values):
    n, last_url, last_html, others, *_ = case
    pages = {last_url: fill(last_html, values)}
    pages.update({url: fill(html, values) for url, html in others.items()})
    w = web(pages)
    agent = w.open(last_url)
    result = evaluate(
        config(n), answer=None, page=agent, site=FakeSite(), intent=intent(n), visits=QUICK
    )
    assert w.aborted == []
    assert len(w.context.pages) == 1, "visits navigate the agent's page, as VAB's"
    return result


@pytest.mark.parametrize("name", list(PAGE_CASES))
def test_program_html_pages_pass_and_fail(web, name):
    case = PAGE_CASES[name]
    passed = run_page_case(web, case, case[4])
    assert passed.score == 1.0, passed.details
    failed = run_page_case(web, case, case[5])
    assert failed.score == 0.0
    html_checks = [d for d in failed.details if d["evaluator"] == "program_html"]
    assert [d["passed"] for d in html_checks].count(False) == 1, failed.details


def test_failing_locator_selects_nothing(web):
    w = web({"http://gitlab.test/mr/1": "<p>No notes here</p>"})
    result = evaluate(config(96), answer=None, page=w.open("http://gitlab.test/mr/1"))
    (detail,) = result.details
    assert result.score == 0.0 and detail["got"] == ""
    assert "locator failed: TypeError" in detail["reason"]
    assert detail["url"] == "http://gitlab.test/mr/1"


def test_program_html_fuzzy_contents(web):
    w = web(
        {
            "http://shop.test/contact": '<textarea title="What’s on your mind?">{}</textarea>'.format(
                "Please refund order 000000180: the screen protector broke after three days ($12.99)."
            )
        }
    )
    agent = w.open("http://shop.test/contact")
    assert evaluate(config(123), answer=None, page=agent).score is None
    judge = FakeJudge(True)
    assert (
        evaluate(config(123), answer=None, page=agent, judge=judge, intent=intent(123)).score == 1.0
    )
    assert judge.calls[0][1].startswith("Please refund order 000000180")
    assert judge.calls[0][2] == "refund, it broke after three days of use, 000000180, 12.99"


def test_every_item_visits_its_url_on_the_agent_page(web):
    pages = {
        "http://gitlab.test/byteblaze/web_agent_android_xl": BLANK,
        "http://gitlab.test/byteblaze/web_agent_android_xl/-/commits": BLANK,
        "http://gitlab.test/byteblaze/web_agent_android_xl/-/project_members": BLANK,
        "http://shop.test/customer/address": BLANK,
        "http://shop.test/": BLANK,
    }
    w = web(pages)
    agent = w.open("http://shop.test/")
    w.served.clear()
    evaluate(config(157), answer=None, page=agent, visits=QUICK)
    assert w.served == list(pages)[:3]
    w.served.clear()
    evaluate(config(129), answer=None, page=agent, visits=QUICK)  # two items, one URL
    assert w.served == ["http://shop.test/customer/address"] * 2
    assert agent.url == "http://shop.test/customer/address" and len(w.context.pages) == 1


# --- The OpenAI-compatible judge against a local stub ---------------------------------------------


@pytest.fixture
def llm():
    replies, seen = [], []

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self):
            body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
            seen.append(
                {"path": self.path, "auth": self.headers.get("Authorization"), "body": body}
            )
            status, content = replies.pop(0)
            data = json.dumps(
                {"choices": [{"message": {"role": "assistant", "content": content}}]}
            ).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield SimpleNamespace(
        url=f"http://127.0.0.1:{server.server_port}/v1", replies=replies, seen=seen
    )
    server.shutdown()
    server.server_close()


def test_openai_judge_request_and_verdicts(llm):
    judge = OpenAICompatibleJudge(llm.url + "/", "judge-model", api_key="sk-test")
    llm.replies += [
        (200, "Correct"),
        (200, "partially correct"),
        (200, "Incorrect."),
        (200, "I am not sure"),
        (200, "same"),
        (200, "Different."),
    ]
    assert judge.judge("How long?", "about 11 minutes", "11 min") is True
    request = llm.seen[0]
    assert request["path"] == "/v1/chat/completions" and request["auth"] == "Bearer sk-test"
    body = request["body"]
    assert body["model"] == "judge-model" and body["temperature"] == 0
    prompt = body["messages"][-1]["content"]
    assert "question: How long?\nreference answer: 11 min\n" in prompt
    assert "student answer: about 11 minutes\n" in prompt
    assert judge.judge("q", "a", "r") is False
    assert judge.judge("q", "a", "r") is False
    assert judge.judge("q", "a", "r") is None
    assert judge.judge_unachievable("task", "no such page", "page missing") is True
    assert (
        "actual unachievable reason: page missing" in llm.seen[4]["body"]["messages"][-1]["content"]
    )
    assert judge.judge_unachievable("task", "done it", "page missing") is False


def test_openai_judge_in_evaluate(llm):
    judge = OpenAICompatibleJudge(llm.url, "judge-model")
    llm.replies += [(200, "correct"), (200, "different"), (500, "oops"), (200, "maybe")]
    assert (
        evaluate(
            config(1),
            answer="Pittsburgh International Airport, Findlay Township, PA 15231",
            page=None,
            judge=judge,
            intent=intent(1),
        ).score
        == 1.0
    )
    assert llm.seen[0]["auth"] is None
    assert evaluate(config(114), answer="Added the comment", page=None, judge=judge).score == 0.0
    failed = evaluate(config(11), answer="11 min", page=None, judge=judge)
    assert failed.score == 0.0 and "judge failed" in failed.details[0]["reason"]
    unclear = evaluate(config(11), answer="11 min", page=None, judge=judge)
    assert unclear.score == 0.0 and unclear.details[0]["reason"] == "the LLM judge gave no verdict"


def test_openai_judge_transport_errors():
    with pytest.raises(JudgeError):
        OpenAICompatibleJudge("http://127.0.0.1:9/v1", "m", timeout=2).judge("q", "a", "r")
    with pytest.raises(ValueError):
        OpenAICompatibleJudge("file:///etc", "m")


# --- The 165 WebArena-Lite tasks --------------------------------------------------------------------


def test_shipped_tasks():
    assert len(TASKS) == 165
    task = TASKS["wal-test-0"]
    assert (task.env, task.split) == (ENV_ID, "test")
    assert task.setup == {
        "sites": ["shopping_admin"],
        "start_url": "__SHOPPING_ADMIN__",
        "require_login": True,
        "require_reset": False,
        "geolocation": None,
        "backend": "webarena",
    }
    assert task.metadata["old_task_id"] == 4 and task.metadata["intent_template_id"] == 279
    assert {t.split for t in TASKS.values()} == {"test"}
    for cfg in CONFIGS.values():
        assert not PLACEHOLDER.search(json.dumps(cfg))
    assert PLACEHOLDER.search(json.dumps(TASKS["wal-test-127"].judge))


def test_shipped_tasks_are_the_conversion_of_the_raw_file():
    assert hashlib.sha256(RAW.read_bytes()).hexdigest() == RAW_SHA256
    assert [t.to_dict() for t in convert_lite(RAW)] == [t.to_dict() for t in TASKS.values()]


def reference_answer(refs: dict) -> str:
    if "exact_match" in refs:
        return refs["exact_match"]
    parts = []
    for kind, value in refs.items():
        items = [value] if isinstance(value, str) else value
        parts += [item.split(" |OR| ")[0] for item in items]
        assert kind in ("must_include", "fuzzy_match")
    return ", ".join(parts)


@pytest.mark.parametrize("task_id", ids_with("string_match"))
def test_string_match_of_every_config(task_id):
    cfg = with_types(CONFIGS[task_id], "string_match")
    refs = cfg["reference_answers"]
    fuzzy = refs.get("fuzzy_match")
    needs_judge = fuzzy is not None and fuzzy != "N/A"
    strict = "exact_match" in refs or "must_include" in refs
    right = reference_answer(refs)
    assert evaluate(cfg, answer=right, page=None).score == (None if needs_judge else 1.0)
    assert evaluate(cfg, answer=right, page=None, judge=FakeJudge(True)).score == 1.0
    assert evaluate(cfg, answer="wrong", page=None).score == (0.0 if strict else None)
    assert evaluate(cfg, answer="wrong", page=None, judge=FakeJudge(False)).score == 0.0


@pytest.mark.parametrize("task_id", ids_with("url_match"))
def test_url_match_of_every_config(task_id):
    cfg = with_types(CONFIGS[task_id], "url_match")
    for gold in cfg["reference_url"].split(" |OR| "):
        assert evaluate(cfg, answer=None, page=SimpleNamespace(url=gold)).score == 1.0
        origin = "{0.scheme}://{0.netloc}/".format(urlsplit(gold))
        assert evaluate(cfg, answer=None, page=SimpleNamespace(url=origin)).score == 0.0
        if "?" in gold:
            bare = SimpleNamespace(url=gold.split("?")[0])
            assert evaluate(cfg, answer=None, page=bare).score == 0.0


POST_URL = "http://forum.test/f/test/123/a-post"


@pytest.fixture(scope="module")
def blank_site(browser):
    """Every *.test URL is a blank page; the agent is on a forum post."""
    w = Web(browser, {}, default=BLANK)
    yield w.open(POST_URL)
    w.context.close()


@pytest.mark.parametrize("task_id", ids_with("program_html"))
def test_program_html_of_every_config_runs_on_blank_pages(blank_site, task_id):
    agent = blank_site
    agent.goto(POST_URL)  # the previous config's visits moved it
    cfg = with_types(CONFIGS[task_id], "program_html")
    result = evaluate(cfg, answer=None, page=agent, site=FakeSite(), visits=QUICK)
    expected = []
    for item in cfg["program_html"]:
        ((kind, value),) = item["required_contents"].items()
        # fuzzy_match needs a judge (none here); the rest fail on a blank page
        expected += [None if kind == "fuzzy_match" else False] * (
            len(value) if kind == "must_include" else 1
        )
    assert [d["passed"] for d in result.details] == expected
    assert result.score == (0.0 if False in expected else None)
    for detail in result.details:
        assert "SyntaxError" not in detail["reason"], detail
