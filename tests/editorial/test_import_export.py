"""Bulk import and export in the admin: a preview first, then the editorial workflow per row."""

import csv
import io

import openpyxl
import pytest
from django.contrib.admin.models import LogEntry
from django.contrib.auth.models import Permission
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from reversion.models import Revision

from initiatives.models import Figure, Milestone
from minerals.models import Application, Mineral
from publishing.models import Change, Draft, Status
from tests.editorial.conftest import admin_url, open_change_form
from tests.factories import arranged

pytestmark = pytest.mark.django_db

FIGURE_COLUMNS = ["slug", "label", "value", "unit", "sector", "sources"]


def url(model, view):
    return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_{view}")


def csv_bytes(columns, rows):
    out = io.StringIO()
    writer = csv.DictWriter(out, columns)
    writer.writeheader()
    writer.writerows(rows)
    return out.getvalue().encode()


def format_choice(response, title):
    """The value the import or export form gives the format called ``title``."""
    choices = response.context["form"].fields["format"].choices
    return next(value for value, label in choices if str(label).lower() == title)


def preview(client, model, content, name="items.csv", file_format="csv"):
    """Upload a file to the import page, as an editor does, and return the preview."""
    page = client.get(url(model, "import"))
    assert page.status_code == 200
    return client.post(
        url(model, "import"),
        {
            "resource": "0",
            "format": format_choice(page, file_format),
            "import_file": SimpleUploadedFile(name, content),
        },
    )


def confirm(client, model, preview_response):
    """Post the confirmation form the preview rendered."""
    form = preview_response.context["confirm_form"]
    data = {name: form[name].value() for name in form.fields}
    return client.post(url(model, "process_import"), data, follow=True)


def export(client, model, file_format):
    page = client.get(url(model, "export"))
    assert page.status_code == 200
    form = page.context["form"]
    data = {name: "on" for name, field in form.fields.items() if field.initial is True}
    data.update(resource="0", format=format_choice(page, file_format))
    response = client.post(url(model, "export"), data)
    assert response.status_code == 200
    return response.content


def csv_rows(content):
    return list(csv.DictReader(io.StringIO(content.decode("utf-8-sig"))))


def counts():
    return {
        "figures": Figure.objects.count(),
        "minerals": Mineral.objects.count(),
        "changes": Change.objects.count(),
        "revisions": Revision.objects.count(),
        "drafts": Draft.objects.count(),
        "admin log entries": LogEntry.objects.count(),
    }


def messages_of(response):
    return [str(message) for message in response.context["messages"]]


@pytest.fixture
def mixed_figures_file(content):
    """A new figure, a change to a live one, and two rows the models refuse."""
    live = Figure.objects.get(slug="china-share-of-ree-production")
    return csv_bytes(
        FIGURE_COLUMNS,
        [
            {
                "slug": "lithium-import-share",
                "label": "Share of lithium imported",
                "value": "80",
                "unit": "percent",
                "sector": "critical-minerals",
                "sources": "trust-initiative-source-text",
            },
            {
                "slug": live.slug,
                "label": "China's share of world rare earth output",
                "value": live.value,
                "unit": live.unit,
                "sector": "critical-minerals",
                "sources": "trust-initiative-source-text",
            },
            {"slug": "impossible-share", "label": "Too much", "value": "170", "unit": "percent"},
            {
                "slug": "nowhere",
                "label": "Nowhere",
                "value": "3",
                "unit": "count",
                "sector": "atlantis",
            },
        ],
    )


def test_the_preview_lists_new_changed_and_rejected_rows_and_writes_nothing(
    editor_client, mixed_figures_file
):
    before = counts()

    response = preview(editor_client, Figure, mixed_figures_file)

    assert response.status_code == 200
    assert counts() == before
    assert not Figure.objects.filter(slug="lithium-import-share").exists()
    summary = response.context["import_summary"]
    assert (summary["new"], summary["waiting"], summary["rejected"]) == (1, 1, 2)
    body = response.content.decode()
    for words in (
        "New",
        "Changed",
        "Rejected",
        "value: A percentage cannot be above 100.",
        "sector: No sector has the slug “atlantis”.",
        "as unpublished changes",
        "Confirm import",
    ):
        assert words in body
    assert 'style="' not in body.split('id="content"')[1]


