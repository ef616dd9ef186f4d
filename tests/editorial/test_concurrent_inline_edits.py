"""Two editors, one item with rows edited on its page (a mineral's applications, an
initiative's sections): a row counts as a field of its own. A row one editor changed and the
other left alone is merged with the other's changes, never refused nor undone; a row both
changed the same way round is shown side by side, with what the second editor typed kept.

Every inline of every content admin is covered: they are read from the admin registry, so
an inline added later is tested too."""

import pytest
from django import forms
from django.contrib import admin
from django.test import Client

from publishing.admin import LinkedItemsInline, PublishableAdmin
from tests.editorial.conftest import admin_url, change_form_data, field_data, logged_in

pytestmark = pytest.mark.django_db


def editable_inlines():
    """(admin, inline) for every inline whose rows are edited on the item's page."""
    found = []
    for model, model_admin in admin.site._registry.items():
        if not isinstance(model_admin, PublishableAdmin):
            continue
        for inline in model_admin.inlines:
            if not issubclass(inline, LinkedItemsInline):
                found.append(pytest.param(model, inline, id=f"{model.__name__}-{inline.__name__}"))
    return found


INLINES = editable_inlines()


def test_the_inlines_of_content_admins_are_found():
    names = {param.values[1].__name__ for param in INLINES}
    assert {"ApplicationInline", "SectionInline"} <= names


def item_with_rows(model, inline):
    """An item of ``model`` with at least one row in ``inline``."""
    link = inline.model._meta.get_field(
        next(
            field.name
            for field in inline.model._meta.concrete_fields
            if field.is_relation and field.related_model is model
        )
    )
    return model._base_manager.filter(
        pk__in=inline.model._base_manager.values(link.attname)
    ).first()


def opened(client, item):
    response = client.get(admin_url(item, "change"))
    assert response.status_code == 200
    return response


def row_text_field(response, inline):
    """The first row of ``inline`` on the page, and the input name of its first text box."""
    for inline_admin in response.context["inline_admin_formsets"]:
        if type(inline_admin.opts) is inline:
            row = inline_admin.formset.forms[0]
            name = next(
                name
                for name, field in row.fields.items()
                if type(field) is forms.CharField
                and not isinstance(field.widget, forms.HiddenInput)
                and name != "slug"
            )
            return row[name].html_name
    raise AssertionError(f"{inline.__name__} is not on the page")


def item_text_field(response):
    form = response.context["adminform"].form
    return "summary" if "summary" in form.fields else "name"


def shown_data(response):
    """What the browser would post back from a page re-shown after a refused save (its
    forms bound to what was posted: a date and time box holds its two parts)."""
    forms_on_page = [response.context["adminform"].form]
    for inline in response.context["inline_admin_formsets"]:
        forms_on_page += [inline.formset.management_form, *inline.formset.forms]
    data = {}
    for form in forms_on_page:
        for name, field in form.fields.items():
            bound = form[name]
            value = bound.value()
            if isinstance(field.widget, forms.MultiWidget) and isinstance(value, list):
                data.update({f"{bound.html_name}_{i}": part for i, part in enumerate(value)})
            else:
                data.update(field_data_of(form, name))
    data["_version"] = response.context["version_token"]
    return data


def field_data_of(form, name):
    class One(forms.Form):
        pass

    single = One(prefix=form.prefix, initial={name: form[name].value()})
    single.fields = {name: form.fields[name]}
    return field_data(single)


def values_on(client, item, *names):
    data = change_form_data(opened(client, item))
    return [data[name] for name in names]


@pytest.fixture
def two_editors(content, editor, publisher):
    return logged_in(Client, editor), logged_in(Client, publisher)


@pytest.mark.parametrize("model,inline", INLINES)
def test_a_row_changed_by_one_editor_merges_with_a_change_elsewhere_by_the_other(
    two_editors, model, inline
):
    first, second = two_editors
    item = item_with_rows(model, inline)
    first_page, second_page = opened(first, item), opened(second, item)
    row_input = row_text_field(first_page, inline)
    item_input = item_text_field(first_page)
    first_form, second_form = change_form_data(first_page), change_form_data(second_page)
    first_form[row_input] = "Edith's change to the row."
    assert first.post(admin_url(item, "change"), first_form).status_code == 302
    second_form[item_input] = "Paula's change to the item."

    saved = second.post(admin_url(item, "change"), second_form, follow=True)

    assert saved.redirect_chain, saved.context and [
        formset.errors for formset in saved.context["inline_admin_formsets"]
    ]
    assert "merged with edith&#x27;s change to" in saved.content.decode(), [
        str(m) for m in saved.context["messages"]
    ]
    assert values_on(second, item, item_input, row_input) == [
        "Paula's change to the item.",
        "Edith's change to the row.",
    ]
    saved_again = second.post(admin_url(item, "change"), change_form_data(opened(second, item)))
    assert saved_again.status_code == 302


