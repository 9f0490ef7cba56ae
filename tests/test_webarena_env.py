"""VAB-WebArena-Lite's env on the local shop: observation, actions, the fence, the judge."""

import pytest
from hypothesis import HealthCheck, given, settings

from tests.strategies import actions
from vab_gym.core.tasks import Task, TaskSet
from vab_gym.envs.webarena.env import WebArenaEnv
from vab_gym.envs.webarena.sites import SiteUnavailable


def task(
    task_id: str, judge: dict, start: str = "__SHOPPING__", login: bool = True, sites=("shopping",)
) -> Task:
    full = {
        "eval_types": [],
        "reference_answers": None,
        "reference_url": "",
        "program_html": [],
        "string_note": "",
        **judge,
    }
    return Task(
        task_id,
        "VAB-WebArena-Lite-v0",
        "test",
        f"task {task_id}",
        {"sites": list(sites), "start_url": start, "require_login": login},
        full,
    )


TASKS = TaskSet(
    [
        task(
            "answer",
            {"eval_types": ["string_match"], "reference_answers": {"must_include": ["Emma"]}},
        ),
        task(
            "cart",
            {
                "eval_types": ["url_match"],
                "reference_url": "__SHOPPING__/checkout/cart/",
                "url_note": "GOLD in PRED",
            },
        ),
        task(
            "admin",
            {"eval_types": ["string_match"], "reference_answers": {"exact_match": "x"}},
            start="__SHOPPING_ADMIN__",
            sites=("shopping_admin",),
        ),
        task(
            "reddit",
            {"eval_types": ["string_match"], "reference_answers": {"exact_match": "x"}},
            start="__REDDIT__",
            sites=("reddit",),
        ),
    ]
)


@pytest.fixture(scope="module")
def env():
    env = WebArenaEnv(tasks=TASKS, image_size=(360, 640))
    yield env
    env.close()


@pytest.fixture(scope="module")
def hinted():
    env = WebArenaEnv(tasks=TASKS, image_size=(90, 160), hints=True)
    yield env
    env.close()


def test_observation_is_vab_s_prompt_text(env):
    obs, _info = env.reset(options={"task_id": "answer"})
    text = obs["text"]
    assert "[1] [A] [My Account]" in text and "Welcome, Emma Lopez!" in text  # logged in
    assert "\nURL: http://onestopmarket.com/\n" in text
    assert text.endswith("OBJECTIVE: task answer\nPREVIOUS ACTION: None")
    assert "TABS:" not in text  # help VAB does not give: hints=True
    assert obs["image"].shape == (360, 640, 3) and obs["image"].std() > 10


def test_hints_list_tabs_outcomes_and_errors(hinted):
    obs, _info = hinted.reset(options={"task_id": "answer"})
    assert "TABS:\n  [0] " in obs["text"] and "(current)" in obs["text"]
    obs, *_ = hinted.step("scroll [down]")
    assert "PREVIOUS ACTION: scroll [down] -> Scrolled down." in obs["text"]


def test_actions_both_syntaxes_and_the_judge(env):
    env.reset(options={"task_id": "cart"})
    cart = next(m for m in env.session.marks if m.text.startswith("My Cart"))
    obs, _, _, _, info = env.step(f"click [{cart.id}]")
    assert info["action_error"] is None and "/checkout/cart/" in obs["text"]
    obs, reward, terminated, _truncated, info = env.step("stop()")
    assert terminated and reward == 1.0 and info["success"]
    env.reset(options={"task_id": "answer"})
    _, reward, terminated, _, info = env.step("stop [It is Emma's account]")
    assert terminated and reward == 1.0
    env.reset(options={"task_id": "answer"})
    _, reward, _, _, info = env.step("stop('nobody')")
    assert reward == 0.0 and not info["success"]


def test_admin_login_and_errors_in_words(env):
    obs, _ = env.reset(options={"task_id": "admin"})
    assert "/admin" in obs["text"] and "Dashboard" in obs["text"]
    _, _, _, _, info = env.step("click [9999]")
    assert info["action_error"].startswith("There is no element [9999]")
    _, _, _, _, info = env.step("tab_focus [5]")
    assert info["action_error"] == "There is no tab 5; tabs are 0 to 0."
    _, _, _, _, info = env.step("scroll [sideways]")
    assert info["action_error"] == "Invalid scroll action scroll [sideways]"  # VAB's words
    _, _, _, _, info = env.step("scroll('sideways')")
    assert info["action_error"] == "scroll takes 'up' or 'down'."


