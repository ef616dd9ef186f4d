"""A start loads the source content only into an empty database; reloading it over
editors' changes is asked for, lists what it overwrites and stays in the history."""

import io
import json
from collections import Counter
from pathlib import Path

import pytest
from django.apps import apps
from django.conf import settings
from django.contrib.auth.models import Group
from django.core.management import call_command
from django.core.management.base import CommandError

from initiatives.models import Initiative, Milestone, Sector
from minerals.models import Mineral
from publishing import workflow
from publishing.models import Change, Draft, PublicChange
from publishing.roles import EDITOR, PUBLISHER
from publishing.workflow import Action
from tests.factories import arranged

pytestmark = pytest.mark.django_db

EDITED_SUMMARY = "Space, as an editor rewrote it."


class Terminal(io.StringIO):
    """Standard input as a person at a terminal has it."""

    def isatty(self):
        return True


def load_content(*args, out=None, **options):
    """Run the command as ``make run`` does (or with ``args``), with no terminal unless
    ``stdin`` is one; return what it printed."""
    out = out or io.StringIO()
    options.setdefault("stdin", io.StringIO())
    call_command("load_content", *args, stdout=out, **options)
    return out.getvalue()


def member_of(django_user_model, username, group):
    user = django_user_model.objects.create_user(username, password="pw-12345", is_staff=True)
    user.groups.add(Group.objects.get(name=group))
    return user


@pytest.fixture
def publisher(django_user_model):
    return member_of(django_user_model, "paula", PUBLISHER)


@pytest.fixture
def editor(django_user_model):
    return member_of(django_user_model, "edith", EDITOR)


def edit_space_directly():
    """An edit no one recorded (as a shell or an old admin would leave it)."""
    with arranged():
        Sector.objects.filter(slug="space").update(summary=EDITED_SUMMARY)


def change_through_the_workflow(model, slug, user, action=Action.SAVE, **fields):
    item = model.objects.get(slug=slug)
    with workflow.edit(model, item.pk, user, action) as session:
        for name, value in fields.items():
            setattr(session.item, name, value)
        session.item.save()
        session.saved(session.item)
    return session.change


def rewrite_the_points(initiative, user):
    """A Publisher publishes a new summary and a section with a single new point."""
    with workflow.edit(Initiative, initiative.pk, user, Action.PUBLISH) as session:
        session.item.summary = "The publisher's summary."
        session.item.save()
        session.item.sections.first().set_points(["The publisher's only point."])
        session.saved(session.item)
    return session.change


def points_of(initiative):
    return [[point.text for point in section.points.all()] for section in initiative.sections.all()]


def fixture_counts():
    counts = Counter()
    for label in settings.CONTENT_FIXTURES:
        for entry in json.loads(Path(settings.FIXTURE_DIRS[0], f"{label}.json").read_text()):
            counts[entry["model"]] += 1
    return counts


def test_the_first_start_loads_every_item_of_the_fixtures_into_an_empty_database():
    printed = load_content()

    counts = fixture_counts()
    for label, count in counts.items():
        assert apps.get_model(label).objects.count() == count, label
    items = sum(
        count for label, count in counts.items() if not label.endswith((".section", ".point"))
    )
    assert f"Loaded the source content into the empty database: {items} items" in printed
    assert not Change.objects.exists()


def test_a_second_start_keeps_every_edit(publisher, editor):
    load_content()
    edit_space_directly()
    trust = Initiative.objects.get(slug="trust")
    rewrite_the_points(trust, publisher)
    change_through_the_workflow(Mineral, "lithium", editor, summary="Lithium, unpublished.")
    changes = Change.objects.count()

    printed = load_content()

    assert Sector.objects.get(slug="space").summary == EDITED_SUMMARY
    trust.refresh_from_db()
    assert trust.summary == "The publisher's summary."
    assert points_of(trust)[0] == ["The publisher's only point."]
    assert Draft.filter_item(Mineral.objects.get(slug="lithium")).exists()
    assert Change.objects.count() == changes
    assert "nothing was loaded and editors' changes are kept" in printed
    assert "manage.py load_content --reload" in printed


def test_reload_lists_what_it_would_overwrite_and_without_a_terminal_changes_nothing(content):
    edit_space_directly()

    out = io.StringIO()
    with pytest.raises(CommandError, match="no terminal"):
        load_content("--reload", out=out)

    assert "would overwrite 1 item:" in out.getvalue()
    assert "Sector “Space” (space): Summary" in out.getvalue()
    assert "It would add 0 items." in out.getvalue()
    assert Sector.objects.get(slug="space").summary == EDITED_SUMMARY
    assert not Change.objects.exists()


