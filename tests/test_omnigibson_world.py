"""VAB-OmniGibson's world: VAB's box predicates, placement, the bddl backend, the houses."""

import numpy as np
import pytest

from vab_gym.envs.omnigibson import catalog, geometry
from vab_gym.envs.omnigibson.catalog import category
from vab_gym.envs.omnigibson.geometry import Box
from vab_gym.envs.omnigibson.house import build_house
from vab_gym.envs.omnigibson.judge import Goal, conditions
from vab_gym.envs.omnigibson.tasks import goal_in_words, problem_text
from vab_gym.envs.omnigibson.world import Obj, Room, World


def box(low, high) -> Box:
    return Box.from_bounds(low, high)


# -- VAB's box tests, each true and false ---------------------------------------------------
def test_inside_needs_centre_within_and_smaller_volume():
    fridge = box((0, 0, 0), (1, 1, 2))
    assert geometry.inside(box((0.4, 0.4, 0.5), (0.6, 0.6, 0.7)), fridge)
    assert not geometry.inside(box((1.2, 0.4, 0.5), (1.4, 0.6, 0.7)), fridge)  # beside
    assert geometry.inside(box((0.9, 0.4, 0.5), (1.1, 0.6, 0.7)), fridge)  # centre within + eps
    assert not geometry.inside(box((-1, -1, 0), (2, 2, 3)), fridge)  # bigger than it


def test_ontop_needs_footprint_contact_and_no_floating():
    table = box((0, 0, 0), (1, 1, 0.8))
    assert geometry.ontop(box((0.4, 0.4, 0.8), (0.5, 0.5, 0.9)), table)
    assert geometry.ontop(box((0.9, 0.4, 0.8), (1.1, 0.5, 0.9)), table)  # overhangs, centre on
    assert not geometry.ontop(box((1.1, 0.4, 0.8), (1.3, 0.5, 0.9)), table)  # centre off
    assert not geometry.ontop(box((0.4, 0.4, 0.5), (0.5, 0.5, 0.6)), table)  # sunk into it
    assert not geometry.ontop(box((0.4, 0.4, 1.2), (0.5, 0.5, 1.3)), table)  # floating
    assert geometry.ontop(box((0.4, 0.4, 0.79), (0.5, 0.5, 0.89)), table)  # within eps


def test_under_and_nextto():
    shelf = box((0, 0, 1.0), (1, 1, 1.2))
    assert geometry.under(box((0.4, 0.4, 0), (0.6, 0.6, 0.5)), shelf)
    assert not geometry.under(box((0.4, 0.4, 0.9), (0.6, 0.6, 1.1)), shelf)  # pokes into it
    assert not geometry.under(box((1.4, 0.4, 0), (1.6, 0.6, 0.5)), shelf)  # beside
    a = box((0, 0, 0), (0.1, 0.1, 0.1))
    assert geometry.nextto(box((0.2, 0, 0), (0.3, 0.1, 0.1)), a)
    # 2.4 x mean(summed extents) = 2.4 x 0.2 = 0.48 m is the limit
    assert geometry.nextto(box((0.55, 0, 0), (0.65, 0.1, 0.1)), a)
    assert not geometry.nextto(box((0.6, 0, 0), (0.7, 0.1, 0.1)), a)


# -- the world's predicates: floors, legs, rooms, states ---------------------------------------
@pytest.fixture
def room_world():
    world = World([Room("kitchen_0", (0, 0), (4, 4)), Room("bedroom_0", (4, 0), (8, 4))], [])
    world.add(
        Obj(
            "floor.n.01_1",
            category("floor.n.01"),
            box((0, 0, -0.02), (4, 4, 0)),
            room="kitchen_0",
            is_floor=True,
        )
    )
    world.add(
        Obj(
            "table.n.02_1",
            category("table.n.02"),
            box((1, 1, 0), (2.4, 1.8, 0.75)),
            room="kitchen_0",
        )
    )
    world.add(Obj("apple.n.01_1", category("apple.n.01"), box((3, 3, 0), (3.08, 3.08, 0.08))))
    return world


def test_floor_table_legs_and_rooms(room_world):
    w = room_world
    floor, table, apple = (w.objects[n] for n in ("floor.n.01_1", "table.n.02_1", "apple.n.01_1"))
    assert w.ontop(apple, floor) and not w.under(apple, table)
    w.move(apple, (1.5, 1.4, 0.04))  # on the floor, below the table top
    assert w.under(apple, table) and w.ontop(apple, floor)
    w.move(apple, (1.5, 1.4, 0.79))
    assert w.ontop(apple, table) and not w.ontop(apple, floor) and not w.under(apple, table)
    assert w.inroom(apple, "kitchen") and not w.inroom(apple, "bedroom")
    w.move(apple, (5, 1, 0.04))
    assert w.inroom(apple, "bedroom") and not w.ontop(apple, floor)  # another room's floor


def test_placement_makes_the_relation_true_or_reports_full(room_world):
    w, rng = room_world, np.random.default_rng(0)
    table, apple = w.objects["table.n.02_1"], w.objects["apple.n.01_1"]
    for relation in ("ontop", "under", "nextto"):
        assert w.place(apple, table, relation, rng, tries=20)
        assert w.relation_holds(apple, table, relation)
    # a surface covered edge to edge is full
    plate = Obj("tray.n.01_1", category("tray.n.01"), box((0, 0, 0), (0.5, 0.35, 0.04)))
    w.add(plate)
    assert w.place(plate, table, "ontop", rng, tries=20)
    big = Obj("plywood.n.01_1", category("plywood.n.01"), box((0, 0, 0), (0.6, 0.6, 0.02)))
    w.add(big)
    w.move(big, (plate.box.center[0], plate.box.center[1], plate.box.top + 0.01))
    assert w.carried_by(plate) == [big]  # what rests on a thing moves with it
    w.move(plate, (plate.box.center[0] + 0.1, plate.box.center[1], plate.box.center[2]))
    assert w.ontop(big, plate)


