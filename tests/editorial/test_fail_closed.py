"""Nothing written to content goes around the workflow: every channel is found from the
code (every guarded model, every registered admin's editable columns and actions, every
API route that writes, every relation between content models) and tried, so a channel
added later is covered without anyone remembering to list it.

The invariant each channel is held to: an item whose content changed (or that went)
has a new recorded change, and anything else is refused with an error. Never a write
that is silently kept.
"""

import decimal
import re
import subprocess
import sys
from collections import Counter
from pathlib import Path

import pytest
from django import forms
from django.contrib import admin
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import ProtectedError, RestrictedError
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from rest_framework.test import APIClient

from initiatives.models import Sector
from publishing import guard, history, workflow
from publishing.guard import GuardedQuerySet, OutsideWorkflow
from publishing.models import Change
from tests.editorial.conftest import admin_url, changelist_form_data
from tests.factories import api_token_for, arranged

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parents[2]
APP_FOLDERS = ("publishing", "initiatives", "minerals", "trustsite")


# What changed, and what was recorded ---------------------------------------------


def content_now():
    return {
        (model, item.pk): history.describe(item)
        for model in history.publishable_models()
        for item in model._base_manager.all()
    }


def recorded_now():
    return Counter(Change.objects.values_list("content_type_id", "object_id"))


class Ledger:
    """The content and its recorded changes before a channel is tried."""

    def __init__(self):
        self.content = content_now()
        self.recorded = recorded_now()

    def unrecorded(self):
        """Items whose content changed (or that appeared or went) with nothing recorded."""
        after, recorded = content_now(), recorded_now()
        silent = []
        for key in set(self.content) | set(after):
            if self.content.get(key) == after.get(key):
                continue
            model, pk = key
            type_key = (ContentType.objects.get_for_model(model).pk, str(pk))
            if recorded[type_key] <= self.recorded[type_key]:
                silent.append(f"{model._meta.verbose_name} #{pk}")
        return silent


def refused(attempt, *also):
    """Run ``attempt``, which must be refused: by the guard, or by ``also`` (a protected
    link stops a deletion before the guard is asked). In a savepoint of its own, so the
    refusal leaves the test's transaction usable."""
    with pytest.raises((OutsideWorkflow, *also)), transaction.atomic():
        attempt()


# Every content model ----------------------------------------------------------------


def guarded_models():
    return list(guard.guarded())


def test_every_content_model_its_parts_and_its_links_are_guarded():
    models = guarded_models()
    labels = {model._meta.label_lower for model in models}

    assert {"initiatives.initiative", "initiatives.section", "initiatives.point"} <= labels
    assert "initiatives.initiative_sectors" in labels and "minerals.mineral_figures" in labels
    for model in history.publishable_models():
        assert model in models
        for field in model._meta.many_to_many:
            assert field.remote_field.through in models
    for model in models:
        for manager in (model._default_manager, model._base_manager):
            assert issubclass(manager._queryset_class, GuardedQuerySet), (model, manager)


@pytest.mark.parametrize("model", guarded_models(), ids=lambda model: model._meta.label_lower)
def test_every_write_outside_the_workflow_is_refused(content, model):
    row = model._base_manager.first()
    assert row is not None, f"the fixtures hold no {model._meta.label_lower}"
    ledger = Ledger()
    field = next(
        (
            field
            for field in model._meta.concrete_fields
            if not field.primary_key and not field.is_relation
        ),
        None,
    )

    attempts = {
        "delete()": lambda: row.delete(),
        "QuerySet.delete()": lambda: model._base_manager.filter(pk=row.pk).delete(),
        "bulk_create()": lambda: model._base_manager.bulk_create([copy_of(row)]),
    }
    if field is not None:
        attempts["save()"] = lambda: row.save()
        attempts["QuerySet.update()"] = lambda: model._base_manager.filter(pk=row.pk).update(
            **{field.attname: getattr(row, field.attname)}
        )
        attempts["bulk_update()"] = lambda: model._base_manager.bulk_update([row], [field.name])
    for name, attempt in attempts.items():
        refused(attempt, ProtectedError, RestrictedError)
        assert not ledger.unrecorded(), name
    assert model._base_manager.filter(pk=row.pk).exists()


def copy_of(row):
    fields = {
        field.attname: getattr(row, field.attname)
        for field in row._meta.concrete_fields
        if not field.primary_key
    }
    return type(row)(**fields)


def many_to_many_fields():
    return [field for model in history.publishable_models() for field in model._meta.many_to_many]