def test_a_confirmed_import_creates_drafts_and_records_who_imported_them(
    editor_client, mixed_figures_file
):
    response = confirm(editor_client, Figure, preview(editor_client, Figure, mixed_figures_file))

    assert response.status_code == 200
    figure = Figure.objects.get(slug="lithium-import-share")
    assert figure.status == Status.DRAFT
    assert [source.slug for source in figure.sources.all()] == ["trust-initiative-source-text"]
    change = Change.filter_item(figure).get()
    assert change.action == Change.Action.IMPORTED
    assert change.user.username == "edith"
    assert not Figure.objects.filter(slug__in=["impossible-share", "nowhere"]).exists()
    assert "Import finished: 1 new figure saved as a draft" in messages_of(response)[0]
    assert "2 rejected rows were not imported (rows 4, 5)." in messages_of(response)


def test_a_row_changing_a_live_item_waits_as_unpublished_changes(editor_client, mixed_figures_file):
    confirm(editor_client, Figure, preview(editor_client, Figure, mixed_figures_file))

    live = Figure.objects.get(slug="china-share-of-ree-production")
    assert live.label == "China's share of global REE production"
    assert live.status == Status.PUBLISHED
    public = Client().get("/figures/").content.decode()
    assert "world rare earth output" not in public
    draft = Draft.filter_item(live).get()
    assert draft.change.action == Change.Action.IMPORTED
    assert draft.change.user.username == "edith"
    assert [entry["field"] for entry in draft.change.changes] == ["label"]
    working = editor_client.get(admin_url(live, "change")).content.decode()
    assert "China&#x27;s share of world rare earth output" in working


def test_columns_left_out_of_the_file_keep_the_working_copys_values(editor_client, content):
    neodymium = Mineral.objects.get(slug="neodymium")
    data = open_change_form(editor_client, neodymium)
    data["summary"] = "An unpublished summary of neodymium."
    editor_client.post(admin_url(neodymium, "change"), data)
    file = csv_bytes(["slug", "name"], [{"slug": "neodymium", "name": "Neodymium metal"}])

    confirm(editor_client, Mineral, preview(editor_client, Mineral, file))

    snapshot = Draft.filter_item(neodymium).get().change.snapshot
    assert snapshot["name"][1] == "Neodymium metal"
    assert snapshot["summary"][1] == "An unpublished summary of neodymium."
    assert snapshot["symbol"][1] == neodymium.symbol


@pytest.mark.parametrize("role", ["editor_client", "publisher_client"])
def test_status_and_publication_times_are_never_imported(request, role, content):
    client = request.getfixturevalue(role)
    file = csv_bytes(
        ["slug", "name", "symbol", "group", "status", "go_live_at"],
        [
            {
                "slug": "hafnium",
                "name": "Hafnium",
                "symbol": "Hf",
                "group": "semiconductor",
                "status": "published",
                "go_live_at": "2030-01-01 00:00",
            }
        ],
    )

    confirm(client, Mineral, preview(client, Mineral, file))

    hafnium = Mineral.objects.get(slug="hafnium")
    assert hafnium.status == Status.DRAFT
    assert hafnium.go_live_at is None
    assert Change.filter_item(hafnium).get().status == Status.DRAFT


def test_the_preview_names_the_columns_it_leaves_aside(editor_client, content):
    file = csv_bytes(
        ["slug", "lable", "status", "unpublished_changes"],
        [{"slug": "lithium", "lable": "Typo", "status": "draft", "unpublished_changes": ""}],
    )

    response = preview(editor_client, Mineral, file)

    body = response.content.decode()
    assert "are left aside: <code>lable</code>. Check their spelling." in body
    assert "never imported: <code>status, unpublished_changes</code>" in body


def test_applications_and_milestones_link_to_other_items_by_slug(editor_client, content):
    applications = csv_bytes(
        ["slug", "mineral", "sector", "use"],
        [
            {
                "slug": "lithium-in-space",
                "mineral": "lithium",
                "sector": "space",
                "use": "Batteries for satellites.",
            }
        ],
    )
    milestones = csv_bytes(
        ["slug", "title", "year", "month", "precision", "expected", "countries", "initiative"],
        [
            {
                "slug": "joint-lithium-survey",
                "title": "Joint lithium survey",
                "year": "2027",
                "month": "3",
                "precision": "month",
                "expected": "yes",
                "countries": "india; united-states",
                "initiative": "trust",
            }
        ],
    )

    confirm(editor_client, Application, preview(editor_client, Application, applications))
    confirm(editor_client, Milestone, preview(editor_client, Milestone, milestones))

    application = Application.objects.get(slug="lithium-in-space")
    assert (application.mineral.slug, application.sector.slug) == ("lithium", "space")
    milestone = Milestone.objects.get(slug="joint-lithium-survey")
    assert milestone.expected and milestone.display_date
    assert sorted(country.slug for country in milestone.countries.all()) == [
        "india",
        "united-states",
    ]
    assert milestone.initiative.slug == "trust"
    assert {milestone.status, application.status} == {Status.DRAFT}


