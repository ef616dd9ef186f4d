"""The migrations apply forwards and backwards, on SQLite and on PostgreSQL.

On a throwaway database of the run's kind (a temporary SQLite file; a PostgreSQL
database ``trustsite_migrations_test``, created and dropped here), with ``manage.py`` in
processes of their own as an operator runs it, so the run's own test database is left
alone: ``migrate`` to the end and load the content; take every project app back to
zero (with the content in it) in the order their dependencies need; ``migrate`` again
and load the content again. The roles' data migrations must give the Editor and
Publisher groups exactly their permissions on the way forwards, and take them away on
the way back. What the database holds is read with SQL, not through Django.

With no PostgreSQL server reachable the PostgreSQL case skips and says why, except in
CI (``CI=true``), where it fails.
"""

import pytest
from django.apps import apps

from publishing.roles import EDITOR, PUBLISHER
from tests.databases import manage, run_vendor, throwaway

#: The project's apps with migrations, in the order they can go back to zero: each
#: before the apps it depends on.
APPS_BACK_TO_ZERO = ["minerals", "initiatives", "publishing"]
#: The apps whose models the roles get permissions on (publishing/roles.py).
CONTENT_APPS = ["initiatives", "minerals"]
ITEM_ACTIONS = {EDITOR: ("add", "change", "view"), PUBLISHER: ("add", "change", "delete", "view")}
PART_ACTIONS = ("add", "change", "delete", "view")


def expected_roles():
    """``{role: {(app, codename), …}}``: items (publishable models) with the role's
    actions, a Publisher's "publish" among them; parts of items with all four."""
    roles = {EDITOR: set(), PUBLISHER: set()}
    for label in CONTENT_APPS:
        for model in apps.get_app_config(label).get_models():
            name = model._meta.model_name
            publishable = "publish" in model._meta.default_permissions
            for role in roles:
                actions = ITEM_ACTIONS[role] if publishable else PART_ACTIONS
                if publishable and role == PUBLISHER:
                    actions = (*actions, "publish")
                roles[role] |= {(label, f"{action}_{name}") for action in actions}
    return roles


def roles(database):
    """The Editor and Publisher groups in the database, with their permissions."""
    found = {
        name: set()
        for (name,) in database.rows(
            f"SELECT name FROM auth_group WHERE name IN ('{EDITOR}', '{PUBLISHER}')"
        )
    }
    for name, app_label, codename in database.rows(
        "SELECT g.name, t.app_label, p.codename FROM auth_group g "
        "JOIN auth_group_permissions gp ON gp.group_id = g.id "
        "JOIN auth_permission p ON p.id = gp.permission_id "
        "JOIN django_content_type t ON t.id = p.content_type_id "
        f"WHERE g.name IN ('{EDITOR}', '{PUBLISHER}')"
    ):
        found[name].add((app_label, codename))
    return found


def applied(database, label):
    return [
        name
        for (name,) in database.rows(
            f"SELECT name FROM django_migrations WHERE app = '{label}' ORDER BY id"
        )
    ]


def tables_of(database, label):
    return sorted(table for table in database.tables() if table.startswith(f"{label}_"))


def content_rows(database):
    return {
        table: database.rows(f"SELECT COUNT(*) FROM {table}")[0][0]
        for table in ("initiatives_initiative", "initiatives_sector", "minerals_mineral")
    }


@pytest.fixture
def throwaway_database(tmp_path):
    """An empty database of the run's kind (the suite runs once on each in CI)."""
    database = throwaway(run_vendor(), tmp_path, "trustsite_migrations_test")
    yield database
    database.drop()


def migrate(database, *args):
    return manage(database.url, "migrate", *args, "--noinput", "--verbosity", "0")


def load_content(database):
    loaded = manage(database.url, "load_content")
    assert "Loaded the source content" in loaded.stdout, loaded.stdout
    rows = content_rows(database)
    assert all(rows.values()), rows
    return rows


def test_migrations_apply_forwards_then_backwards_to_zero_then_forwards_again(
    throwaway_database,
):
    database = throwaway_database
    expected = expected_roles()
    assert ("initiatives", "publish_initiative") in expected[PUBLISHER]
    assert ("initiatives", "publish_initiative") not in expected[EDITOR]
    assert ("initiatives", "delete_initiative") not in expected[EDITOR]
    assert ("initiatives", "delete_section") in expected[EDITOR]

    migrate(database)
    latest = {label: applied(database, label) for label in APPS_BACK_TO_ZERO}
    assert all(latest.values()), latest
    assert roles(database) == expected
    loaded = load_content(database)

    for label in APPS_BACK_TO_ZERO:
        migrate(database, label, "zero")
        assert applied(database, label) == [], label
        assert tables_of(database, label) == [], label
    # Their permissions taken away, the groups (holding nothing else) are gone.
    assert roles(database) == {}
    # The rest of the database is still there, at its latest migration.
    assert applied(database, "auth") and applied(database, "reversion")

    migrate(database)
    assert {label: applied(database, label) for label in APPS_BACK_TO_ZERO} == latest
    assert roles(database) == expected
    assert load_content(database) == loaded