@pytest.mark.parametrize("answer", ["no", "", "y", "yes please"])
def test_reload_asks_first_and_any_answer_but_yes_changes_nothing(content, monkeypatch, answer):
    edit_space_directly()
    questions = []
    monkeypatch.setattr("builtins.input", lambda question: questions.append(question) or answer)

    printed = load_content("--reload", stdin=Terminal())

    assert questions == ["Overwrite this 1 item with the source content? Type 'yes' to continue: "]
    assert "Reload cancelled: nothing was overwritten." in printed
    assert Sector.objects.get(slug="space").summary == EDITED_SUMMARY
    assert not Change.objects.exists()


def test_answering_yes_reloads(content, monkeypatch):
    edit_space_directly()
    monkeypatch.setattr("builtins.input", lambda question: "yes")

    load_content("--reload", stdin=Terminal())

    assert Sector.objects.get(slug="space").summary != EDITED_SUMMARY


@pytest.mark.parametrize("flag", ["--force", "--noinput"])
def test_a_forced_reload_overwrites_and_the_edit_can_be_restored_from_the_history(
    content, publisher, flag
):
    source_summary = Sector.objects.get(slug="space").summary
    edit_space_directly()

    printed = load_content("--reload", flag)

    space = Sector.objects.get(slug="space")
    assert space.summary == source_summary
    assert "Reloaded the source content: overwrote 1 item and added 0 items." in printed
    reloaded, baseline = Change.filter_item(space)
    assert (reloaded.action, reloaded.user) == (Change.Action.RELOADED, None)
    assert [entry["label"] for entry in reloaded.changes] == ["Summary"]
    assert reloaded.changes[0]["old"] == EDITED_SUMMARY
    assert baseline.action == Change.Action.BASELINE
    assert PublicChange.filter_item(space).get().fields == ["Summary"]

    workflow.revert(space, baseline, publisher)

    assert Sector.objects.get(slug="space").summary == EDITED_SUMMARY


def test_a_reload_over_a_published_edit_keeps_that_version_to_revert_to(content, publisher):
    trust = Initiative.objects.get(slug="trust")
    source = (trust.summary, points_of(trust))
    published = rewrite_the_points(trust, publisher)

    printed = load_content("--reload", "--force")

    trust.refresh_from_db()
    assert (trust.summary, points_of(trust)) == source
    assert "Initiative “" in printed and "(trust): Summary, Section “" in printed
    assert Change.filter_item(trust).first().action == Change.Action.RELOADED
    assert Change.filter_item(trust).filter(action=Change.Action.BASELINE).count() == 1

    workflow.revert(trust, published, publisher)

    trust.refresh_from_db()
    assert trust.summary == "The publisher's summary."
    assert points_of(trust)[0] == ["The publisher's only point."]


def test_a_reload_keeps_unpublished_changes_and_says_how_many_wait(content, editor):
    saved = change_through_the_workflow(Sector, "space", editor, summary="Space, unpublished.")
    edit_space_directly()

    printed = load_content("--reload", "--force")

    assert "Sector “Space” (space): Summary (its unpublished changes are kept)" in printed
    assert "1 item has unpublished changes waiting; the reload keeps them as they are." in printed
    assert Draft.filter_item(Sector.objects.get(slug="space")).get().change == saved


def test_a_reload_overwrites_nothing_if_the_content_changed_while_it_asked(content, monkeypatch):
    edit_space_directly()

    def answer_while_someone_edits(question):
        with arranged():
            Sector.objects.filter(slug="energy").update(summary="Edited meanwhile.")
        return "yes"

    monkeypatch.setattr("builtins.input", answer_while_someone_edits)

    with pytest.raises(CommandError, match="changed while you were deciding"):
        load_content("--reload", stdin=Terminal())

    assert Sector.objects.get(slug="space").summary == EDITED_SUMMARY
    assert not Change.objects.exists()


def test_items_only_in_the_database_are_left_alone(content):
    with arranged():
        Sector.objects.create(slug="oceans", name="Oceans", summary="Added by an editor.")
    edit_space_directly()

    printed = load_content("--reload", "--force")

    assert "1 item exists only in the database" in printed
    assert Sector.objects.get(slug="oceans").summary == "Added by an editor."


def test_a_reload_adds_items_missing_from_the_database(content):
    with arranged():
        Milestone.objects.filter(slug="india-joins-msp").delete()

    printed = load_content("--reload", "--force")

    assert "It would add 1 item:\n  Milestone “" in printed
    assert "(india-joins-msp)" in printed
    assert Milestone.objects.filter(slug="india-joins-msp").exists()


def test_a_reload_with_nothing_edited_says_nothing_would_change(content, monkeypatch):
    monkeypatch.setattr("builtins.input", lambda question: pytest.fail("asked: " + question))

    printed = load_content("--reload", stdin=Terminal())

    assert "Reloading the source content would change nothing" in printed
    assert not Change.objects.exists()