def test_states_are_unary_predicates_through_bddl():
    problem = """(define (problem t-0) (:domain omnigibson)
      (:objects apple.n.01_1 apple.n.01_2 - apple.n.01
                electric_refrigerator.n.01_1 - electric_refrigerator.n.01
                floor.n.01_1 - floor.n.01 agent.n.01_1 - agent.n.01)
      (:init (ontop apple.n.01_1 floor.n.01_1) (ontop apple.n.01_2 floor.n.01_1)
             (inroom electric_refrigerator.n.01_1 kitchen) (inroom floor.n.01_1 kitchen)
             (ontop agent.n.01_1 floor.n.01_1))
      (:goal (and (forall (?apple.n.01 - apple.n.01) (frozen ?apple.n.01))
                  (not (open ?electric_refrigerator.n.01_1)))))"""
    conds = conditions("t", problem)
    house = build_house(conds, "Rs_int", 3)
    goal = Goal(conds, house.world)
    apples = [house.world.objects[f"apple.n.01_{i}"] for i in (1, 2)]
    fridge = house.world.objects["electric_refrigerator.n.01_1"]
    assert not goal.satisfied() and goal.progress() == pytest.approx(1 / 3)  # fridge shut
    apples[0].states["frozen"] = True
    assert goal.progress() == pytest.approx(2 / 3)
    apples[1].states["frozen"] = True
    assert goal.satisfied()
    fridge.states["open"] = True
    assert not goal.satisfied() and goal.report()["unsatisfied"] == [
        "(not open electric_refrigerator.n.01_1)"
    ]
    text = goal_in_words(conds.parsed_goal_conditions, house.task_objects)
    assert text == ("Make all of these true: every apple: it is frozen; 3.refrigerator is closed.")


# -- the houses --------------------------------------------------------------------------------
VAB_SCENES = {
    "store_beer": "Rs_int",
    "assembling_gift_baskets": "Beechwood_0_int",
    "buy_alcohol": "grocery_store_cafe",
    "remove_sod": "Pomaria_0_garden",
    "opening_doors": "Wainscott_0_int",
}


def test_scene_furniture_is_looked_up_in_the_taxonomy_once_per_name(monkeypatch):
    """bddl's synset lookup scans the whole taxonomy and a house build asks it for every piece
    of the scene's furniture: each name is asked once (a reset took ~4x longer without)."""
    catalog.category_of_scene_object.cache_clear()
    asked = []
    lookup = catalog.taxonomy().get_synset_from_category
    monkeypatch.setattr(
        catalog.taxonomy(),
        "get_synset_from_category",
        lambda name: asked.append(name) or lookup(name),
    )
    names = ["countertop", "bottom_cabinet", "countertop", "no_such_thing", "no_such_thing"]
    found = [catalog.category_of_scene_object(name) for name in names]
    assert [c.synset if c else None for c in found] == [
        "countertop.n.01",
        "cabinet.n.01",
        "countertop.n.01",
        None,
        None,
    ]
    assert asked == ["countertop", "bottom_cabinet", "no_such_thing"]


@pytest.mark.parametrize(("activity", "scene"), VAB_SCENES.items())
def test_house_is_deterministic_and_satisfies_init(activity, scene):
    conds = conditions(activity, problem_text({"activity": activity}))
    first, second = build_house(conds, scene, 0), build_house(conds, scene, 0)
    boxes = {n: o.box for n, o in first.world.objects.items()}
    assert boxes == {n: o.box for n, o in second.world.objects.items()}
    assert first.start == second.start
    other = build_house(conds, scene, 1)
    assert boxes != {n: o.box for n, o in other.world.objects.items()}
    # VAB's ids number the :objects in order; every task object has one
    assert all(first.world.objects[n].vab_id == i for i, n in enumerate(first.task_objects, 1))
    # the rooms are the scene's own (bddl's inventory of OmniGibson's scenes)
    assert {r.name for r in first.world.rooms} >= {
        f"{t}_0" for t in {lit[2] for lit in conds.parsed_initial_conditions if lit[0] == "inroom"}
    }
    assert not Goal(conds, first.world).satisfied()


def test_survey_explains_what_the_simulator_cannot_run():
    from vab_gym.envs.omnigibson.tasks import survey, train_tasks

    results = {s.activity: s for s in survey(["store_beer", "cleaning_windows", "bag_groceries"])}
    assert results["store_beer"].ok and "Beechwood_0_int" in results["store_beer"].scenes
    assert not results["cleaning_windows"].ok
    assert results["cleaning_windows"].reason.startswith("predicates ")
    tasks = train_tasks(2, seed=4, supported=results.values(), houses=2)
    assert tasks and all(t.setup["definition"] == "bddl" for t in tasks)
    assert {t.setup["activity"] for t in tasks} <= {"store_beer", "bag_groceries"}
    for t in tasks:  # each instance's house builds and its goal is still to do
        conds = conditions(t.setup["activity"], problem_text(t.setup))
        house = build_house(conds, t.setup["scene"], t.setup["seed"])
        assert not Goal(conds, house.world).satisfied()
        assert t.instruction.startswith("Make all of these true: ")
