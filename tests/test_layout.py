"""The house rules that keep the code readable (docs/DESIGN.md): ``core`` depends on nothing
else of the suite, the layers above it never reach into an env's internals, and every env
folder has the same rooms."""

import ast
from pathlib import Path

import pytest

import vab_gym

PACKAGE = Path(vab_gym.__file__).parent
ENV_FOLDERS = sorted(
    p for p in (PACKAGE / "envs").iterdir() if p.is_dir() and (p / "__init__.py").exists()
)
# The rooms every env has (docs/ARCHITECTURE.md, "The rooms of an env folder"): its actions,
# its env, its task builder, its judge, its solver, its mistake model, its data.
ROOMS = ("actions.py", "env.py", "tasks.py", "judge.py", "solver.py", "mistakes.py", "data")
# The rooms an env does without, each for the reason ARCHITECTURE's table gives.
WITHOUT = {
    # The judge is VAB's one rule (evaluate.monitor_function), Rules.judge_count in rules.py
    # beside the recipes and tags it reads; env._judge only words the verdict.
    "minecraft": {"judge.py"},
}


def imported_modules(folder: Path) -> set[tuple[str, str]]:
    """(file, module) for every ``vab_gym`` import under ``folder``, lazy ones included."""
    found = set()
    for path in folder.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            names = (
                [alias.name for alias in node.names]
                if isinstance(node, ast.Import)
                else [node.module or ""]
                if isinstance(node, ast.ImportFrom) and not node.level
                else []
            )
            found |= {(str(path.relative_to(PACKAGE)), n) for n in names if n.startswith("vab_gym")}
    return found


def test_core_imports_only_core():
    outside = sorted(
        (f, m)
        for f, m in imported_modules(PACKAGE / "core")
        if m != "vab_gym" and not m.startswith("vab_gym.core")
    )
    assert outside == []


# The one upward import: VAB-CSS's task builder plays the program solver on every task it
# keeps (the solver's loop is agents.base's), so that each shipped task is solvable.
ENVS_MAY_IMPORT = {("envs/css/tasks.py", "vab_gym.agents.base")}


def test_envs_import_no_layer_above_them():
    """An env builds on ``core`` and its own folder; what the layers above share with the
    envs (the Mistake of error recovery) lives in ``core``."""
    above = (
        "vab_gym.agents",
        "vab_gym.bench",
        "vab_gym.trajectories",
        "vab_gym.wrappers",
        "vab_gym.ui",
        "vab_gym.cli",
        "vab_gym.chat",
    )
    reaching = sorted(
        (f, m)
        for f, m in imported_modules(PACKAGE / "envs")
        if m.startswith(above) and (f, m) not in ENVS_MAY_IMPORT
    )
    assert reaching == []


@pytest.mark.parametrize("layer", ["agents", "wrappers"])
def test_agents_and_wrappers_use_envs_through_their_api(layer):
    """They may name an env module's public entry points (a solver, an action set), never
    its internals: no import of ``vab_gym.envs.<env>.<module>`` beyond env and actions."""
    allowed = {"env", "actions"}
    reaching = sorted(
        (f, m)
        for f, m in imported_modules(PACKAGE / layer)
        if m.startswith("vab_gym.envs.")
        and len(m.split(".")) > 3
        and m.split(".")[3] not in allowed
    )
    assert reaching == []


@pytest.mark.parametrize("folder", ENV_FOLDERS, ids=lambda p: p.name)
def test_every_env_folder_has_its_rooms(folder):
    without = WITHOUT.get(folder.name, set())
    assert [room for room in ROOMS if room not in without and not (folder / room).exists()] == []


@pytest.mark.parametrize("folder", ENV_FOLDERS, ids=lambda p: p.name)
def test_a_room_an_env_does_without_is_really_missing(folder):
    """An exception goes when the room comes: no room is both listed and present."""
    assert [room for room in WITHOUT.get(folder.name, ()) if (folder / room).exists()] == []


def test_the_exceptions_name_env_folders_and_rooms():
    assert set(WITHOUT) <= {folder.name for folder in ENV_FOLDERS}
    assert set().union(*WITHOUT.values()) <= set(ROOMS)


LONG_MODULE_LINES = 600


def long_modules_listed() -> set[str]:
    """The modules ARCHITECTURE's "Modules over 600 lines" table names (`path` in column 1)."""
    text = (PACKAGE.parent / "docs" / "ARCHITECTURE.md").read_text(encoding="utf-8")
    table = text.split("## Modules over 600 lines", 1)[1].split("\n## ", 1)[0]
    return {line.split("`")[1] for line in table.splitlines() if line.startswith("| `")}


def test_a_module_over_600_lines_is_split_or_said_to_be_one_piece():
    long = {
        str(path.relative_to(PACKAGE))
        for path in PACKAGE.rglob("*.py")
        if len(path.read_text(encoding="utf-8").splitlines()) > LONG_MODULE_LINES
    }
    listed = long_modules_listed()
    assert long - listed == set(), "split these, or say in ARCHITECTURE why each is one piece"
    assert listed - long == set(), "these are no longer long: drop their lines"
