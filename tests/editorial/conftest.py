"""Editors and Publishers, as the roles' data migration makes them, and the admin forms they use."""

import re

import pytest
from django import forms
from django.contrib.auth.models import Group
from django.urls import reverse

from publishing.roles import EDITOR, PUBLISHER


def member_of(django_user_model, username, *groups):
    user = django_user_model.objects.create_user(username, password="pw-12345", is_staff=True)
    user.groups.set(Group.objects.filter(name__in=groups))
    return user


@pytest.fixture
def editor(db, django_user_model):
    return member_of(django_user_model, "edith", EDITOR)


@pytest.fixture
def second_editor(db, django_user_model):
    return member_of(django_user_model, "eddie", EDITOR)


@pytest.fixture
def publisher(db, django_user_model):
    return member_of(django_user_model, "paula", PUBLISHER)


def logged_in(client_class, user):
    client = client_class()
    client.force_login(user)
    return client


@pytest.fixture
def editor_client(editor, client):
    client.force_login(editor)
    return client


@pytest.fixture
def publisher_client(publisher, django_user_model):
    from django.test import Client

    return logged_in(Client, publisher)


def admin_url(item_or_model, view, *args):
    opts = item_or_model._meta
    if view in ("changelist", "add"):
        return reverse(f"admin:{opts.app_label}_{opts.model_name}_{view}")
    return reverse(
        f"admin:{opts.app_label}_{opts.model_name}_{view}", args=[item_or_model.pk, *args]
    )


def field_data(form):
    """What the browser would send back for ``form`` as it was rendered."""
    data = {}
    for name, field in form.fields.items():
        bound = form[name]
        value = bound.value()
        if isinstance(field, forms.BooleanField):
            if value:
                data[bound.html_name] = "on"
        elif isinstance(field.widget, forms.MultiWidget):
            parts = field.widget.decompress(value)
            for index, part in enumerate(parts):
                data[f"{bound.html_name}_{index}"] = "" if part is None else str(part)
        elif isinstance(value, list | tuple):
            data[bound.html_name] = [str(item) for item in value]
        else:
            data[bound.html_name] = "" if value is None else str(value)
    return data


def change_form_data(response):
    """Everything the admin's change (or add) form would post back unchanged, with the
    version the page was opened at."""
    context = response.context
    data = field_data(context["adminform"].form)
    for inline in context["inline_admin_formsets"]:
        formset = inline.formset
        data.update(field_data(formset.management_form))
        for form in formset.forms:
            data.update(field_data(form))
    data["_version"] = context["version_token"]
    return data


def open_change_form(client, item):
    response = client.get(admin_url(item, "change"))
    assert response.status_code == 200
    return change_form_data(response)


def changelist_form_data(response):
    """What the change list's form would post back unchanged: its editable columns, and the
    version of each row the list showed."""
    formset = response.context["cl"].formset
    data = field_data(formset.management_form)
    for form in formset.forms:
        data.update(field_data(form))
    page = response.content.decode()
    data.update(re.findall(r'name="(_version-\d+)" value="(\d+)"', page))
    data["_save"] = "Save"
    return data


def row_prefix(response, item):
    """The form prefix of ``item``'s row in the change list's editable columns."""
    for form in response.context["cl"].formset.forms:
        if form.instance.pk == item.pk:
            return form.prefix
    raise AssertionError(f"{item} is not on this page of the list")