def test_confirming_the_same_preview_twice_imports_it_once(editor_client, mixed_figures_file):
    shown = preview(editor_client, Figure, mixed_figures_file)
    confirm(editor_client, Figure, shown)
    after_first = counts()

    response = confirm(editor_client, Figure, shown)

    assert response.status_code == 200
    assert "This preview was already imported" in " ".join(messages_of(response))
    assert counts() == after_first


def test_model_validation_and_unknown_links_reject_the_row_with_the_reason(editor_client, content):
    file = csv_bytes(
        ["slug", "name", "symbol", "group", "initiatives"],
        [
            {"slug": "badium", "name": "Badium", "symbol": "bD", "group": "other"},
            {
                "slug": "linkium",
                "name": "Linkium",
                "symbol": "Lk",
                "group": "other",
                "initiatives": "trust; no-such-initiative",
            },
            {"slug": "nulium", "name": "Nul\x00ium", "symbol": "Nu", "group": "other"},
        ],
    )

    response = preview(editor_client, Mineral, file)

    body = response.content.decode()
    assert "The row holds a NUL character, which nothing stores." in body
    assert "symbol: A chemical symbol is a capital letter and up to two small ones." in body
    assert "initiatives: No initiative has the slug “no-such-initiative”." in body
    assert response.context["import_summary"]["importable"] == 0
    assert "confirm_form" not in response.context


@pytest.mark.parametrize(
    "name, file_format, data, reason",
    [
        ("figures.xlsx", "xlsx", b"not a spreadsheet at all", "cannot be read as XLSX"),
        ("figures.csv", "csv", b"label,value\nA figure,3\n", "has no “slug” column"),
        ("figures.csv", "csv", b"\x89PNG\r\n\x1a\n\x00\xff\xfe binary", "not CSV text"),
        ("figures.csv", "csv", b"slug,label\n", "no rows to import"),
    ],
    ids=["xlsx-that-is-no-spreadsheet", "csv-without-slug", "binary-as-csv", "header-only"],
)
def test_a_file_that_cannot_be_imported_writes_nothing_and_says_why(
    editor_client, content, name, file_format, data, reason
):
    before = counts()

    response = preview(editor_client, Figure, data, name, file_format)

    assert response.status_code == 200
    assert reason in " ".join(response.context["form"].errors["import_file"])
    assert "confirm_form" not in response.context
    assert counts() == before


def test_an_xlsx_export_imports_back_and_its_edits_go_through_the_workflow(editor_client, content):
    exported = export(editor_client, Mineral, "xlsx")
    workbook = openpyxl.load_workbook(io.BytesIO(exported))
    sheet = workbook.active
    header = [cell.value for cell in sheet[1]]
    assert header[:3] == ["slug", "name", "symbol"] and "status" in header
    rows = {row[0].value: row for row in sheet.iter_rows(min_row=2)}
    assert len(rows) == Mineral.objects.count()
    rows["lithium"][header.index("summary")].value = "Lithium, as edited in a spreadsheet."
    edited = io.BytesIO()
    workbook.save(edited)

    response = preview(editor_client, Mineral, edited.getvalue(), "minerals.xlsx", "xlsx")

    summary = response.context["import_summary"]
    assert (summary["waiting"], summary["rejected"], summary["new"]) == (1, 0, 0)
    assert summary["unchanged"] == Mineral.objects.count() - 1
    confirm(editor_client, Mineral, response)
    lithium = Mineral.objects.get(slug="lithium")
    assert lithium.summary != "Lithium, as edited in a spreadsheet."
    snapshot = Draft.filter_item(lithium).get().change.snapshot
    assert snapshot["summary"][1] == "Lithium, as edited in a spreadsheet."
    assert Draft.objects.count() == 1


