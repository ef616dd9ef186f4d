"""The workflow emails editors: submissions to the Publishers, send-backs and publications
to the authors; only after the change commits, and never at the cost of the change."""

import logging
import re
import zoneinfo

import pytest
from django.contrib.auth.models import Group
from django.core import mail
from django.db import transaction
from django.test import Client
from django.urls import reverse
from django.utils import translation
from rest_framework.test import APIClient

from initiatives.models import Figure, Sector
from minerals.models import Mineral
from publishing import workflow
from publishing.models import Change, Draft, EditorProfile, when
from publishing.roles import EDITOR, PUBLISHER
from tests.editorial.conftest import admin_url, open_change_form
from tests.factories import api_token_for
from trustsite.settings import email_settings

pytestmark = pytest.mark.django_db

SITE = "https://trust.example.org"
NEW_YORK = "America/New_York"
KOLKATA = "Asia/Kolkata"


def person(django_user_model, username, role, zone=KOLKATA, notifications=True):
    user = django_user_model.objects.create_user(
        username, f"{username}@example.org", "pw-12345", is_staff=True
    )
    user.groups.set(Group.objects.filter(name=role))
    EditorProfile.objects.update_or_create(
        user=user, defaults={"time_zone": zone, "notifications": notifications}
    )
    return user


@pytest.fixture(autouse=True)
def site_url(settings):
    settings.SITE_URL = SITE


@pytest.fixture
def team(db, django_user_model):
    """Two Publishers who want the emails, in India and New York; one who turned them off;
    two Editors, in India and New York."""
    return {
        "paula": person(django_user_model, "paula", PUBLISHER),
        "pat": person(django_user_model, "pat", PUBLISHER, zone=NEW_YORK),
        "quiet": person(django_user_model, "quiet", PUBLISHER, notifications=False),
        "edith": person(django_user_model, "edith", EDITOR),
        "ned": person(django_user_model, "ned", EDITOR, zone=NEW_YORK),
    }


def signed_in(user):
    client = Client()
    client.force_login(user)
    return client


def api_for(user):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {api_token_for(user)}")
    return client


def submit_from_the_form(client, item, **changes):
    data = open_change_form(client, item)
    data.update(changes)
    data["_submit"] = "Submit for review"
    response = client.post(admin_url(item, "change"), data)
    assert response.status_code == 302, response.content.decode()[:2000]
    return response


def review_decision(client, item, **decision):
    token = client.get(admin_url(item, "review")).context["version_token"]
    response = client.post(admin_url(item, "review"), {"_version": token, **decision})
    assert response.status_code == 302
    return response


def inbox_of(user):
    return [message for message in mail.outbox if message.to == [user.email]]


def only_message_to(user):
    [message] = inbox_of(user)
    return message


def html_of(message):
    [(html, kind)] = message.alternatives
    assert kind == "text/html"
    return html


def latest_change(item, action):
    return Change.filter_item(item).filter(action=action).order_by("-pk").first()


def shown_time(change, zone):
    return when(change.date, zoneinfo.ZoneInfo(zone))


def test_submitting_for_review_emails_each_publisher_who_wants_it_in_their_own_zone(
    content, team, django_capture_on_commit_callbacks
):
    neodymium = Mineral.objects.get(slug="neodymium")
    with django_capture_on_commit_callbacks(execute=True):
        submit_from_the_form(
            signed_in(team["edith"]), neodymium, summary="A corrected summary of neodymium."
        )

    assert sorted(message.to[0] for message in mail.outbox) == [
        "pat@example.org",
        "paula@example.org",
    ]
    submitted = latest_change(neodymium, Change.Action.SUBMITTED)
    review = f"{SITE}/admin/minerals/mineral/{neodymium.pk}/review/"
    for name, zone, zone_name in [("paula", KOLKATA, "IST"), ("pat", NEW_YORK, "E[SD]T")]:
        message = only_message_to(team[name])
        assert "“Neodymium (Nd)”" in message.subject and "edith" in message.subject
        for body in (message.body, html_of(message)):
            assert "“Neodymium (Nd)”" in body
            assert review in body
            assert "Summary" in body and "A corrected summary of neodymium." in body
            assert shown_time(submitted, zone) in body
            assert re.search(rf"\d{{2}}:\d{{2}} {zone_name}\b", body)
            assert f"{SITE}/admin/profile/" in body
    assert f'href="{review}"' in html_of(only_message_to(team["paula"]))


