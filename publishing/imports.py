"""Bulk import and export of publishable items in the admin (django-import-export).

An import goes through the editorial workflow row by row, exactly as a save in
the admin does: each row is one :func:`publishing.workflow.edit` by the importing
user, labelled "Imported". So a new item starts as a draft, a change to a draft
stays in its rows, and a change to a live item waits as unpublished changes until
a Publisher publishes it; every one of them is recorded in the item's history.
Only the columns the file has are written, onto the item's working copy: a column
left out of the file leaves that field as it is.

The file format, shared by every resource:

* ``slug`` identifies the row's item: a known slug changes that item, any other
  adds one. Rows are imported in the order of the file, so a row may link to an
  item that an earlier row adds.
* A link to another item is its slug. A cell of several links holds their slugs
  separated by semicolons (``ai; semiconductors``); an empty cell removes them all.
* ``status`` is exported but never imported, and the publication times are neither:
  publishing is a Publisher's decision, taken in the admin.
* ``version`` is the version of the item the export showed. A row whose item changed
  since is merged with those changes field by field, so it never silently undoes them;
  a row that changes a field someone else changed since is refused, naming it. The same
  holds for changes made between the preview and its confirmation (the preview remembers
  the version of each item it showed).
* Yes/no columns take ``1``/``0``, ``true``/``false`` or ``yes``/``no``.

Exports show what an editor sees in the change form: a live item's unpublished
changes, if it has any (the ``unpublished_changes`` column says so). Exporting the
live version instead would make a round trip silently undo those changes. Text that
a spreadsheet would run as a formula is exported with a leading apostrophe, which
an import takes off again.

This module knows no content app; each app declares its resources in its own
``resources.py``.
"""

import json
from collections import OrderedDict

from diff_match_patch import diff_match_patch
from django import forms
from django.contrib import messages
from django.core.exceptions import NON_FIELD_ERRORS, PermissionDenied, ValidationError
from django.db import models
from django.http import HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.encoding import force_str
from django.utils.html import format_html, format_html_join
from django.utils.text import capfirst
from django.utils.translation import ngettext
from import_export import fields, widgets
from import_export.admin import ImportExportMixin
from import_export.forms import ConfirmImportForm, ImportForm, SelectableFieldsExportForm
from import_export.resources import Diff, ModelResource
from import_export.results import RowResult

from . import history, workflow
from .downloads import FORMULA_ESCAPE, FORMULA_STARTS, neutralise_formula
from .models import Change, Draft, Status
from .workflow import Action, StaleEdit

#: Publication is a Publisher's decision: these fields are exported, never imported.
NEVER_IMPORTED = ("status", "go_live_at", "expire_at")
#: How the slugs of several linked items share one cell.
SLUG_SEPARATOR = ";"


def restore_escaped(value):
    """The text :func:`neutralise_formula` escaped, as it was before export."""
    if (
        isinstance(value, str)
        and value.startswith(FORMULA_ESCAPE)
        and value[1:].startswith((*FORMULA_STARTS, FORMULA_ESCAPE))
    ):
        return value[1:]
    return value


