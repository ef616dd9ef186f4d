"""The admin is the editors' tool: every page opens, search finds, bad input is a form error."""

import pytest
from django.contrib import admin
from django.urls import reverse

from initiatives.models import Figure, Milestone, Sector
from tests.factories import arranged

pytestmark = pytest.mark.django_db


def content_models_in_admin():
    models = [m for m in admin.site._registry if m._meta.app_label in {"initiatives", "minerals"}]
    return sorted(models, key=lambda model: model._meta.label)


def admin_url(model, view, *args):
    return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_{view}", args=args)


@pytest.mark.parametrize("model", content_models_in_admin(), ids=lambda m: m._meta.label)
def test_every_admin_changelist_add_and_change_page_opens(admin_client, content, model):
    assert admin_client.get(admin_url(model, "changelist")).status_code == 200
    assert admin_client.get(admin_url(model, "add")).status_code == 200
    item = model.objects.first()
    assert item is not None, f"the fixtures hold no {model._meta.verbose_name}"
    assert admin_client.get(admin_url(model, "change", item.pk)).status_code == 200


@pytest.mark.parametrize(
    "model, query, expected",
    [
        ("minerals.Mineral", "neodym", "Neodymium"),
        ("initiatives.Initiative", "INDUS", "INDUS-X Initiative"),
        ("initiatives.Sector", "quantum", "Quantum Technology"),
        ("initiatives.Figure", "phosphorus", "India&#x27;s phosphorus imports"),
        ("minerals.Application", "scandium", "Used in space technology"),
    ],
)
def test_changelist_search_finds_an_item_by_name(admin_client, content, model, query, expected):
    app_label, model_name = model.split(".")
    url = reverse(f"admin:{app_label}_{model_name.lower()}_changelist")
    response = admin_client.get(url, {"q": query})
    assert response.status_code == 200
    assert expected in response.content.decode()
    assert response.context["cl"].result_count >= 1


def test_a_percentage_above_100_is_a_form_error_not_a_crash(admin_client, content):
    figure = Figure.objects.get(slug="china-share-of-ree-production")
    response = admin_client.post(
        admin_url(Figure, "change", figure.pk),
        {
            "label": figure.label,
            "slug": figure.slug,
            "status": "published",
            "value": "170",
            "unit": "percent",
            "qualifier": "nearly",
            "period": "",
            "notes": "",
            "position": 1,
            "sources": [s.pk for s in figure.sources.all()],
        },
    )
    assert response.status_code == 200
    assert "A percentage cannot be above 100." in response.content.decode()
    figure.refresh_from_db()
    assert figure.value == 70


def test_a_duplicate_slug_is_a_form_error(admin_client, content):
    response = admin_client.post(
        admin_url(Sector, "add"), {"name": "Another AI", "slug": "artificial-intelligence"}
    )
    assert response.status_code == 200
    assert "Sector with this Slug already exists." in response.content.decode()
    assert Sector.objects.filter(name="Another AI").count() == 0


def test_a_day_precision_milestone_without_a_day_is_a_form_error(admin_client, content):
    response = admin_client.post(
        admin_url(Milestone, "add"),
        {
            "title": "A launch",
            "slug": "a-launch",
            "status": "draft",
            "year": "2024",
            "month": "3",
            "day": "",
            "precision": "day",
        },
    )
    assert response.status_code == 200
    assert "A day-precision date needs a day." in response.content.decode()
    assert not Milestone.objects.filter(slug="a-launch").exists()


def test_publish_action_publishes_drafts(admin_client, content):
    with arranged():
        Sector.objects.filter(slug="space").update(status="draft")
    space = Sector.objects.get(slug="space")
    response = admin_client.post(
        admin_url(Sector, "changelist"),
        {"action": "publish", "_selected_action": [space.pk]},
        follow=True,
    )
    assert response.status_code == 200
    space.refresh_from_db()
    assert space.status == "published"
