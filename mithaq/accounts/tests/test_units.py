"""The organisation tree: every unit's materialised path stays true on create and on move."""

import pytest

from mithaq.accounts.models import OrgUnit, UnitKind
from mithaq.accounts.services import create_unit, save_unit


def fresh(unit: OrgUnit) -> OrgUnit:
    return OrgUnit.objects.get(pk=unit.pk)


def expected_path(unit: OrgUnit) -> str:
    """The path computed the slow way, by walking up the parents in the database."""
    ids = []
    node = fresh(unit)
    while node is not None:
        ids.append(node.pk)
        node = node.parent
    return "/" + "".join(f"{pk}/" for pk in reversed(ids))


def assert_every_path_is_true():
    for unit in OrgUnit.objects.all():
        assert unit.path == expected_path(unit), unit.code


def new_unit(parent, code, **extra):
    return create_unit(
        parent=parent,
        kind=extra.pop("kind", UnitKind.UNIT),
        code=code,
        name_ar=extra.pop("name_ar", code),
        name_en=extra.pop("name_en", code),
        **extra,
    )


class TestCreate:
    def test_root_unit_path_is_its_own_id(self, db):
        root = new_unit(None, "root")
        assert root.path == f"/{root.pk}/"
        assert fresh(root).path == root.path
        assert root.depth == 0

    def test_child_path_extends_its_parent_path(self, org):
        assert org.college_a.path == f"{org.root.path}{org.college_a.pk}/"
        assert org.dept_a.path == f"{org.college_a.path}{org.dept_a.pk}/"
        assert (org.root.depth, org.college_a.depth, org.dept_a.depth) == (0, 1, 2)

    def test_every_unit_of_the_persona_institution_has_a_true_path(self, org):
        assert_every_path_is_true()

    def test_subtree_is_the_unit_and_everything_under_it(self, org):
        assert set(org.college_a.subtree()) == {org.college_a, org.dept_a, org.dept_a2}
        assert set(org.dept_a.subtree()) == {org.dept_a}
        assert set(org.root.subtree()) == set(OrgUnit.objects.all())

    def test_saving_without_moving_keeps_the_path(self, org):
        org.dept_a.name_en = "Civil and Environmental Engineering"
        save_unit(unit=org.dept_a)
        assert fresh(org.dept_a).path == f"{org.college_a.path}{org.dept_a.pk}/"
        assert fresh(org.dept_a).name_en == "Civil and Environmental Engineering"