def test_an_export_shows_the_working_copy_and_says_it_has_unpublished_changes(
    editor_client, content
):
    lithium = Mineral.objects.get(slug="lithium")
    data = open_change_form(editor_client, lithium)
    data["summary"] = "Unpublished words about lithium."
    editor_client.post(admin_url(lithium, "change"), data)

    rows = {row["slug"]: row for row in csv_rows(export(editor_client, Mineral, "csv"))}

    assert rows["lithium"]["summary"] == "Unpublished words about lithium."
    assert rows["lithium"]["unpublished_changes"] == "yes"
    assert rows["lithium"]["status"] == "published"
    assert rows["neodymium"]["unpublished_changes"] == ""
    assert Mineral.objects.get(slug="lithium").summary == lithium.summary


FORMULAE = {
    "label": '=HYPERLINK("https://evil.example/","Click")',
    "notes": "+1",
    "qualifier": "@SUM(A1)",
    "period": "-2+3",
}


def test_an_export_neutralises_cells_a_spreadsheet_would_run_as_formulae(editor_client, content):
    with arranged():
        Figure.objects.filter(slug="china-share-of-ree-production").update(**FORMULAE)

    rows = {row["slug"]: row for row in csv_rows(export(editor_client, Figure, "csv"))}
    workbook = openpyxl.load_workbook(io.BytesIO(export(editor_client, Figure, "xlsx")))

    exported = rows["china-share-of-ree-production"]
    for column, value in FORMULAE.items():
        assert exported[column] == "'" + value
    cells = [cell for row in workbook.active.iter_rows() for cell in row]
    assert not [cell.coordinate for cell in cells if cell.data_type == "f"]
    assert any(str(cell.value).startswith("'=HYPERLINK(") for cell in cells)


def test_a_neutralised_export_imports_back_to_the_original_text(editor_client, content):
    with arranged():
        Figure.objects.filter(slug="china-share-of-ree-production").update(**FORMULAE)
    exported = export(editor_client, Figure, "csv")

    response = preview(editor_client, Figure, exported, "figures.csv", "csv")

    summary = response.context["import_summary"]
    assert summary["unchanged"] == Figure.objects.count()
    assert summary["importable"] == 0


def test_editors_and_publishers_may_import_and_export(editor_client, publisher_client, content):
    for client in (editor_client, publisher_client):
        for model in (Mineral, Application, Figure, Milestone):
            changelist = client.get(url(model, "changelist")).content.decode()
            assert url(model, "import") in changelist
            assert url(model, "export") in changelist
            assert client.get(url(model, "import")).status_code == 200
            assert client.get(url(model, "export")).status_code == 200


def test_importing_needs_the_add_and_change_permissions_and_exporting_view(
    django_user_model, content
):
    viewer = django_user_model.objects.create_user("vera", password="pw-12345", is_staff=True)
    viewer.user_permissions.set(
        Permission.objects.filter(codename__in=["view_figure", "change_figure"])
    )
    client = Client()
    client.force_login(viewer)

    assert client.get(url(Figure, "import")).status_code == 403
    assert client.post(url(Figure, "process_import"), {}).status_code == 403
    assert url(Figure, "import") not in client.get(url(Figure, "changelist")).content.decode()
    assert client.get(url(Figure, "export")).status_code == 200


def test_the_changelist_still_runs_its_workflow_actions(editor_client, content):
    file = csv_bytes(
        ["slug", "name", "symbol", "group"],
        [{"slug": "hafnium", "name": "Hafnium", "symbol": "Hf", "group": "semiconductor"}],
    )
    confirm(editor_client, Mineral, preview(editor_client, Mineral, file))
    hafnium = Mineral.objects.get(slug="hafnium")
    changelist = editor_client.get(url(Mineral, "changelist"))
    assert changelist.status_code == 200
    token = changelist.context["cl"].queryset.get(pk=hafnium.pk).latest_change

    response = editor_client.post(
        url(Mineral, "changelist"),
        {
            "action": "submit_for_review",
            "_selected_action": [hafnium.pk],
            f"_version-{hafnium.pk}": token,
        },
        follow=True,
    )

    assert response.status_code == 200
    hafnium.refresh_from_db()
    assert hafnium.status == Status.REVIEW


def edit_in_the_form(client, item, **fields):
    data = open_change_form(client, item)
    data.update(fields)
    response = client.post(admin_url(item, "change"), data)
    assert response.status_code == 302, response.context and response.context["errors"]