def cell_text(value):
    """A cell as text: spreadsheets give numbers for cells such as a slug "2030"."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


# Widgets ------------------------------------------------------------------------


class SlugForeignKeyWidget(widgets.ForeignKeyWidget):
    """A link to one item, written as its slug. An unknown slug rejects the row."""

    def __init__(self, model, **kwargs):
        super().__init__(model, field="slug", **kwargs)

    def get_queryset(self, value, row, *args, **kwargs):
        return self.model._base_manager.all()

    def clean(self, value, row=None, **kwargs):
        slug = cell_text(value)
        if not slug:
            return None
        found = self.get_queryset(slug, row).filter(slug=slug).first()
        if found is None:
            raise ValueError(f"No {self.model._meta.verbose_name} has the slug “{slug}”.")
        return found


class SlugListWidget(widgets.ManyToManyWidget):
    """Links to several items, written as their slugs separated by semicolons.

    A slug with a space in it is refused rather than guessed at, and so is an unknown
    slug: the error names it.
    """

    def __init__(self, model, **kwargs):
        super().__init__(model, separator=SLUG_SEPARATOR, field="slug", **kwargs)

    def clean(self, value, row=None, **kwargs):
        slugs = [slug.strip() for slug in cell_text(value).split(self.separator)]
        slugs = list(dict.fromkeys(slug for slug in slugs if slug))
        not_slugs = [slug for slug in slugs if any(char.isspace() for char in slug)]
        if not_slugs:
            raise ValueError(
                f"“{not_slugs[0]}” is not a slug: separate slugs with semicolons, "
                "as in “ai; semiconductors”."
            )
        found = {item.slug: item for item in self.model._base_manager.filter(slug__in=slugs)}
        unknown = [slug for slug in slugs if slug not in found]
        if unknown:
            options = self.model._meta
            raise ValueError(
                ngettext(
                    "No %(kind)s has the slug %(slugs)s.",
                    "No %(kinds)s have the slugs %(slugs)s.",
                    len(unknown),
                )
                % {
                    "kind": options.verbose_name,
                    "kinds": options.verbose_name_plural,
                    "slugs": ", ".join(f"“{slug}”" for slug in unknown),
                }
            )
        return [found[slug] for slug in slugs]

    def render(self, value, obj=None, **kwargs):
        if value is None:
            return ""
        return f"{self.separator} ".join(item.slug for item in value.order_by("slug"))


class YesNoWidget(widgets.BooleanWidget):
    """A yes/no cell. Anything it cannot read rejects the row instead of meaning "no"."""

    WORDS = {"1": True, "true": True, "yes": True, "0": False, "false": False, "no": False}

    def clean(self, value, row=None, **kwargs):
        if isinstance(value, bool):
            return value
        text = cell_text(value).lower()
        if not text:
            return None
        if text not in self.WORDS:
            raise ValueError(f"“{cell_text(value)}” is neither yes nor no: write 1 or 0.")
        return self.WORDS[text]


# The resource ------------------------------------------------------------------


class MarkedDiff(Diff):
    """Each cell's difference as the preview shows it: inserted and deleted text in
    ``<ins>`` and ``<del>``, styled by import-export's stylesheet rather than by ``style``
    attributes (which a strict Content-Security-Policy forbids)."""

    TAGS = {
        diff_match_patch.DIFF_INSERT: "ins",
        diff_match_patch.DIFF_DELETE: "del",
        diff_match_patch.DIFF_EQUAL: "span",
    }

    def as_html(self):
        differ = diff_match_patch()
        cells = []
        for old, new in zip(self.left, self.right, strict=False):
            if old != new and self.new:
                old = ""
            parts = differ.diff_main(force_str(old), force_str(new))
            differ.diff_cleanupSemantic(parts)
            cells.append(
                format_html_join(
                    "", "<{}>{}</{}>", ((self.TAGS[op], text, self.TAGS[op]) for op, text in parts)
                )
            )
        return cells


class RowRefused(Exception):
    """Leaves a row's edit session without keeping anything of it."""

    def __init__(self, row_result):
        super().__init__()
        self.row_result = row_result


#: What happened to a row, in the words of the import preview.
OUTCOMES = {
    "draft": "Saved as a draft.",
    "in review": "Changes the item awaiting review.",
    "unpublished changes": (
        "Changes the live item as unpublished changes: the public sees the live version "
        "until a Publisher publishes them."
    ),
    "unchanged": "Nothing to change.",
}