@pytest.mark.slow
def test_tasks_start_logged_in_from_a_saved_state_as_vab_s_auto_login(env, monkeypatch):
    """VAB's run.py logs in with auto_login.py in a context of its own and starts the task's
    context from its storage state: the tab opens at the start URL signed in, with only the
    new tab's blank page behind it. The local shop's log-in is made once per server start."""
    from vab_gym.envs.webarena import sites

    performed = []
    perform = sites.Login.perform
    monkeypatch.setattr(
        sites.Login, "perform", lambda self, *a: performed.append(self.path) or perform(self, *a)
    )
    env._logins.clear()
    for _ in range(2):
        env.reset(options={"task_id": "answer"})
        assert "Sign Out" in env.chromium.run(lambda _b: env.session.page.inner_text("body"))
        env.step("go_back")  # to the new tab's blank page, as VAB's: no log-in page between
        assert env.session.page.url == "about:blank"
    assert performed == ["/customer/account/login/"]
    env._shop.close()  # a new start of the server: its sessions' key is new, so a new log-in
    env._shop.acquire()
    env.reset(options={"task_id": "admin"})
    assert "Dashboard" in env.chromium.run(lambda _b: env.session.page.inner_text("body"))
    env.reset(options={"task_id": "answer"})
    assert performed == ["/customer/account/login/", "", "/customer/account/login/"]


def test_navigation_outside_the_sites_is_blocked_and_reported(hinted):
    env = hinted
    env.reset(options={"task_id": "answer"})
    obs, _, _, _, info = env.step("goto [https://example.com/]")
    assert "outside this task's websites" in info["action_error"]
    assert "BLOCKED (outside the task's websites): https://example.com/" in obs["text"]
    # a page's own request to another host is aborted too
    env.chromium.run(
        lambda _b: env.session.page.evaluate("fetch('http://10.1.2.3/x').catch(() => null)")
    )
    obs, _, _, _, _ = env.step("scroll [down]")
    assert "http://10.1.2.3/x" in obs["text"]


def test_local_backend_names_what_it_cannot_serve(env):
    with pytest.raises(SiteUnavailable, match="reddit"):
        env.reset(options={"task_id": "reddit"})


def test_webarena_backend_names_the_missing_variable(monkeypatch):
    monkeypatch.delenv("WA_SHOPPING", raising=False)
    e = WebArenaEnv(tasks=TASKS, backend="webarena")
    try:
        with pytest.raises(SiteUnavailable, match="WA_SHOPPING"):
            e.reset(options={"task_id": "answer"})
    finally:
        e.close()