@pytest.mark.parametrize(
    "field", many_to_many_fields(), ids=lambda field: f"{field.model.__name__}.{field.name}"
)
def test_links_are_changed_only_through_the_workflow_from_either_end(content, field):
    holder = field.model._base_manager.filter(**{f"{field.name}__isnull": False}).first()
    assert holder is not None, f"{field} links nothing in the fixtures: its writes are untried"
    links = getattr(holder, field.name)
    linked = links.first()
    target = field.related_model._base_manager.exclude(pk=linked.pk).first() or linked
    reverse = getattr(linked, field.remote_field.get_accessor_name())
    attempts = {
        "add": lambda: links.add(target),
        "remove": lambda: links.remove(linked),
        "set": lambda: links.set([]),
        "clear": lambda: links.clear(),
        "remove from the other end": lambda: reverse.remove(holder),
        "clear from the other end": lambda: reverse.clear(),
    }
    for name, attempt in attempts.items():
        try:
            refused(attempt)
        except pytest.fail.Exception as error:
            raise AssertionError(f"{name} was not refused") from error
        assert linked in getattr(holder, field.name).all(), name


# Every registered admin -----------------------------------------------------------------


def content_admins():
    models = set(guard.guarded())
    return [model_admin for model, model_admin in admin.site._registry.items() if model in models]


def another_value(form_field, value):
    """A different value the field accepts."""
    if isinstance(form_field, forms.BooleanField):
        return "" if value else "on"
    if isinstance(form_field, forms.TypedChoiceField | forms.ChoiceField):
        choices = [str(choice) for choice, _ in form_field.choices if str(choice) != str(value)]
        return choices[0]
    if isinstance(form_field, forms.IntegerField | forms.DecimalField):
        return str(int(decimal.Decimal(value or 0)) + 1)
    return f"{value} (changed in the list)"


@pytest.mark.parametrize(
    "model_admin",
    [model_admin for model_admin in content_admins() if model_admin.list_editable],
    ids=lambda model_admin: model_admin.model._meta.label_lower,
)
@pytest.mark.parametrize("role", ["editor", "publisher"])
def test_every_editable_column_of_every_list_goes_through_the_workflow(
    request, content, model_admin, role
):
    user = request.getfixturevalue(role)
    client = Client()
    client.force_login(user)
    model = model_admin.model
    listed = client.get(admin_url(model, "changelist"))
    data = changelist_form_data(listed)
    form = listed.context["cl"].formset.forms[0]
    item = form.instance
    live = history.describe(item)
    ledger = Ledger()
    for name in model_admin.list_editable:
        bound = form[name]
        data[bound.html_name] = another_value(form.fields[name], bound.value())

    client.post(admin_url(model, "changelist"), data)

    assert not ledger.unrecorded()
    item.refresh_from_db()
    assert Change.filter_item(item).exists(), "the list's change was not recorded"
    if role == "editor" and item.is_live:
        assert history.describe(item) == live, "an Editor's change reached the public"


@pytest.mark.parametrize(
    "model_admin", content_admins(), ids=lambda model_admin: model_admin.model._meta.label_lower
)
def test_every_action_of_every_list_goes_through_the_workflow_or_is_refused(
    rf, content, superuser, publisher, model_admin
):
    model = model_admin.model
    for user in (publisher, superuser):
        client = Client()
        client.force_login(user)
        listed = client.get(admin_url(model, "changelist"))
        get_request = rf.get("/")
        get_request.user = user
        for action in model_admin.get_actions(get_request):
            item = model._base_manager.order_by("-pk").first()
            ledger = Ledger()
            data = {
                "action": action,
                "_selected_action": [str(item.pk)],
                "index": "0",
                "post": "yes",
            }
            data.update(re.findall(r'name="(_version-\d+)" value="(\d+)"', listed.content.decode()))
            response = client.post(admin_url(model, "changelist"), data)
            assert response.status_code < 500, (action, response.status_code)
            assert not ledger.unrecorded(), action


# Every API route that writes --------------------------------------------------------


def api_write_routes():
    """Every named route of the URLconf whose view is an API view that accepts a write, as
    (name, view class, methods); a name's other patterns (format suffixes) are the same
    view."""
    found = {}

    def walk(patterns, namespace=""):
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                inner = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
                walk(pattern.url_patterns, inner)
            elif isinstance(pattern, URLPattern):
                view = pattern.callback
                actions = getattr(view, "actions", None) or {}
                writes = sorted(m for m in actions if m in ("post", "put", "patch", "delete"))
                if writes and pattern.name:
                    found[f"{namespace}{pattern.name}"] = (view.cls, writes)

    walk(get_resolver().url_patterns)
    return [(name, view, writes) for name, (view, writes) in found.items()]