class WorkflowResource(ModelResource):
    """A resource whose imports go through the editorial workflow (see the module docstring).

    Subclasses name their model and, in ``fields``, their columns in order, ending with
    ``status`` and ``unpublished_changes`` (exported only).
    """

    unpublished_changes = fields.Field(column_name="unpublished_changes", readonly=True)
    version = fields.Field(column_name="version", readonly=True)

    class Meta:
        import_id_fields = ["slug"]
        clean_model_instances = True
        use_transactions = True
        report_skipped = True

    def __init__(self, seen_versions=None, **kwargs):
        super().__init__(**kwargs)
        self.session = None
        self.with_drafts = set()
        #: The version of each item (by slug) when the preview showed it.
        self.seen_versions = dict(seen_versions or {})

    @classmethod
    def get_diff_class(cls):
        return MarkedDiff

    # Columns ---------------------------------------------------------------

    @classmethod
    def field_from_django_field(cls, field_name, django_field, readonly):
        """Links as slugs, strict yes/no, text that is never None; publication read-only."""
        readonly = readonly or field_name in NEVER_IMPORTED
        if django_field.many_to_many:
            widget = SlugListWidget(django_field.related_model)
        elif django_field.is_relation:
            widget = SlugForeignKeyWidget(django_field.related_model)
        elif isinstance(django_field, models.BooleanField):
            widget = YesNoWidget()
        elif isinstance(django_field, models.CharField | models.TextField):
            widget = widgets.CharWidget(allow_blank=True)
        else:
            return super().field_from_django_field(field_name, django_field, readonly)
        return fields.Field(
            attribute=field_name,
            column_name=field_name,
            widget=widget,
            readonly=readonly,
            default=django_field.default,
        )

    def get_import_fields(self):
        """Only the columns an import writes (the preview and the import page list these)."""
        return [field for field in super().get_import_fields() if not field.readonly]

    # Export -------------------------------------------------------------------

    def before_export(self, queryset, **kwargs):
        super().before_export(queryset, **kwargs)
        self.with_drafts = set(
            Draft.objects.filter(
                content_type__app_label=self._meta.model._meta.app_label,
                content_type__model=self._meta.model._meta.model_name,
            ).values_list("object_id", flat=True)
        )

    def export_resource(self, instance, selected_fields=None, **kwargs):
        """The item's working copy: its unpublished changes, if it has any."""
        if str(instance.pk) in self.with_drafts:
            instance = history.working_copy(instance)
        return super().export_resource(instance, selected_fields, **kwargs)

    def export_field(self, field, instance, **kwargs):
        return neutralise_formula(super().export_field(field, instance, **kwargs))

    def dehydrate_unpublished_changes(self, item):
        return "yes" if str(item.pk) in self.with_drafts else ""

    def dehydrate_version(self, item):
        """The version the export shows (the admin's list annotates it; see
        :meth:`publishing.admin.PublishableAdmin.get_queryset`)."""
        latest = getattr(item, "latest_change", None)
        return str(latest) if latest is not None else history.version_token(item)

    # Import -------------------------------------------------------------------

    def before_import(self, dataset, **kwargs):
        """Column names as people type them: " Slug" is the slug column."""
        super().before_import(dataset, **kwargs)
        if dataset.headers:
            dataset.headers = [cell_text(header).lower() for header in dataset.headers]

    def after_import(self, dataset, result, **kwargs):
        """Name the file's columns that the import leaves aside, for the preview to say so:
        a misspelt column would otherwise look like a column with nothing to change."""
        super().after_import(dataset, result, **kwargs)
        imported = set(self.get_diff_headers())
        exported_only = {field.column_name for field in self.fields.values() if field.readonly}
        exported_only.update(NEVER_IMPORTED)
        left_aside = [header for header in dataset.headers or [] if header not in imported]
        result.exported_only_columns = [name for name in left_aside if name in exported_only]
        result.unknown_columns = [name for name in left_aside if name and name not in exported_only]
        result.seen_versions = self.seen_versions

    def import_row(self, row, instance_loader, **kwargs):
        """One row, as one edit of one item by the importing user."""
        row = self.readable_row(row)
        if any(isinstance(value, str) and "\x00" in value for value in row.values()):
            row_result = self.refused_row("The row holds a NUL character, which nothing stores.")
            self.describe_row(row_result, row, kwargs.get("row_number"))
            return row_result
        existing = self.get_instance(instance_loader, row)
        session = None
        try:
            with workflow.edit(
                self._meta.model,
                existing.pk if existing is not None else None,
                kwargs.get("user"),
                Action.SAVE,
                label=Change.Action.IMPORTED,
            ) as session:
                self.session = session
                self.check_version(session, row)
                row_result = super().import_row(row, instance_loader, **kwargs)
                if not row_result.is_valid():
                    raise RowRefused(row_result)
        except RowRefused as refused:
            row_result = refused.row_result
        except StaleEdit as stale:
            row_result = self.refused_row(
                f"{stale} Export the items again and make your changes on that file."
            )
        except (PermissionDenied, ValidationError) as error:
            row_result = self.refused_row(*getattr(error, "messages", [str(error)]))
        finally:
            self.session = None
        if row_result.is_valid():
            row_result.outcome = session.outcome
            if session.outcome == "unchanged":
                row_result.import_type = RowResult.IMPORT_TYPE_SKIP
        self.describe_row(row_result, row, kwargs.get("row_number"))
        return row_result

    def check_version(self, session, row):
        """Build on the version the file was exported at (its ``version`` column), or else
        the one the preview showed: changes made since are merged field by field, and a
        row that changes a field someone else changed since is refused, naming it."""
        if session.item is None:
            return
        slug = session.item.slug
        seen = cell_text(row.get("version")) or self.seen_versions.get(slug)
        session.check(seen, merge=True)
        self.seen_versions.setdefault(slug, session.token)

    def readable_row(self, row):
        """The cells as they were before export escaped them, and the slugs without the
        spaces a spreadsheet lets slip in around them (a slug never holds a space)."""
        row = OrderedDict((column, restore_escaped(value)) for column, value in row.items())
        for name in self.get_import_id_fields():
            column = self.fields[name].column_name
            if column in row:
                row[column] = cell_text(row[column])
        return row

    def refused_row(self, *reasons):
        row_result = self.get_row_result_class()()
        row_result.import_type = RowResult.IMPORT_TYPE_INVALID
        row_result.validation_error = ValidationError(list(reasons))
        return row_result

    def get_or_init_instance(self, instance_loader, row):
        """The item's working copy (its rows, inside the edit session), or a new draft.

        A copy of its own, as the admin's form and the API have: the session keeps its
        ``item`` as it was on entry, for the history's record of the version before.
        """
        if self.session is not None and self.session.item is not None:
            return self._meta.model._base_manager.get(pk=self.session.item.pk), False
        return self.init_instance(row), True

    def init_instance(self, row=None):
        return self._meta.model(status=Status.DRAFT)

    def import_field(self, field, instance, row, is_m2m=False, **kwargs):
        """A cell that cannot be read is a reason to reject the row, not an error."""
        try:
            super().import_field(field, instance, row, is_m2m, **kwargs)
        except (ArithmeticError, TypeError) as error:
            value = cell_text(row.get(field.column_name))
            if isinstance(field.widget, widgets.NumberWidget):
                raise ValueError(f"“{value}” is not a number.") from error
            raise ValueError(f"“{value}” cannot be read here.") from error

    def import_instance(self, instance, row, **kwargs):
        """Read every cell, links included, so that one rejection names every problem."""
        errors = {}
        try:
            super().import_instance(instance, row, **kwargs)
        except ValidationError as error:
            errors = error.update_error_dict(errors)
        for field in self.get_import_fields():
            if isinstance(field.widget, widgets.ManyToManyWidget) and field.column_name in row:
                try:
                    field.clean(row)
                except ValueError as error:
                    errors[field.attribute] = [str(error)]
        if errors:
            raise ValidationError(errors)

    def save_m2m(self, instance, row, **kwargs):
        super().save_m2m(instance, row, **kwargs)
        self.session.saved(instance)

    def describe_row(self, row_result, row, number):
        """What the preview shows of a row: its number as a spreadsheet counts rows (the
        header is row 1), what becomes of it and, for a rejected row, why."""
        row_result.number = number + 1 if number is not None else None
        row_result.reasons = []
        if row_result.validation_error is not None:
            error = row_result.validation_error
            messages_by_field = (
                error.message_dict if hasattr(error, "error_dict") else {None: error.messages}
            )
            for name, field_messages in messages_by_field.items():
                column = None if name in (None, NON_FIELD_ERRORS) else self.column_of(name)
                row_result.reasons += [
                    f"{column}: {message}" if column else message for message in field_messages
                ]
        for error in row_result.errors:
            row_result.reasons.append(str(error.error))
        if row_result.diff is None:
            row_result.diff = [cell_text(row.get(column)) for column in self.get_diff_headers()]
        row_result.what_happens = (
            "Rejected: not imported."
            if not row_result.is_valid()
            else OUTCOMES.get(getattr(row_result, "outcome", None), "")
        )

    def column_of(self, attribute):
        for field in self.fields.values():
            if field.attribute == attribute:
                return field.column_name
        return attribute


