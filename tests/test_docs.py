"""The pages hold together: every relative link in README.md, BENCHMARKS.md, CHANGELOG.md and
docs/**/*.md reaches a file of the repository (and, with an anchor, a heading of that page),
and every ``vab-gym`` command the front page and the env pages show is one the command line
accepts as written.

Markdown is read with markdown-it-py (CommonMark, tables on: the parser rich renders
with), so links in tables, reference-style links and images are found and code spans are
not mistaken for links. Anchors are compared with GitHub's heading ids, which is where the
pages are read.
"""

from __future__ import annotations

import importlib
import re
import shlex
from functools import cache
from itertools import pairwise
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest
from markdown_it import MarkdownIt
from markdown_it.token import Token

import vab_gym
from vab_gym import cli
from vab_gym.core import registration

ROOT = Path(__file__).resolve().parent.parent
PAGES = sorted(
    [
        ROOT / "README.md",
        ROOT / "BENCHMARKS.md",
        ROOT / "CHANGELOG.md",
        *(ROOT / "docs").rglob("*.md"),
    ]
)
# Pages whose shell commands a newcomer copies: each must work as written. (The other pages
# also give synopses and fragments, such as `vab-gym collect --strategy recovery`.)
COMMAND_PAGES = sorted(
    [ROOT / "README.md", ROOT / "docs" / "using.md", *(ROOT / "docs" / "envs").glob("*.md")]
)

MARKDOWN = MarkdownIt("commonmark").enable("table")


@cache
def tokens(page: Path) -> tuple[Token, ...]:
    """The page's tokens, inline children flattened in (links live in inline tokens)."""
    flat: list[Token] = []
    for token in MARKDOWN.parse(page.read_text(encoding="utf-8")):
        flat.append(token)
        flat.extend(token.children or ())
    return tuple(flat)


def github_anchor(heading: str) -> str:
    """The id GitHub gives a heading (github-slugger's rule): lower case, every character
    that is not a letter, digit, space, hyphen or underscore dropped, spaces made hyphens."""
    return re.sub(r"[^\w\- ]", "", heading.lower()).replace(" ", "-")


@cache
def anchors(page: Path) -> frozenset[str]:
    """The ids of ``page``'s headings; a repeated heading gets -1, -2 ... as on GitHub."""
    seen: dict[str, int] = {}
    found = set()
    flat = MARKDOWN.parse(page.read_text(encoding="utf-8"))
    for opening, inline in pairwise(flat):
        if opening.type != "heading_open":
            continue
        text = "".join(
            child.content
            for child in inline.children or ()
            if child.type in ("text", "code_inline")
        )
        anchor = github_anchor(text)
        count = seen.get(anchor, 0)
        seen[anchor] = count + 1
        found.add(anchor if count == 0 else f"{anchor}-{count}")
    return frozenset(found)


def relative_links(page: Path) -> list[str]:
    """Every link and image target of ``page`` that names no scheme or host."""
    targets = [
        token.attrGet("href") if token.type == "link_open" else token.attrGet("src")
        for token in tokens(page)
        if token.type in ("link_open", "image")
    ]
    return [
        str(target)
        for target in targets
        if target and not urlsplit(str(target)).scheme and not str(target).startswith("//")
    ]


def broken(page: Path, target: str, root: Path = ROOT) -> str | None:
    """Why ``target``, linked from ``page``, leads nowhere in the repository at ``root``
    (None when it leads somewhere)."""
    parts = urlsplit(target)
    path = (page.parent / unquote(parts.path)).resolve() if parts.path else page
    if root not in path.parents:
        return "outside the repository"
    if not path.is_file():
        return "no such file" if not path.exists() else "a folder, not a file"
    if parts.fragment and path.suffix == ".md" and parts.fragment not in anchors(path):
        return f"no heading #{parts.fragment} in {path.relative_to(root)}"
    return None


@pytest.mark.parametrize("page", PAGES, ids=lambda p: str(p.relative_to(ROOT)))
def test_every_relative_link_reaches_a_file_and_its_heading(page):
    bad = [(target, why) for target in relative_links(page) if (why := broken(page, target))]
    assert bad == []


def test_the_link_check_sees_links_in_tables_references_and_images(tmp_path):
    """The parser finds what a regex over ``[..](..)`` would miss or misread."""
    page = tmp_path / "page.md"
    page.write_text(
        "# A page\n\n| a | b |\n|---|---|\n| [t](table.md) | `[c](code.md)` |\n\n"
        "[ref][r] and ![img](pic.png)\n\n[r]: ref.md#part\n"
    )
    assert relative_links(page) == ["table.md", "ref.md#part", "pic.png"]


