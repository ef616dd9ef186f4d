"""Every field an editor fills says what it wants, and the browser's limits are the server's."""

import re

import pytest
from django import forms

from publishing.admin import validator_limits
from publishing.history import publishable_models
from tests.editorial.conftest import admin_url

pytestmark = pytest.mark.django_db

PUBLISHABLE = sorted(publishable_models(), key=lambda model: model._meta.label)


def rendered_forms(response):
    context = response.context
    yield context["adminform"].form
    for inline in context["inline_admin_formsets"]:
        yield inline.formset.empty_form


@pytest.mark.parametrize("model", PUBLISHABLE, ids=lambda model: model._meta.label)
def test_every_field_an_editor_fills_has_help(publisher_client, model):
    response = publisher_client.get(admin_url(model, "add"))

    missing = [
        f"{form.prefix or 'form'}.{name}"
        for form in rendered_forms(response)
        for name, field in form.fields.items()
        if not field.widget.is_hidden and name not in ("id", "DELETE") and not field.help_text
    ]
    assert not missing, f"fields without help: {missing}"


@pytest.mark.parametrize("model", PUBLISHABLE, ids=lambda model: model._meta.label)
def test_number_boxes_stop_where_the_server_does(publisher_client, model):
    response = publisher_client.get(admin_url(model, "add"))
    html = response.content.decode()

    for form in rendered_forms(response):
        model_of_form = form._meta.model
        for name, field in form.fields.items():
            if not isinstance(field, forms.IntegerField | forms.DecimalField):
                continue
            lowest, highest = validator_limits(model_of_form._meta.get_field(name))
            html_name = form[name].html_name
            tag = re.search(rf'<input[^>]*name="{re.escape(html_name)}"[^>]*>', html)
            assert tag, html_name
            shown = dict(re.findall(r'(min|max)="([^"]*)"', tag.group(0)))
            assert shown.get("min") == (None if lowest is None else str(lowest)), html_name
            assert shown.get("max") == (None if highest is None else str(highest)), html_name


def test_the_year_box_no_longer_accepts_zero(publisher_client):
    from initiatives.models import Milestone

    html = publisher_client.get(admin_url(Milestone, "add")).content.decode()
    year = re.search(r'<input[^>]*name="year"[^>]*>', html).group(0)

    assert 'min="1900"' in year and 'max="2100"' in year