def test_a_publisher_submitting_through_the_api_is_not_emailed_about_it(
    content, team, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = api_for(team["paula"]).patch(
            "/api/v1/sectors/space/", {"summary": "Orbits and launchers.", "status": "review"}
        )

    assert response.status_code == 202, response.json()
    assert [message.to for message in mail.outbox] == [["pat@example.org"]]
    assert "Orbits and launchers." in mail.outbox[0].body
    assert "paula" in mail.outbox[0].subject


def test_sending_back_emails_the_author_the_comment(
    content, team, django_capture_on_commit_callbacks
):
    figure = Figure.objects.get(slug="ncmm-outlay")
    with django_capture_on_commit_callbacks(execute=True):
        submit_from_the_form(
            signed_in(team["ned"]), figure, notes="Checked against the cabinet note."
        )
    mail.outbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        review_decision(
            signed_in(team["paula"]),
            figure,
            _send_back="Send back",
            comment="Cite the cabinet note's date.",
        )

    assert [message.to for message in mail.outbox] == [["ned@example.org"]]
    message = mail.outbox[0]
    sent_back = latest_change(figure, Change.Action.SENT_BACK)
    assert f"“{figure}”" in message.subject
    for body in (message.body, html_of(message)):
        assert "Cite the cabinet note" in body
        assert f"{SITE}/admin/initiatives/figure/{figure.pk}/review/" in body
        assert "Notes" in body and "Checked against the cabinet note." in body
        assert shown_time(sent_back, NEW_YORK) in body


def test_publishing_emails_the_authors(content, team, django_capture_on_commit_callbacks):
    space = Sector.objects.get(slug="space")
    with django_capture_on_commit_callbacks(execute=True):
        api_for(team["ned"]).patch("/api/v1/sectors/space/", {"name": "Space and orbits"})
        submit_from_the_form(signed_in(team["edith"]), space, summary="Orbits and launchers.")
    assert "Review “Space and orbits”" in mail.outbox[0].subject, "the name it is submitted with"
    mail.outbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        review_decision(signed_in(team["pat"]), space, _publish="Publish")

    assert sorted(message.to[0] for message in mail.outbox) == [
        "edith@example.org",
        "ned@example.org",
    ]
    published = latest_change(space, Change.Action.PUBLISHED)
    message = only_message_to(team["edith"])
    assert message.subject.endswith("“Space and orbits” is published")
    for body in (message.body, html_of(message)):
        assert "pat published" in body
        assert f"{SITE}/admin/initiatives/sector/{space.pk}/review/" in body
        assert "Name" in body and "Space and orbits" in body
        assert "Summary" in body and "Orbits and launchers." in body
        assert shown_time(published, KOLKATA) in body
    assert shown_time(published, NEW_YORK) in only_message_to(team["ned"]).body


def test_a_publisher_publishing_their_own_change_emails_nobody(
    content, team, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = api_for(team["paula"]).patch("/api/v1/sectors/space/", {"summary": "Orbits."})

    assert response.status_code == 200
    assert latest_change(Sector.objects.get(slug="space"), Change.Action.PUBLISHED)
    assert mail.outbox == []


def test_nothing_is_sent_before_the_change_commits(
    content, team, django_capture_on_commit_callbacks
):
    neodymium = Mineral.objects.get(slug="neodymium")
    with django_capture_on_commit_callbacks() as callbacks:
        submit_from_the_form(signed_in(team["edith"]), neodymium, summary="Corrected.")
        assert mail.outbox == []

    assert mail.outbox == []
    for callback in callbacks:
        callback()
    assert len(mail.outbox) == 2


def submit_then_fail(item, user):
    """A submission inside a transaction that then fails: the whole of it rolls back."""
    with pytest.raises(RuntimeError), transaction.atomic():
        with workflow.edit(type(item), item.pk, user, workflow.Action.SUBMIT) as session:
            session.item.summary = "Never kept."
            session.item.save()
            session.saved(session.item)
        assert latest_change(item, Change.Action.SUBMITTED) is not None
        raise RuntimeError("something after the save failed")


def test_a_submission_that_rolls_back_emails_nobody(
    content, team, django_capture_on_commit_callbacks
):
    neodymium = Mineral.objects.get(slug="neodymium")
    with django_capture_on_commit_callbacks(execute=True):
        submit_then_fail(neodymium, team["edith"])

    assert latest_change(neodymium, Change.Action.SUBMITTED) is None
    assert mail.outbox == []


def test_a_refused_save_emails_nobody(content, team, django_capture_on_commit_callbacks):
    neodymium = Mineral.objects.get(slug="neodymium")
    edith, ned = signed_in(team["edith"]), signed_in(team["ned"])
    stale = open_change_form(ned, neodymium)
    with django_capture_on_commit_callbacks(execute=True):
        submit_from_the_form(edith, neodymium, summary="Edith's summary.")
    mail.outbox.clear()

    stale.update(summary="Ned's summary.", _submit="Submit for review")
    with django_capture_on_commit_callbacks(execute=True):
        response = ned.post(admin_url(neodymium, "change"), stale)

    assert response.status_code == 200
    assert "Your version was not saved" in response.content.decode()
    assert mail.outbox == []


def test_a_mail_server_that_fails_loses_no_change_and_is_logged_once(
    content, team, settings, caplog, django_capture_on_commit_callbacks
):
    settings.EMAIL_BACKEND = "tests.failing_mail.RefusingBackend"
    neodymium = Mineral.objects.get(slug="neodymium")
    with caplog.at_level(logging.ERROR), django_capture_on_commit_callbacks(execute=True):
        submit_from_the_form(signed_in(team["edith"]), neodymium, summary="Kept all the same.")

    draft = Draft.filter_item(neodymium).get()
    assert draft.in_review
    assert draft.change.snapshot["summary"][1] == "Kept all the same."
    errors = [record for record in caplog.records if record.levelno >= logging.ERROR]
    assert len(errors) == 1, [record.getMessage() for record in errors]
    assert errors[0].name == "publishing.notifications"
    assert "Connection refused" in caplog.text
    assert "Neodymium" in errors[0].getMessage()


def test_turning_notifications_off_on_the_profile_stops_them(
    content, team, django_capture_on_commit_callbacks
):
    pat = signed_in(team["pat"])
    page = pat.get(reverse("editor-profile")).content.decode()
    assert re.search(r'<input type="checkbox" name="notifications"[^>]* checked', page)

    response = pat.post(
        reverse("editor-profile"),
        {"time_zone": NEW_YORK, "language": "en", "save_settings": "Save settings"},
    )
    assert response.status_code == 302
    with django_capture_on_commit_callbacks(execute=True):
        submit_from_the_form(
            signed_in(team["edith"]), Mineral.objects.get(slug="neodymium"), summary="Fixed."
        )

    assert [message.to for message in mail.outbox] == [["paula@example.org"]]


def test_email_url_configures_smtp():
    assert email_settings("smtp://us%40er:p%2Fss@mail.example.org:2525/?tls=true") == {
        "EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
        "EMAIL_HOST": "mail.example.org",
        "EMAIL_PORT": 2525,
        "EMAIL_HOST_USER": "us@er",
        "EMAIL_HOST_PASSWORD": "p/ss",
        "EMAIL_USE_TLS": True,
        "EMAIL_USE_SSL": False,
        "EMAIL_TIMEOUT": 10,
    }
    assert email_settings("smtps://mail.example.org")["EMAIL_PORT"] == 465
    assert email_settings("console://")["EMAIL_BACKEND"].endswith("console.EmailBackend")


def grant_roles():
    """The roles' groups, which a transactional test's flush removes with everything."""
    from django.apps import apps

    from publishing.roles import grant

    for app_label in ("initiatives", "minerals"):
        forwards, _ = grant(app_label)
        forwards(apps, None)


@pytest.mark.django_db(transaction=True)
def test_with_real_transactions_only_a_committed_submission_is_emailed(content, django_user_model):
    grant_roles()
    paula = person(django_user_model, "paula", PUBLISHER)
    edith = person(django_user_model, "edith", EDITOR)
    neodymium = Mineral.objects.get(slug="neodymium")

    submit_then_fail(neodymium, edith)
    assert mail.outbox == []

    submit_from_the_form(signed_in(edith), neodymium, summary="Committed for real.")
    assert [message.to for message in mail.outbox] == [[paula.email]]
    assert "Committed for real." in mail.outbox[0].body


def test_a_publisher_who_reads_hindi_sends_the_emails_in_english(
    content, team, django_capture_on_commit_callbacks
):
    space = Sector.objects.get(slug="space")
    submit_from_the_form(signed_in(team["edith"]), space, summary="Orbits and launchers.")
    mail.outbox.clear()

    # The emails go as the change commits, in the language the publisher reads.
    with translation.override("hi"), django_capture_on_commit_callbacks(execute=True):
        workflow.send_back(space, team["pat"], "Say which orbits.")

    message = only_message_to(team["edith"])
    sent_back = latest_change(space, Change.Action.SENT_BACK)
    assert "pat sent the sector “Space” back to its editors on" in message.body
    assert shown_time(sent_back, KOLKATA) in message.body
    assert not re.search("[\u0900-\u097f]", message.body + html_of(message))