def test_anchors_follow_githubs_heading_ids(tmp_path):
    page = tmp_path / "page.md"
    page.write_text(
        "# VAB-CSS (`src/server/tasks/css_agent`)\n\n## `vab-gym collect`\n\n"
        "## RL: does a policy learn?\n\n## Notes\n\n## Notes\n"
    )
    assert anchors(page) == {
        "vab-css-srcservertaskscss_agent",
        "vab-gym-collect",
        "rl-does-a-policy-learn",
        "notes",
        "notes-1",
    }


def test_a_broken_link_is_reported(tmp_path):
    (tmp_path / "there.md").write_text("# Here\n")
    (tmp_path / "folder").mkdir()
    page = tmp_path / "page.md"
    page.write_text("x")
    assert broken(page, "there.md#here", tmp_path) is None
    assert broken(page, "gone.md", tmp_path) == "no such file"
    assert broken(page, "folder", tmp_path) == "a folder, not a file"
    assert broken(page, "there.md#elsewhere", tmp_path) == "no heading #elsewhere in there.md"
    assert broken(page, "../../etc/passwd", tmp_path) == "outside the repository"


# -- commands ------------------------------------------------------------------------------


def shown_commands(page: Path) -> list[list[str]]:
    """The commands in ``page``'s bash blocks (continued lines joined, ``&&`` chains split,
    comments dropped) and its inline code that is a ``vab-gym`` subcommand with arguments
    (a bare "`vab-gym bench`" names the command), as argument lists."""
    lines: list[str] = []
    for token in tokens(page):
        if token.type == "fence" and token.info.strip() == "bash":
            lines += token.content.replace("\\\n", " ").splitlines()
        elif token.type == "code_inline" and re.match(r"(\.venv/bin/)?vab-gym \S+ ", token.content):
            lines.append(token.content)
    commands = []
    for line in lines:
        words = shlex.split(line, comments=True)
        while words:
            command, words = (
                (words[: words.index("&&")], words[words.index("&&") + 1 :])
                if "&&" in words
                else (words, [])
            )
            commands.append(command)
    return commands


def vab_gym_commands() -> list[tuple[str, list[str]]]:
    return [
        (f"{page.relative_to(ROOT)}: {' '.join(command)}", command[1:])
        for page in COMMAND_PAGES
        for command in shown_commands(page)
        if Path(command[0]).name == "vab-gym"
    ]


def script_commands() -> list[tuple[str, list[str]]]:
    return [
        (f"{page.relative_to(ROOT)}: {' '.join(command)}", command[1:])
        for page in COMMAND_PAGES
        for command in shown_commands(page)
        if Path(command[0]).name in ("python", "python3") and command[1:2] != ["-m"]
    ]


def test_the_pages_show_the_main_commands():
    """The front page's commands: the main job, the LMM benchmark, collection, the UI,
    export, the task builders (so the checks below cannot pass on an empty list)."""
    shown = {argv[0] for _, argv in vab_gym_commands()}
    assert {
        "bench",
        "collect",
        "ui",
        "export",
        "list",
        "run",
        "css-build",
        "minecraft-tasks",
        "omnigibson-tasks",
        "mobile-tasks",
    } <= shown


@pytest.mark.parametrize(
    ("where", "argv"), vab_gym_commands(), ids=lambda x: x if isinstance(x, str) else ""
)
def test_every_vab_gym_command_shown_is_accepted_as_written(where, argv, monkeypatch):
    """The command line parses it into its subcommand (the subcommand itself does not run:
    that is the tests of each command), and every env id in it is registered. The
    handlers stubbed are the CLI's own and those of every env's ``commands.py``, which
    its ``add_commands`` looks up when ``main`` builds the parser."""
    ran = []
    modules = [cli] + [
        importlib.import_module(package.commands.partition(":")[0])
        for package in registration.PACKAGES.values()
        if package.commands
    ]
    for module in modules:
        for name in dir(module):
            if name.startswith("cmd_"):
                monkeypatch.setattr(module, name, lambda args, name=name: ran.append(name) or 0)
    try:
        status = cli.main(argv)
    except SystemExit as exc:  # argparse's answer to a bad flag or subcommand
        pytest.fail(f"{where}: rejected (exit status {exc.code})")
    assert status == 0 and len(ran) == 1
    for word in argv:
        for env_id in re.findall(r"VAB-[\w-]+-v\d+", word):
            assert env_id in vab_gym.ENVIRONMENTS, where


@pytest.mark.parametrize(
    ("where", "argv"), script_commands(), ids=lambda x: x if isinstance(x, str) else ""
)
def test_every_script_shown_exists_and_takes_its_flags(where, argv):
    script = ROOT / argv[0]
    assert script.is_file(), where
    source = script.read_text(encoding="utf-8")
    for flag in (word.split("=")[0] for word in argv[1:] if word.startswith("--")):
        assert f'"{flag}"' in source, f"{where}: {script.name} has no {flag}"