class TestMove:
    def test_moving_a_unit_moves_every_descendant(self, org):
        lab = new_unit(org.dept_a, "eng-civil-lab")
        college_a = fresh(org.college_a)
        college_a.parent = fresh(org.college_b)
        save_unit(unit=college_a)

        assert college_a.path == f"{org.college_b.path}{org.college_a.pk}/"
        assert fresh(org.dept_a).path == f"{college_a.path}{org.dept_a.pk}/"
        assert fresh(org.dept_a2).path == f"{college_a.path}{org.dept_a2.pk}/"
        assert fresh(lab).path == f"{college_a.path}{org.dept_a.pk}/{lab.pk}/"
        assert_every_path_is_true()

    def test_moving_does_not_touch_units_outside_the_subtree(self, org):
        before = {u.pk: u.path for u in OrgUnit.objects.exclude(path__startswith=org.dept_a.path)}
        dept_a = fresh(org.dept_a)
        dept_a.parent = fresh(org.college_b)
        save_unit(unit=dept_a)
        after = {u.pk: u.path for u in OrgUnit.objects.filter(pk__in=before)}
        assert after == before

    def test_moved_subtree_follows_its_new_parent(self, org):
        dept_a = fresh(org.dept_a)
        dept_a.parent = fresh(org.college_b)
        save_unit(unit=dept_a)
        assert set(fresh(org.college_b).subtree()) == {org.college_b, org.dept_b, org.dept_a}
        assert set(fresh(org.college_a).subtree()) == {org.college_a, org.dept_a2}

    def test_unit_can_become_a_root(self, org):
        college_a = fresh(org.college_a)
        college_a.parent = None
        save_unit(unit=college_a)
        assert college_a.path == f"/{college_a.pk}/"
        assert fresh(org.dept_a).path == f"/{college_a.pk}/{org.dept_a.pk}/"
        assert_every_path_is_true()

    def test_moving_twice_keeps_paths_true(self, org):
        lab = new_unit(org.dept_a, "eng-civil-lab")
        dept_a = fresh(org.dept_a)
        dept_a.parent = fresh(org.dept_b)
        save_unit(unit=dept_a)
        dept_a.parent = fresh(org.root)
        save_unit(unit=dept_a)
        assert fresh(lab).path == f"{org.root.path}{org.dept_a.pk}/{lab.pk}/"
        assert_every_path_is_true()

    def test_moving_under_a_parent_whose_ancestor_moved_meanwhile_keeps_paths_true(self, org):
        # org.dept_b was loaded before college_b moved: its in-memory path is stale.
        college_b = fresh(org.college_b)
        college_b.parent = fresh(org.college_a)
        save_unit(unit=college_b)
        new_unit(org.dept_b, "med-surgery-ward")
        assert_every_path_is_true()

    def test_moving_a_unit_whose_ancestor_moved_meanwhile_moves_its_descendants(self, org):
        lab = new_unit(org.dept_a, "eng-civil-lab")
        college_a = fresh(org.college_a)
        college_a.parent = fresh(org.college_b)
        save_unit(unit=college_a)
        # org.dept_a still holds the path it had before its college moved.
        org.dept_a.parent = fresh(org.root)
        save_unit(unit=org.dept_a)
        assert fresh(lab).path == f"{org.root.path}{org.dept_a.pk}/{lab.pk}/"


class TestCyclesRefused:
    def test_unit_cannot_be_its_own_parent(self, org):
        college_a = fresh(org.college_a)
        college_a.parent = college_a
        with pytest.raises(ValueError, match="under itself"):
            save_unit(unit=college_a)
        assert fresh(org.college_a).parent_id == org.root.pk
        assert_every_path_is_true()

    @pytest.mark.parametrize("new_parent", ["dept_a", "dept_a2"])
    def test_unit_cannot_move_under_its_own_descendant(self, org, new_parent):
        college_a = fresh(org.college_a)
        college_a.parent = fresh(getattr(org, new_parent))
        with pytest.raises(ValueError, match="own descendant"):
            save_unit(unit=college_a)
        # Nothing was written: the parent and every path are as before.
        assert fresh(org.college_a).parent_id == org.root.pk
        assert_every_path_is_true()

    def test_root_cannot_move_under_a_grandchild(self, org):
        root = fresh(org.root)
        root.parent = fresh(org.dept_b)
        with pytest.raises(ValueError, match="own descendant"):
            save_unit(unit=root)
        assert fresh(org.root).parent_id is None
        assert_every_path_is_true()

    def test_moving_under_a_sibling_is_not_a_cycle(self, org):
        dept_a2 = fresh(org.dept_a2)
        dept_a2.parent = fresh(org.dept_a)
        save_unit(unit=dept_a2)
        assert fresh(org.dept_a2).path == f"{org.dept_a.path}{org.dept_a2.pk}/"
        assert_every_path_is_true()


def test_admin_refuses_to_move_a_unit_under_its_descendant(org, client):
    client.force_login(org.admin)
    url = f"/admin/accounts/orgunit/{org.college_a.pk}/change/"
    data = {
        "parent": org.dept_a.pk,
        "kind": org.college_a.kind,
        "code": org.college_a.code,
        "name_ar": org.college_a.name_ar,
        "name_en": org.college_a.name_en,
        "accepts_cases": "on",
        "is_active": "on",
    }
    response = client.post(url, data)
    assert response.status_code == 200
    assert "parent" in response.context["adminform"].form.errors
    assert fresh(org.college_a).parent_id == org.root.pk