def export_and_edit(client, slug, **cells):
    exported = csv_rows(export(client, Mineral, "csv"))
    for row in exported:
        if row["slug"] == slug:
            row.update(cells)
    return csv_bytes(list(exported[0]), exported), exported


def test_a_file_exported_before_another_editors_change_is_merged_with_it(
    editor_client, second_editor, content
):
    upload, _ = export_and_edit(editor_client, "lithium", body="Edith's body, on the old export.")
    other = Client()
    other.force_login(second_editor)
    edit_in_the_form(other, Mineral.objects.get(slug="lithium"), summary="Eddie's lithium.")

    response = preview(editor_client, Mineral, upload)
    assert response.context["import_summary"]["waiting"] == 1
    confirm(editor_client, Mineral, response)

    working = Draft.filter_item(Mineral.objects.get(slug="lithium")).get().change.snapshot
    assert working["summary"][1] == "Eddie's lithium."
    assert working["body"][1] == "Edith's body, on the old export."


def test_a_row_changing_a_field_changed_since_the_export_is_refused_naming_it(
    editor_client, second_editor, content
):
    upload, exported = export_and_edit(editor_client, "lithium", summary="Edith's lithium.")
    other = Client()
    other.force_login(second_editor)
    edit_in_the_form(other, Mineral.objects.get(slug="lithium"), summary="Eddie's lithium.")

    response = preview(editor_client, Mineral, upload)

    rejected = response.context["import_summary"]["rejected_rows"]
    assert [row.number for row in rejected] == [
        next(number for number, row in enumerate(exported, start=2) if row["slug"] == "lithium")
    ]
    reasons = " ".join(rejected[0].reasons)
    assert "eddie" in reasons and "Summary" in reasons
    working = Draft.filter_item(Mineral.objects.get(slug="lithium")).get().change.snapshot
    assert working["summary"][1] == "Eddie's lithium."


def test_a_change_made_between_the_preview_and_its_confirmation_is_kept(
    editor_client, second_editor, content
):
    lithium = Mineral.objects.get(slug="lithium")
    upload = csv_bytes(
        ["slug", "summary"], [{"slug": "lithium", "summary": "Edith's imported summary."}]
    )
    response = preview(editor_client, Mineral, upload)
    assert response.context["import_summary"]["waiting"] == 1
    other = Client()
    other.force_login(second_editor)
    edit_in_the_form(other, lithium, body="Eddie's body, saved meanwhile.")

    confirm(editor_client, Mineral, response)

    working = Draft.filter_item(lithium).get().change.snapshot
    assert working["body"][1] == "Eddie's body, saved meanwhile."
    assert working["summary"][1] == "Edith's imported summary."


def test_a_field_changed_between_the_preview_and_its_confirmation_is_not_overwritten(
    editor_client, second_editor, content
):
    lithium = Mineral.objects.get(slug="lithium")
    upload = csv_bytes(
        ["slug", "summary"], [{"slug": "lithium", "summary": "Edith's imported summary."}]
    )
    response = preview(editor_client, Mineral, upload)
    other = Client()
    other.force_login(second_editor)
    edit_in_the_form(other, lithium, summary="Eddie's summary, saved meanwhile.")

    confirmed = confirm(editor_client, Mineral, response)

    working = Draft.filter_item(lithium).get().change.snapshot
    assert working["summary"][1] == "Eddie's summary, saved meanwhile."
    assert any("eddie" in message and "Summary" in message for message in messages_of(confirmed))


def test_importing_an_unchanged_export_of_text_typed_in_the_admin_changes_nothing(
    publisher_client, content
):
    lithium = Mineral.objects.get(slug="lithium")
    data = open_change_form(publisher_client, lithium)
    data["body"] = "First paragraph.\r\n\r\nSecond paragraph, typed in a browser."
    data["_publish"] = "Publish"
    publisher_client.post(admin_url(lithium, "change"), data)
    lithium.refresh_from_db()
    assert lithium.body == "First paragraph.\n\nSecond paragraph, typed in a browser."
    exported = export(publisher_client, Mineral, "csv")

    response = preview(publisher_client, Mineral, exported)

    summary = response.context["import_summary"]
    assert summary["unchanged"] == Mineral.objects.count()
    assert summary["changed"] == summary["waiting"] == 0