# The admin ------------------------------------------------------------------------


UPLOAD_HELP = "A CSV file (UTF-8) or an Excel workbook (XLSX, first sheet) with a header row."


class WorkflowImportForm(ImportForm):
    """The upload, refused with a reason when it cannot be imported at all: a file that is
    not of the chosen format, that is empty, or that lacks the slug column."""

    def __init__(self, formats, resources, **kwargs):
        super().__init__(formats, resources, **kwargs)
        self.formats = formats
        self.resources = resources
        self.fields["import_file"].help_text = UPLOAD_HELP

    def clean(self):
        cleaned_data = super().clean()
        upload = cleaned_data.get("import_file")
        if upload is None or not cleaned_data.get("format"):
            return cleaned_data
        file_format = self.formats[int(cleaned_data["format"])](encoding="utf-8-sig")
        title = file_format.get_title().upper()
        try:
            dataset = file_format.create_dataset(b"".join(upload.chunks()))
        except UnicodeDecodeError:
            self.add_error(
                "import_file",
                f"This file is not {title} text (it is not UTF-8). If it is a workbook, "
                "choose XLSX; otherwise save it from the spreadsheet as “CSV UTF-8”.",
            )
            return cleaned_data
        except Exception:  # every reader raises its own errors on a broken file
            self.add_error(
                "import_file",
                f"This file cannot be read as {title}. Check that it is a {title} file "
                "and that the format chosen below matches it.",
            )
            return cleaned_data
        finally:
            upload.seek(0)
        self.check_columns(dataset)
        return cleaned_data

    def check_columns(self, dataset):
        headers = [cell_text(header).lower() for header in dataset.headers or []]
        resource = self.resources[int(self.cleaned_data.get("resource") or 0)]()
        id_columns = [resource.fields[name].column_name for name in resource.get_import_id_fields()]
        if not any(headers):
            self.add_error("import_file", "This file is empty: it has no header row.")
            return
        missing = [column for column in id_columns if column not in headers]
        if missing:
            self.add_error(
                "import_file",
                f"This file has no “{missing[0]}” column. Every row needs the {missing[0]} "
                "of the item it adds or changes. The first row must name the columns.",
            )
        repeated = sorted({header for header in headers if header and headers.count(header) > 1})
        if repeated:
            self.add_error(
                "import_file",
                f"The column “{repeated[0]}” appears more than once; keep one of them.",
            )
        if not dataset.height:
            self.add_error("import_file", "This file has a header row but no rows to import.")