@settings(
    max_examples=12, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(action=actions(["click", "type", "goto", "tab_focus", "press", "scroll", "stop"]))
@pytest.mark.slow
def test_hostile_actions_give_feedback(env, action):
    env.reset(options={"task_id": "answer"})
    obs, _reward, _terminated, _truncated, info = env.step(action)
    assert env.observation_space.contains(obs)
    assert info["action_error"] is None or isinstance(info["action_error"], str)
    assert (
        env.session.page.url.startswith(env.urls["shopping"])
        or env.session.page.url == "about:blank"
    )  # never anywhere else


@pytest.mark.parametrize(
    "action",
    [
        "x" * 1_000_000,
        "type [4] [" + "é\u202e" * 12 + "] [1]",
        "press [NoSuchKey+Q]",
        "goto [javascript:alert(1)]",
        "goto [file:///etc/passwd]",
        "__import__('os')",
        None,
        b"click",
    ],
)
def test_garbage_is_refused_in_words(env, action):
    env.reset(options={"task_id": "answer"})
    _obs, reward, terminated, _truncated, info = env.step(action)
    if action and isinstance(action, str) and action.startswith("type [4]"):
        assert info["action_error"] is None  # long odd text is just typed (key by key, as VAB)
    else:
        assert info["action_error"] and reward == 0.0 and not terminated
    assert env.session.page.url.startswith(env.urls["shopping"])


@pytest.mark.slow
def test_keys_sent_to_a_link_wait_for_the_page_it_opens(env, monkeypatch):
    """[4] is the shop's logo link: ``type`` clicks it, then sends keys. Sent at once, while
    Chromium swapped documents, keys typed as text (not key presses: é, U+202E) hung it
    about one time in two (75 s, then a restart); now each waits for the new document and
    is an ordinary step."""
    monkeypatch.setattr(env.chromium, "hang_timeout_s", 15)  # a hang fails in 15 s, not 75
    for _ in range(8):
        env.reset(options={"task_id": "answer"})
        _obs, _reward, _terminated, _truncated, info = env.step(
            "type [4] [" + "é\u202e" * 12 + "] [1]"
        )
        assert info["action_error"] is None
        assert env.session.page.url.rstrip("/") == env.urls["shopping"].rstrip("/")


def test_webarena_backend_runs_vab_s_165_tasks():
    e = WebArenaEnv(backend="webarena")
    try:
        assert len(e.tasks) == 165
        sites = {s for t in e.tasks for s in t.setup["sites"]}
        assert sites == {"shopping", "shopping_admin", "reddit", "gitlab", "map", "wikipedia"}
    finally:
        e.close()


def test_webarena_backend_names_the_variable_of_an_unreachable_site(monkeypatch):
    monkeypatch.setenv("WA_SHOPPING", "http://127.0.0.1:9")  # nothing listens there
    e = WebArenaEnv(tasks=TaskSet([TASKS["cart"]]), backend="webarena")
    try:
        with pytest.raises(SiteUnavailable, match=r"WA_SHOPPING=http://127\.0\.0\.1:9"):
            e.reset()
    finally:
        e.close()


def _dump(shop) -> dict[str, list[dict]]:
    tables = [r["name"] for r in shop.sql("SELECT name FROM sqlite_master WHERE type='table'")]
    return {t: shop.sql(f"SELECT * FROM {t}") for t in tables}


@pytest.mark.slow
def test_reset_through_the_env_restores_the_pristine_shop():
    """A task that changes the shop (an order placed through the env's actions) is undone
    by the next reset: every table equals what it held before."""
    from vab_gym.agents.base import make_solver, run_episode

    e = WebArenaEnv()
    try:
        order = next(t for t in e.tasks if t.metadata["prototype"] == "place_order")
        e.reset(options={"task_id": order.id})
        before = _dump(e._shop)
        assert run_episode(e, make_solver(e), task_id=order.id).success
        assert _dump(e._shop) != before  # the episode did change the database
        e.reset(options={"task_id": order.id})
        assert _dump(e._shop) == before
    finally:
        e.close()


# The information prototypes whose answer VAB's Set-of-Marks text shows (a product page's
# price, review count, rating, brand and SKU; an order's total and status). The others sit
# in table cells (<td> is none of VAB's text selectors), in dates written otherwise, or are
# counts to make: the screenshot shows them, the text does not.
SHOWN_IN_TEXT = (
    "product_price",
    "review_count",
    "product_rating",
    "product_brand",
    "product_sku",
    "order_total",
    "order_status",
)


@pytest.mark.slow
def test_information_answers_are_read_from_the_set_of_marks():
    """Where VAB's text shows the answer, the solver stops on the page whose Set-of-Marks
    text holds it and answers with that text."""
    from vab_gym.agents.base import make_solver, run_episode
    from vab_gym.envs.webarena.som import marks_text

    e = WebArenaEnv()
    try:
        agent = make_solver(e)
        tasks = [t for t in e.tasks if t.metadata["prototype"] in SHOWN_IN_TEXT][::4]
        assert {t.metadata["prototype"] for t in tasks} == set(SHOWN_IN_TEXT)
        wrong = []
        for task in tasks:
            result = run_episode(e, agent, task_id=task.id)
            answer = task.metadata["solution"]["answer"]
            if answer not in marks_text(e.session.marks) or not result.success:
                wrong.append((task.id, answer, [s.action for s in result.steps]))
        assert not wrong
    finally:
        e.close()


def chromium_of(env: WebArenaEnv) -> list:
    """The env's own Chromium processes (other envs of this test process keep theirs)."""
    import psutil

    return psutil.Process(env.chromium.driver_pid).children(recursive=True)


@pytest.mark.parametrize("trouble", ["crash", "hang"])
@pytest.mark.slow
def test_an_episode_survives_a_crashed_or_hung_browser(trouble):
    """The cart task is judged by the final URL: reached before the browser dies, the
    episode goes on in a new browser at that URL and is still judged a success."""
    env = WebArenaEnv(tasks=TaskSet([TASKS["cart"]]), image_size=(90, 160))
    try:
        env.reset(options={"task_id": "cart"})
        cart = env.urls["shopping"] + "/checkout/cart/"
        _, _, _, _, info = env.step(f"goto [{cart}]")
        assert info["action_error"] is None
        if trouble == "crash":
            for proc in chromium_of(env):
                proc.kill()
        else:  # the page's script never yields: the click waits forever
            env.in_session(
                lambda s: s.page.evaluate(
                    "document.addEventListener('mousedown', () => { while (true) {} }, true)"
                )
            )
            run, calls = env.chromium.run, []

            def first_call_hangs_soon(fn, timeout_s=None):  # the rest: the default deadline
                calls.append(fn)
                return run(fn, 3 if len(calls) == 1 else timeout_s)

            env.chromium.run = first_call_hangs_soon
        mark = next(m.id for m in env.session.marks if m.interactive)
        _, _, terminated, _, info = env.step(
            f"click [{mark}]" if trouble == "hang" else "scroll [down]"
        )
        assert not terminated
        if trouble == "hang":
            assert "hung" in info["action_error"]
        assert env.browser_restarts == 1
        assert env.session.page.url == cart
        _, reward, terminated, _, _ = env.step("stop [done]")
        assert terminated and reward == 1.0
    finally:
        env.close()