@pytest.mark.parametrize("model,inline", INLINES)
def test_the_same_row_field_changed_both_ways_is_shown_side_by_side_keeping_what_was_typed(
    two_editors, model, inline
):
    first, second = two_editors
    item = item_with_rows(model, inline)
    first_page, second_page = opened(first, item), opened(second, item)
    row_input = row_text_field(first_page, inline)
    item_input = item_text_field(first_page)
    first_form, second_form = change_form_data(first_page), change_form_data(second_page)
    first_form[row_input] = "Edith's row."
    assert first.post(admin_url(item, "change"), first_form).status_code == 302
    second_form[row_input] = "Paula's row."
    second_form[item_input] = "Paula's change to the item."

    refused = second.post(admin_url(item, "change"), second_form)

    assert refused.status_code == 200
    [conflict] = refused.context["conflicts"]
    assert (conflict["theirs"], conflict["mine"]) == ("Edith's row.", "Paula's row.")
    assert conflict["input"] == row_input
    assert conflict["theirs_values"] == ["Edith's row."]
    assert "was changed after you opened it, by edith" in refused.content.decode()
    shown = shown_data(refused)
    assert shown[row_input] == "Paula's row.", "what the second editor typed stays"
    assert shown[item_input] == "Paula's change to the item."
    assert values_on(first, item, row_input) == ["Edith's row."], "nothing was saved"

    shown[f"_resolve-{row_input}"] = "mine"
    shown[f"_theirs-{row_input}"] = conflict["theirs_values"]
    saved = second.post(admin_url(item, "change"), shown)

    assert saved.status_code == 302, saved.context and saved.context.get("conflicts")
    assert values_on(second, item, item_input, row_input) == [
        "Paula's change to the item.",
        "Paula's row.",
    ]


def test_an_application_changed_by_both_in_different_fields_keeps_both(two_editors):
    from initiatives.models import Sector
    from minerals.models import Application, Mineral

    first, second = two_editors
    application = Application.objects.order_by("pk").first()
    mineral = Mineral.objects.get(pk=application.mineral_id)
    first_page, second_page = opened(first, mineral), opened(second, mineral)
    row = next(
        form
        for inline in first_page.context["inline_admin_formsets"]
        for form in inline.formset.forms
        if form.instance.pk == application.pk
    )
    free_sector = (
        Sector.objects.exclude(pk__in=mineral.applications.values("sector")).order_by("pk").first()
    )
    first_form, second_form = change_form_data(first_page), change_form_data(second_page)
    first_form[row["use"].html_name] = "Edith's use."
    assert first.post(admin_url(mineral, "change"), first_form).status_code == 302
    second_form[row["sector"].html_name] = str(free_sector.pk)

    saved = second.post(admin_url(mineral, "change"), second_form, follow=True)

    assert saved.redirect_chain, saved.context and saved.context.get("conflicts")
    assert "merged with edith&#x27;s change to Use" in saved.content.decode()
    assert values_on(second, mineral, row["use"].html_name, row["sector"].html_name) == [
        "Edith's use.",
        str(free_sector.pk),
    ]


@pytest.mark.parametrize("model,inline", INLINES)
def test_a_conflict_in_the_item_keeps_what_was_typed_in_its_rows(two_editors, model, inline):
    first, second = two_editors
    item = item_with_rows(model, inline)
    first_page, second_page = opened(first, item), opened(second, item)
    row_input = row_text_field(first_page, inline)
    item_input = item_text_field(first_page)
    first_form, second_form = change_form_data(first_page), change_form_data(second_page)
    first_form[item_input] = "Edith's change to the item."
    assert first.post(admin_url(item, "change"), first_form).status_code == 302
    second_form[item_input] = "Paula's change to the item."
    second_form[row_input] = "Paula's row."

    refused = second.post(admin_url(item, "change"), second_form)

    assert refused.status_code == 200
    [conflict] = refused.context["conflicts"]
    assert (conflict["theirs"], conflict["mine"]) == (
        "Edith's change to the item.",
        "Paula's change to the item.",
    )
    shown = shown_data(refused)
    assert shown[row_input] == "Paula's row.", "what the second editor typed in the row stays"
    assert shown[item_input] == "Paula's change to the item."

    shown[f"_resolve-{item_input}"] = "mine"
    saved = second.post(admin_url(item, "change"), shown)

    assert saved.status_code == 302, saved.context and saved.context.get("conflicts")
    assert values_on(first, item, item_input, row_input) == [
        "Paula's change to the item.",
        "Paula's row.",
    ]