class CsvFirstExportForm(SelectableFieldsExportForm):
    """The export form, with CSV chosen: what most exports are for."""

    def __init__(self, formats, resources, **kwargs):
        super().__init__(formats, resources, **kwargs)
        titles = [str(title).lower() for _, title in self.fields["format"].choices]
        if "csv" in titles:
            self.fields["format"].initial = self.fields["format"].choices[titles.index("csv")][0]


class WorkflowConfirmImportForm(ConfirmImportForm):
    """The confirmation, with the version of each item the preview showed."""

    seen_versions = forms.CharField(widget=forms.HiddenInput(), required=False)

    def clean_seen_versions(self):
        try:
            versions = json.loads(self.cleaned_data["seen_versions"] or "{}")
        except ValueError:
            versions = None
        if not isinstance(versions, dict):
            raise forms.ValidationError("The preview's versions are unreadable: upload again.")
        return {str(slug): str(token) for slug, token in versions.items()}


class WorkflowImportExportMixin(ImportExportMixin):
    """Import and export for a publishable model's admin, through the editorial workflow.

    Beyond django-import-export's own flow: the upload is checked as a whole first (a
    form error, never a crash); the preview lists every row (new, changed, unchanged and
    rejected with the reasons), and the editor may confirm an import with rejected rows,
    which are then left out. Importing needs the add and change permissions.
    """

    import_form_class = WorkflowImportForm
    confirm_form_class = WorkflowConfirmImportForm
    export_form_class = CsvFirstExportForm
    import_template_name = "admin/import_export/workflow_import.html"

    def has_import_permission(self, request):
        return (
            super().has_import_permission(request)
            and self.has_add_permission(request)
            and self.has_change_permission(request)
        )

    def import_action(self, request, **kwargs):
        response = super().import_action(request, **kwargs)
        context = getattr(response, "context_data", None)
        if not isinstance(response, TemplateResponse) or context.get("result") is None:
            return response
        result = context["result"]
        summary = summarise(result)
        context["import_summary"] = summary
        if result.has_errors() or not summary["importable"]:
            context.pop("confirm_form", None)
        elif "confirm_form" not in context:
            context["confirm_form"] = self.create_confirm_form(request, import_form=context["form"])
        if "confirm_form" in context:
            context["confirm_form"].initial["seen_versions"] = json.dumps(
                getattr(result, "seen_versions", {})
            )
        return response

    def get_import_resource_kwargs(self, request, **kwargs):
        """The confirmation's resource checks each item against the preview's versions."""
        resource_kwargs = super().get_import_resource_kwargs(request, **kwargs)
        form = kwargs.get("form")
        if isinstance(form, WorkflowConfirmImportForm) and form.is_valid():
            resource_kwargs["seen_versions"] = form.cleaned_data["seen_versions"]
        return resource_kwargs

    def process_import(self, request, **kwargs):
        """The confirmed import. A preview confirmed a second time (from the browser's
        history) finds its file gone, since the first confirmation used it up: say so."""
        try:
            return super().process_import(request, **kwargs)
        except FileNotFoundError:
            messages.error(
                request,
                "This preview was already imported, or it has expired: nothing more was "
                "imported. To import the file again, upload it again.",
            )
            opts = self.model._meta
            return HttpResponseRedirect(
                reverse(f"{self.admin_site.name}:{opts.app_label}_{opts.model_name}_import")
            )

    def add_success_message(self, result, request):
        if result.has_errors():
            messages.error(request, "Nothing was imported: the file could not be imported.")
            return
        summary = summarise(result)
        opts = self.model._meta
        done = [
            ngettext(
                "%(count)d new %(kind)s saved as a draft",
                "%(count)d new %(kinds)s saved as drafts",
                summary["new"],
            )
            % {
                "count": summary["new"],
                "kind": opts.verbose_name,
                "kinds": opts.verbose_name_plural,
            }
        ]
        if summary["changed"]:
            done.append(
                ngettext("%(count)d item changed", "%(count)d items changed", summary["changed"])
                % {"count": summary["changed"]}
            )
        if summary["waiting"]:
            done.append(
                ngettext(
                    "%(count)d live item changed as unpublished changes awaiting a Publisher",
                    "%(count)d live items changed as unpublished changes awaiting a Publisher",
                    summary["waiting"],
                )
                % {"count": summary["waiting"]}
            )
        if summary["unchanged"]:
            done.append(f"{summary['unchanged']} unchanged")
        finished = f"Import finished: {', '.join(done)}."
        if summary["waiting_ids"]:
            site = self.admin_site.name
            changelist = reverse(f"{site}:{opts.app_label}_{opts.model_name}_changelist")
            ids = ",".join(str(pk) for pk in summary["waiting_ids"])
            finished = format_html(
                '{} <a href="{}?id__in={}">Show the items awaiting a Publisher</a> (they are '
                'also in the <a href="{}">inbox</a>).',
                finished,
                changelist,
                ids,
                reverse(f"{site}:review-dashboard"),
            )
        messages.success(request, finished)
        if summary["rejected"]:
            messages.warning(
                request,
                ngettext(
                    "%(count)d rejected row was not imported (row %(rows)s).",
                    "%(count)d rejected rows were not imported (rows %(rows)s).",
                    summary["rejected"],
                )
                % {
                    "count": summary["rejected"],
                    "rows": ", ".join(str(row.number) for row in summary["rejected_rows"]),
                },
            )
            for row in summary["rejected_rows"]:
                messages.warning(request, f"Row {row.number}: {' '.join(row.reasons)}")

    def get_import_context_data(self, **kwargs):
        context = super().get_import_context_data(**kwargs)
        context.update(
            slug_separator=SLUG_SEPARATOR,
            never_imported=", ".join(NEVER_IMPORTED),
            kinds=capfirst(self.model._meta.verbose_name_plural),
        )
        return context


def summarise(result):
    """How many rows of an import would be (or were) new, changed, unchanged or rejected.

    Changes to live items are counted apart ("waiting"): they reach the public only when
    a Publisher publishes them.
    """
    rows = list(result.rows)
    updates = [row for row in rows if row.import_type == RowResult.IMPORT_TYPE_UPDATE]
    waiting_rows = [
        row for row in updates if getattr(row, "outcome", None) == "unpublished changes"
    ]
    waiting = len(waiting_rows)
    rejected_rows = [row for row in rows if not row.is_valid()]
    new = sum(row.import_type == RowResult.IMPORT_TYPE_NEW for row in rows)
    return {
        "new": new,
        "changed": len(updates) - waiting,
        "waiting": waiting,
        "waiting_ids": [row.object_id for row in waiting_rows if row.object_id is not None],
        "unchanged": sum(row.import_type == RowResult.IMPORT_TYPE_SKIP for row in rows),
        "rejected": len(rejected_rows),
        "rejected_rows": rejected_rows,
        "importable": new + len(updates),
    }