def test_every_write_route_of_the_api_is_found():
    models = {view.queryset.model for _, view, _ in api_write_routes()}

    assert set(history.publishable_models()) <= models


@pytest.mark.parametrize(
    "name,view,methods",
    api_write_routes(),
    ids=lambda value: value if isinstance(value, str) else "",
)
@pytest.mark.parametrize("role", ["editor", "publisher"])
def test_every_api_write_goes_through_the_workflow(request, content, name, view, methods, role):
    user = request.getfixturevalue(role)
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Token {api_token_for(user)}")
    model = view.queryset.model
    item = model._base_manager.order_by("pk").first()
    detail = reverse(name.replace("-list", "-detail"), kwargs={"slug": item.slug})
    read = api.get(detail).json()
    for method in methods:
        ledger = Ledger()
        if method == "post":
            response = api.post(reverse(name), copy_to_create(read, item, view), format="json")
        elif method == "delete":
            response = api.delete(detail)
        else:
            text = next(key for key in TEXT_FIELDS if isinstance(read.get(key), str))
            body = {**read, text: f"{read[text]} (via the API)"}
            response = getattr(api, method)(detail, body, format="json")
        assert response.status_code < 500, (method, name, response.content[:500])
        assert not ledger.unrecorded(), (method, name, response.status_code)


#: Plain text fields a write may change, whichever the resource.
TEXT_FIELDS = ("summary", "description", "use", "notes", "title", "label")


def copy_to_create(read, item, view):
    """A new item's body made from an existing one's writable fields (a new item sent with
    read-only ones is refused): new slug and names."""
    fields = view.serializer_class().fields
    body = {key: value for key, value in read.items() if not fields[key].read_only}
    body.update(slug=f"{item.slug}-copy", status="draft")
    for unique in ("name", "title", "label"):
        if unique in body:
            body[unique] = f"{body[unique]} (copy)"
    if "iso_code" in body:
        body["iso_code"] = "ZZ"
    return body


# Every relation between content models ---------------------------------------------------


def content_relations():
    """Every field of a content model that links to another content model."""
    models = set(guard.guarded())
    return [
        field
        for model in history.publishable_models()
        for field in model._meta.get_fields()
        if field.is_relation
        and field.related_model in models
        and not getattr(field, "auto_created", False)
        and not field.related_model._meta.auto_created
    ]


@pytest.mark.parametrize(
    "field", content_relations(), ids=lambda field: f"{field.model.__name__}.{field.name}"
)
def test_deleting_a_linked_item_records_what_goes_with_it_or_is_refused(content, publisher, field):
    holder = field.model._base_manager.filter(**{f"{field.name}__isnull": False}).first()
    assert holder is not None, f"{field} links nothing in the fixtures: its deletion is untried"
    target = getattr(holder, field.name)
    target = target.first() if hasattr(target, "all") else target
    ledger = Ledger()

    refused(
        lambda: type(target)._base_manager.filter(pk=target.pk).delete(),
        ProtectedError,
        RestrictedError,
    )
    try:
        with transaction.atomic():
            workflow.delete(target, publisher)
    except (ProtectedError, RestrictedError, PermissionDenied):
        assert type(target)._base_manager.filter(pk=target.pk).exists()
    assert not ledger.unrecorded()


# Management commands and the one way around ---------------------------------------------


def test_a_script_in_the_shell_cannot_change_content(content):
    done = subprocess.run(
        [
            sys.executable,
            "manage.py",
            "shell",
            "-c",
            "from minerals.models import Mineral; Mineral.objects.update(name='Changed')",
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )

    assert done.returncode != 0
    assert "OutsideWorkflow" in done.stderr and "editorial workflow" in done.stderr


def test_fixtures_load_and_nothing_else_in_the_site_loads_past_the_workflow():
    users = sorted(
        str(path.relative_to(ROOT))
        for folder in APP_FOLDERS
        for path in (ROOT / folder).rglob("*.py")
        if re.search(r"\bloading\(\)", path.read_text()) and path.name != "guard.py"
    )

    assert users == [
        "publishing/management/commands/loaddata.py",
        "trustsite/management/commands/synthesize.py",
    ]


def test_loading_fixtures_over_content_stays_allowed(content):
    with arranged():
        Sector.objects.filter(slug="space").update(summary="Edited before the reload.")
    from django.core.management import call_command

    call_command("loaddata", "initiatives", verbosity=0)

    assert Sector.objects.get(slug="space").summary != "Edited before the reload."
