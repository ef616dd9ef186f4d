"""The editors' admin: workflow buttons, unpublished changes, review, history and revert.

Every publishable model's admin derives from :class:`PublishableAdmin`. Its forms
and actions make their writes inside a :func:`publishing.workflow.edit`, which
decides what a save means (a draft, changes kept apart from the live version, a
publication) and refuses what the user's role does not allow. The admin site
adds the review dashboard.
"""

import copy
import datetime

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.contrib.admin.widgets import AdminSplitDateTime
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db.models import CharField, Exists, Max, OuterRef, Q, Subquery
from django.db.models.functions import Cast
from django.forms.models import BaseInlineFormSet
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.text import capfirst, slugify
from django.utils.translation import gettext, gettext_lazy, ngettext

from . import history, merging, workflow
from .inbox import DATED_GROUPS, SETTLING_ACTIONS, inbox_for
from .models import Change, Draft, Publishable, ShareLink, Status, can_publish, when
from .preview import preview_url
from .translation import (
    OUTDATED,
    STATUS_LABELS,
    Translated,
    field_statuses,
    item_status,
    translation_status,
)
from .workflow import Action, EditConflict, StaleEdit

#: The fields every publishable item shows in its "Publication" box.
PUBLICATION_FIELDS = ["status", "go_live_at", "expire_at", "created", "updated"]
SCHEDULE_FIELDS = ["go_live_at", "expire_at"]
#: The fields of every item's "Checked against sources" box.
FRESHNESS_FIELDS = ["last_checked", "next_check", "review_interval"]
#: How soon a check falls due for the list's "due soon" filter.
DUE_SOON = datetime.timedelta(days=30)
#: Which submit button asks for which workflow action ("Save draft" is _continue).
BUTTON_ACTIONS = (
    ("_publish", Action.PUBLISH),
    ("_unpublish", Action.UNPUBLISH),
    ("_submit", Action.SUBMIT),
)
SHARE_DURATIONS = {
    "1": gettext_lazy("one day"),
    "7": gettext_lazy("one week"),
    "30": gettext_lazy("30 days"),
}


def admin_url(item, view, *args):
    opts = item._meta
    return reverse(f"admin:{opts.app_label}_{opts.model_name}_{view}", args=[item.pk, *args])


def validator_limits(db_field):
    """The lowest and highest values the model field's validators accept (None: no limit)."""
    lowest = [v.limit_value for v in db_field.validators if isinstance(v, MinValueValidator)]
    highest = [v.limit_value for v in db_field.validators if isinstance(v, MaxValueValidator)]
    return (max(lowest) if lowest else None), (min(highest) if highest else None)


class BrowserLimitsMixin:
    """Number boxes stop the browser at the limits the server enforces (a year box that
    accepted 0 and then refused it on saving was a trap)."""

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        formfield = super().formfield_for_dbfield(db_field, request, **kwargs)
        if isinstance(formfield, forms.IntegerField | forms.DecimalField):
            lowest, highest = validator_limits(db_field)
            for attribute, limit in (("min", lowest), ("max", highest)):
                if limit is not None:
                    formfield.widget.attrs[attribute] = limit
                else:
                    formfield.widget.attrs.pop(attribute, None)
        return formfield


class PickerHelpMixin:
    """A two-pane picker (``filter_horizontal``) says how it works itself: Django's "Hold down
    Control…" help is for a plain multiple select and misleads beside it."""

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        formfield = super().formfield_for_manytomany(db_field, request, **kwargs)
        if formfield is not None and db_field.name in self.filter_horizontal:
            formfield.help_text = db_field.help_text
        return formfield


class ScheduleBoxNamesMixin:
    """Django's split date and time boxes say "Date:" and "Time:" as bare text, and the
    row's label points at neither: each box is named after its field, for screen readers."""

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        formfield = super().formfield_for_dbfield(db_field, request, **kwargs)
        if formfield is not None and isinstance(formfield.widget, AdminSplitDateTime):
            date_box, time_box = formfield.widget.widgets
            date_box.attrs["aria-label"] = f"{capfirst(db_field.verbose_name)}: date"
            time_box.attrs["aria-label"] = f"{capfirst(db_field.verbose_name)}: time"
        return formfield


class WorkStateFilter(admin.SimpleListFilter):
    """The work in progress on each item: changes waiting, in review, or sent back."""

    title = gettext_lazy("work in progress")
    parameter_name = "work"

    def lookups(self, request, model_admin):
        return [
            ("changes", gettext_lazy("Has unpublished changes")),
            ("review", gettext_lazy("In review")),
            ("sent_back", gettext_lazy("Sent back")),
        ]

    def queryset(self, request, queryset):
        if self.value() == "changes":
            return queryset.filter(has_draft=True)
        if self.value() == "review":
            return queryset.filter(Q(draft_in_review=True) | Q(status=Status.REVIEW))
        if self.value() == "sent_back":
            return queryset.filter(latest_decision=Change.Action.SENT_BACK)
        return queryset


class CheckDueFilter(admin.SimpleListFilter):
    """Items by when they are due to be checked against their sources again."""

    title = gettext_lazy("check against sources")
    parameter_name = "check"

    def lookups(self, request, model_admin):
        return [("overdue", gettext_lazy("Overdue")), ("soon", gettext_lazy("Due within 30 days"))]

    def queryset(self, request, queryset):
        now = timezone.now()
        if self.value() == "overdue":
            return queryset.overdue(now)
        if self.value() == "soon":
            return queryset.with_check_due().filter(due__lte=now + DUE_SOON)
        return queryset


class HindiTranslationFilter(admin.SimpleListFilter):
    """Items by the freshness of their Hindi: missing, outdated (the English changed since
    it was translated) or current, the least fresh field deciding."""

    title = gettext_lazy("Hindi translation")
    parameter_name = "hindi"

    def lookups(self, request, model_admin):
        return [(status, str(label).capitalize()) for status, label in STATUS_LABELS.items()]

    def queryset(self, request, queryset):
        if self.value() not in STATUS_LABELS:
            return queryset
        wanted = [
            item.pk for item in self.items(queryset) if translation_status(item) == self.value()
        ]
        return queryset.filter(pk__in=wanted)

    @staticmethod
    def items(queryset):
        model = queryset.model
        return model._base_manager.filter(pk__in=queryset.values("pk")).prefetch_related(
            *translated_parts(model)
        )


def translated_parts(model):
    """The lookups that prefetch an item's parts (an initiative's sections and their
    points), whose Hindi counts in the item's: without them each row would query them."""
    parts = []
    for name in getattr(model, "versioned_parts", ()):
        parts.append(name)
        part_model = model._meta.get_field(name).related_model
        parts += [f"{name}__{sub}" for sub in getattr(part_model, "versioned_parts", ())]
    return parts


class PublishableAdmin(
    BrowserLimitsMixin, PickerHelpMixin, ScheduleBoxNamesMixin, admin.ModelAdmin
):
    """What every editable public item shares: the workflow, its history, its review."""

    list_filter = ["status"]
    readonly_fields = ["status", "created", "updated", "last_checked", "next_check"]
    actions = ["submit_for_review", "publish", "unpublish", "mark_checked"]
    list_per_page = 50
    change_form_template = "admin/publishing/change_form.html"
    object_history_template = "admin/publishing/history.html"

    # Permissions ------------------------------------------------------------

    def has_publish_permission(self, request, obj=None):
        return can_publish(request.user, self.model)

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        """The review interval's help names its kind's default, which an empty box keeps."""
        formfield = super().formfield_for_dbfield(db_field, request, **kwargs)
        if formfield is not None and db_field.name == "review_interval":
            formfield.help_text = (
                "How many days after a check this item is due to be checked against its "
                f"sources again (1 to 3650). Empty: {self.model.review_days} days, the "
                f"default for {self.model._meta.verbose_name_plural}."
            )
        return formfield

    def get_readonly_fields(self, request, obj=None):
        fields = list(super().get_readonly_fields(request, obj))
        if not self.has_publish_permission(request):
            fields += [name for name in SCHEDULE_FIELDS if name not in fields]
        if self.is_translated and obj is not None:
            fields.append("hindi_translation")
        return fields

    @property
    def is_translated(self):
        return issubclass(self.model, Translated)

    def get_fieldsets(self, request, obj=None):
        """The item's own fields first, then a "Publication" box with its state and times
        (and, for translated items, a "Hindi translation" box with each field's freshness)."""
        hindi = (
            [("Hindi translation", {"fields": ["hindi_translation"]})]
            if self.is_translated and obj is not None
            else []
        )
        freshness = (
            "Checked against sources",
            {
                "fields": FRESHNESS_FIELDS,
                "description": "Use “Mark as checked against sources” above when you have "
                "checked this item against its sources. That is recorded in its history "
                "but is not a change the public sees.",
            },
        )
        if self.fieldsets:
            return [*super().get_fieldsets(request, obj), *hindi, freshness]
        fields = [
            name
            for name in self.get_fields(request, obj)
            if name not in [*PUBLICATION_FIELDS, *FRESHNESS_FIELDS, "hindi_translation"]
        ]
        return [
            *hindi,
            (None, {"fields": fields}),
            (
                "Publication",
                {
                    "fields": PUBLICATION_FIELDS,
                    "description": "Use the buttons below to save, submit or publish. "
                    "Only Publishers set the times.",
                },
            ),
            freshness,
        ]

    # The change list ----------------------------------------------------------

    def get_queryset(self, request):
        """Each row knows its latest recorded change (the version an action checks) and
        whether unpublished changes wait for it."""
        content_type = ContentType.objects.get_for_model(self.model)
        same_item = {
            "content_type": content_type,
            "object_id": Cast(OuterRef("pk"), CharField()),
        }
        return (
            super()
            .get_queryset(request)
            .prefetch_related(*(translated_parts(self.model) if self.is_translated else ()))
            .annotate(
                latest_change=Subquery(
                    Change.objects.filter(**same_item).order_by("-pk").values("pk")[:1]
                ),
                has_draft=Exists(Draft.objects.filter(**same_item)),
                draft_in_review=Exists(Draft.objects.filter(in_review=True, **same_item)),
                latest_decision=Subquery(
                    Change.objects.filter(
                        action__in=[Change.Action.SENT_BACK, *SETTLING_ACTIONS], **same_item
                    )
                    .order_by("-pk")
                    .values("action")[:1]
                ),
            )
        )

    def get_list_filter(self, request):
        translated = [HindiTranslationFilter] if self.is_translated else []
        return [*super().get_list_filter(request), WorkStateFilter, CheckDueFilter, *translated]

    @admin.display(description=gettext_lazy("next check due"))
    def next_check(self, item):
        """When the item is due to be checked against its sources, and whether it is late."""
        due = item.check_due
        if due is None:
            return "—"
        return gettext("%(due)s (overdue)") % {"due": when(due)} if item.is_overdue else when(due)

    def get_list_display(self, request):
        """Translated items show their Hindi's freshness beside their state (the column
        the "Hindi translation" filter filters by)."""
        columns = list(super().get_list_display(request))
        if self.is_translated and "hindi_state" not in columns:
            at = columns.index("state") + 1 if "state" in columns else len(columns)
            columns.insert(at, "hindi_state")
        return columns

    @admin.display(description=gettext_lazy("Hindi"))
    def hindi_state(self, item):
        """Missing, outdated or current: the least fresh of its fields (its parts' too)."""
        status = translation_status(item)
        return format_html('<span class="hindi-{}">{}</span>', status, STATUS_LABELS[status])

    @admin.display(description=gettext_lazy("Hindi translation"))
    def hindi_translation(self, item):
        """Each translated field's freshness; for an outdated one, the English change since
        its Hindi was made."""
        rows = []
        for obj, name, status in field_statuses(item):
            label = history.label_of(obj._meta.get_field(name))
            if obj is not item:
                label = f"{obj._meta.verbose_name.capitalize()} “{obj}”: {label}"
            diff = ""
            if status == OUTDATED:
                diff = format_html(
                    '<pre class="hindi-diff">{}</pre>', "\n".join(obj.outdating_change(name))
                )
            rows.append(
                format_html(
                    '<li class="hindi-{}">{}: <strong>{}</strong>{}</li>',
                    status,
                    label,
                    STATUS_LABELS[status],
                    diff,
                )
            )
        overall = STATUS_LABELS[item_status({status for _, _, status in field_statuses(item)})]
        return format_html(
            '<p class="hindi-status">{} <strong>{}</strong></p><ul>{}</ul>',
            gettext("Hindi:"),
            overall,
            format_html_join("", "{}", ((row,) for row in rows)),
        )

    @admin.display(description=gettext_lazy("State"), ordering="status")
    def state(self, item):
        words = item.publication_state
        if getattr(item, "latest_decision", None) == Change.Action.SENT_BACK:
            return gettext("%(state)s · sent back") % {"state": words}
        if getattr(item, "draft_in_review", False):
            return gettext("%(state)s · changes in review") % {"state": words}
        if getattr(item, "has_draft", False):
            return gettext("%(state)s · unpublished changes") % {"state": words}
        return words

    def action_checkbox(self, obj):
        """The row's checkbox, and the version the list showed, so an action can refuse
        items that changed after the list was loaded."""
        token = getattr(obj, "latest_change", None) or 0
        return format_html(
            '{}<input type="hidden" name="_version-{}" value="{}">',
            super().action_checkbox(obj),
            obj.pk,
            token,
        )

    @admin.action(
        description=gettext_lazy("Submit the selected items for review"), permissions=["change"]
    )
    def submit_for_review(self, request, queryset):
        self.run_workflow(request, queryset, Action.SUBMIT)

    @admin.action(
        description=gettext_lazy("Publish the selected items, with their changes"),
        permissions=["publish"],
    )
    def publish(self, request, queryset):
        self.run_workflow(request, queryset, Action.PUBLISH)

    @admin.action(description=gettext_lazy("Unpublish the selected items"), permissions=["publish"])
    def unpublish(self, request, queryset):
        self.run_workflow(request, queryset, Action.UNPUBLISH)

    @admin.action(
        description=gettext_lazy("Mark the selected items as checked against their sources"),
        permissions=["change"],
    )
    def mark_checked(self, request, queryset):
        """Recorded in each item's history; not a change the public sees (see
        :func:`publishing.workflow.mark_checked`)."""
        done = 0
        for item in queryset:
            workflow.mark_checked(item, request.user)
            done += 1
        self.message_user(
            request,
            ngettext(
                "%(count)d item marked as checked against its sources.",
                "%(count)d items marked as checked against their sources.",
                done,
            )
            % {"count": done},
            messages.INFO,
        )

    def run_workflow(self, request, queryset, action):
        done, refused = 0, []
        for item in queryset:
            try:
                with workflow.edit(self.model, item.pk, request.user, action) as session:
                    session.check(request.POST.get(f"_version-{item.pk}"))
                    session.saved(session.item)
            except StaleEdit as stale:
                refused.append(
                    gettext("%(stale)s Reload the list and try again.") % {"stale": stale}
                )
            except (PermissionDenied, ValidationError) as error:
                refused.append(f"“{item}”: {' '.join(getattr(error, 'messages', [str(error)]))}")
            else:
                done += session.outcome != "unchanged"
        if done:
            self.message_user(
                request,
                ngettext("%(count)d item: %(what)s.", "%(count)d items: %(what)s.", done)
                % {"count": done, "what": action_done(action)},
                messages.SUCCESS,
            )
        for reason in refused:
            self.message_user(request, reason, messages.ERROR)
        if not done and not refused:
            self.message_user(request, gettext("Nothing needed doing."), messages.INFO)

    # The change form ----------------------------------------------------------

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        """The form shows the item's working copy, read in memory with no transaction (a
        reader never holds a lock another editor waits on); a save runs inside an edit
        session, which puts the working copy in the rows for the form to write on."""
        try:
            pk = self.model._meta.pk.to_python(unquote(object_id)) if object_id else None
        except ValidationError:
            return super().changeform_view(request, object_id, form_url, extra_context)
        if request.method not in ("POST", "PUT"):
            context = {**(extra_context or {}), **self.reading_context(request, pk)}
            request.reads_working_copy = True
            return self._changeform_view(request, object_id, form_url, context)
        action = next((act for name, act in BUTTON_ACTIONS if name in request.POST), Action.SAVE)
        request.POST = conflicts_resolved(request.POST)
        try:
            with workflow.edit(self.model, pk, request.user, action) as session:
                request.editorial_session = session
                request.stale_edit = self.stale_edit(request, session)
                context = {**(extra_context or {}), **self.workflow_context(request, session)}
                response = self._changeform_view(request, object_id, form_url, context)
                if hasattr(response, "render"):
                    show_related_conflicts(response.context_data)
                    response.render()
        except EditConflict as conflict:
            return self.conflict_form(request, pk, object_id, form_url, extra_context, conflict)
        if session.outcome:
            session.merged_with += getattr(request, "related_kept", [])
            messages.success(request, session.message())
        self.save_related_items(request)
        return response

    def conflict_form(self, request, pk, object_id, form_url, extra_context, conflict):
        """The form again, showing the merge: what the other editor changed elsewhere is in
        it, and each field both changed holds the editor's value, with theirs beside it to
        choose. Nothing is saved; the next save builds on the version the form now shows."""
        with workflow.edit(self.model, pk, request.user) as session:
            request.editorial_session = session
            session.check(request.POST.get("_version"), merge=True)
            self._changeform_view(request, object_id, form_url, extra_context)
            session.show_merge()
            reading = copy.copy(request)
            reading.method = "GET"
            reading.reads_working_copy = False
            reading.keeps_posted_rows = True
            context = {
                **(extra_context or {}),
                **self.workflow_context(reading, session),
                "version_token": conflict.token,
                "stale": conflict,
            }
            response = self._changeform_view(reading, object_id, form_url, context)
            response.context_data["conflicts"] = conflict_choices(
                conflict, response.context_data, session.merging[2]
            )
            response.render()
        return response

    def get_formset_kwargs(self, request, obj, inline, prefix):
        """The merge screen shows related items' rows as the editor posted them: they are
        saved only with the item, so the rows hold nothing of what was typed in them."""
        kwargs = super().get_formset_kwargs(request, obj, inline, prefix)
        if getattr(request, "keeps_posted_rows", False) and issubclass(inline.model, Publishable):
            kwargs.update(data=request.POST, files=request.FILES)
        return kwargs

    def get_object(self, request, object_id, from_field=None):
        """The change form read outside an edit session shows the item's working copy."""
        item = super().get_object(request, object_id, from_field)
        if item is None or not getattr(request, "reads_working_copy", False):
            return item
        return history.working_copy(item)

    def stale_edit(self, request, session):
        """Whether the form's version is one the save cannot be merged with (otherwise the
        changes made since the form was opened are merged field by field on saving)."""
        try:
            session.check(request.POST.get("_version"), merge=True)
        except StaleEdit as stale:
            return stale
        return None

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change, **kwargs)
        stale = getattr(request, "stale_edit", None)
        if stale is None:
            return form

        class RefusedAsStale(form):
            def clean(self):
                super().clean()
                raise forms.ValidationError(str(stale), code="stale")

        return RefusedAsStale

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        session = getattr(request, "editorial_session", None)
        if session is not None:
            session.saved(form.instance)

    def message_user(self, request, message, level=messages.INFO, *args, **kwargs):
        """Inside an edit session the session says what happened, not Django's "changed"."""
        editing = getattr(request, "editorial_session", None) or getattr(
            request, "list_edit_outcomes", None
        )
        if editing and level == messages.SUCCESS:
            return
        super().message_user(request, message, level, *args, **kwargs)

    def workflow_context(self, request, session):
        posted_token = request.POST.get("_version") if request.method == "POST" else None
        return self.form_context(
            request,
            session.item,
            token=posted_token or session.token,
            current_token=session.token,
            is_live=session.was_live,
            has_draft=session.draft is not None,
        )

    def reading_context(self, request, pk):
        item = self.model._base_manager.filter(pk=pk).first() if pk is not None else None
        return self.form_context(
            request,
            item,
            token=history.version_token(item),
            current_token=history.version_token(item),
            is_live=item is not None and item.is_live,
            has_draft=item is not None and Draft.filter_item(item).exists(),
        )

    def form_context(self, request, item, *, token, current_token, is_live, has_draft):
        context = {
            "version_token": token,
            "stale": getattr(request, "stale_edit", None),
            "current_token": current_token,
            "can_publish": self.has_publish_permission(request),
            "is_live": is_live,
            "has_draft": has_draft,
        }
        if item is not None:
            context.update(
                editorial_state=workflow.state_in_words(item),
                sent_back=latest_sent_back(item),
                review_url=admin_url(item, "review"),
                preview_url=preview_url(item),
            )
        return context

    # Every other save (the change list's list_editable, an action) -----------------

    def save_model(self, request, obj, form, change):
        """A save outside the change form's edit session (the change list's editable
        columns) goes through an edit session of its own: the change applies to the working
        copy, is checked against the version the list showed, and is recorded."""
        if getattr(request, "editorial_session", None) is not None:
            return super().save_model(request, obj, form, change)
        with workflow.edit(self.model, obj.pk, request.user) as session:
            session.check(request.POST.get(f"_version-{obj.pk}"))
            working = session.item
            for name in form.changed_data:
                setattr(working, name, form.cleaned_data[name])
            working.full_clean(validate_unique=False, validate_constraints=False)
            working.save()
            session.saved(working)
        request.list_edit_outcomes = [*getattr(request, "list_edit_outcomes", []), session]
        obj.refresh_from_db()

    def changelist_view(self, request, extra_context=None):
        """The change list; its editable columns save through the workflow (see
        :meth:`save_model`), and a refusal leaves every row as it was, with the reason."""
        try:
            response = super().changelist_view(request, extra_context)
        except (StaleEdit, PermissionDenied, ValidationError) as refusal:
            reason = " ".join(getattr(refusal, "messages", [str(refusal)]))
            self.message_user(request, f"Nothing was saved. {reason}", messages.ERROR)
            return HttpResponseRedirect(request.get_full_path())
        for session in getattr(request, "list_edit_outcomes", []):
            if session.outcome not in (None, "unchanged"):
                messages.success(request, session.message())
        return response

    def save_formset(self, request, form, formset, change):
        """Rows of related items (not parts) are saved once this item's edit is done, each
        through an edit session of its own (see :meth:`save_related_items`)."""
        if not issubclass(formset.model, Publishable):
            return super().save_formset(request, form, formset, change)
        # What Django's change message reads of a saved formset.
        formset.new_objects, formset.changed_objects, formset.deleted_objects = [], [], []
        request.related_rows = [
            *getattr(request, "related_rows", []),
            *((formset, row) for row in formset.forms if row.has_changed()),
        ]
        request.related_kept = [
            *getattr(request, "related_kept", []),
            *(
                kept
                for row in formset.initial_forms
                if not row.has_changed() and hasattr(row.instance, "working_now")
                for kept in changes_kept(row)
            ),
        ]
        return None

    def save_related_items(self, request):
        """Each related item's row as an edit of that item, after this item's own edit has
        committed (an edit that changes nothing of this item keeps nothing of its own)."""
        for formset, row in getattr(request, "related_rows", []):
            if formset.can_delete and formset._should_delete_form(row):
                if row.instance.pk is not None:
                    workflow.delete(row.instance, request.user)
                    messages.info(request, f"“{row.instance}” is deleted.")
                continue
            self.save_related_item(request, formset, row)

    def save_related_item(self, request, formset, row):
        model = formset.model
        pk = row.instance.pk
        names = row.changed_data if pk is not None else list(row.cleaned_data)
        editable = {field.name: field for field in model._meta.get_fields() if field.editable}
        with workflow.edit(model, pk, request.user) as session:
            session.check(row.cleaned_data.get("version") or None, merge=True)
            item = session.item if pk is not None else model(status=Status.DRAFT)
            links = {}
            for name in names:
                field = editable.get(name)
                if field is None or field.primary_key or name == formset.fk.name:
                    continue
                if field.many_to_many:
                    links[name] = row.cleaned_data[name]
                else:
                    setattr(item, name, row.cleaned_data[name])
            setattr(item, formset.fk.name, formset.instance)
            if pk is None:
                item.slug = related_slug(item)
            item.full_clean(validate_constraints=False)
            item.save()
            for name, value in links.items():
                getattr(item, name).set(value)
            session.saved(item)
        messages.info(request, session.message())
        return session.item

    # Deleting ------------------------------------------------------------------

    def get_deleted_objects(self, objs, request):
        """What a deletion takes with it, and what stops it: protected links, and the items
        that link to it (see :func:`publishing.workflow.delete`)."""
        deleted, counts, perms_needed, protected = super().get_deleted_objects(objs, request)
        for obj in objs:
            protected += [
                f"{type(holder)._meta.verbose_name.capitalize()}: {holder}"
                for holder in workflow.linking_items(obj)
            ]
        return deleted, counts, perms_needed, protected

    def delete_view(self, request, object_id, extra_context=None):
        """The confirmation page reads only: Django's holds a transaction around it."""
        if request.method == "POST":
            return super().delete_view(request, object_id, extra_context)
        return self._delete_view(request, object_id, extra_context)

    def delete_model(self, request, obj):
        workflow.delete(obj, request.user)

    def delete_queryset(self, request, queryset):
        for item in queryset:
            workflow.delete(item, request.user)

    # History, review and sharing -------------------------------------------

    def get_urls(self):
        opts = self.model._meta
        name = f"{opts.app_label}_{opts.model_name}"
        wrap = self.admin_site.admin_view
        return [
            path("<path:object_id>/review/", wrap(self.review_view), name=f"{name}_review"),
            path(
                "<path:object_id>/history/<int:change_id>/revert/",
                wrap(self.revert_view),
                name=f"{name}_revert",
            ),
            path("<path:object_id>/share/", wrap(self.share_view), name=f"{name}_share"),
            path("<path:object_id>/checked/", wrap(self.checked_view), name=f"{name}_checked"),
            *super().get_urls(),
        ]

    def get_item(self, request, object_id):
        item = self.get_object(request, unquote(object_id))
        if item is None:
            raise Http404(f"No {self.model._meta.verbose_name} with the id {object_id!r}.")
        if not self.has_view_or_change_permission(request, item):
            raise PermissionDenied
        return item

    def checked_view(self, request, object_id):
        """The change form's "Mark as checked against sources" button (a POST)."""
        item = self.get_item(request, object_id)
        if request.method != "POST":
            return HttpResponseRedirect(admin_url(item, "change"))
        if not self.has_change_permission(request, item):
            raise PermissionDenied
        change = workflow.mark_checked(item, request.user)
        messages.info(
            request,
            gettext(
                "“%(item)s” is marked as checked against its sources (%(when)s). "
                "It is recorded in its history; the public sees no change."
            )
            % {"item": item, "when": when(change.date)},
        )
        return HttpResponseRedirect(admin_url(item, "change"))

    def history_view(self, request, object_id, extra_context=None):
        item = self.get_item(request, object_id)
        changes = list(Change.filter_item(item).select_related("revision__user")[:200])
        context = {
            **self.admin_site.each_context(request),
            "title": gettext("History: %(item)s") % {"item": item},
            "opts": self.model._meta,
            "module_name": capfirst(self.model._meta.verbose_name_plural),
            "object": item,
            "changes": changes,
            "can_revert": self.has_publish_permission(request),
            "latest": changes[0].pk if changes else None,
            **(extra_context or {}),
        }
        return TemplateResponse(request, self.object_history_template, context)

    def revert_view(self, request, object_id, change_id):
        item = self.get_item(request, object_id)
        change = get_object_or_404(Change.filter_item(item), pk=change_id)
        if not self.has_publish_permission(request):
            raise PermissionDenied(gettext("Only a Publisher may revert items."))
        if request.method == "POST":
            return self.revert_decision(request, item, change)
        version = history.WorkingCopy(change.revision, self.model, item.pk)
        context = {
            **self.admin_site.each_context(request),
            "title": gettext("Revert “%(item)s” to %(version)s?")
            % {"item": item, "version": workflow.version_name(change)},
            "opts": self.model._meta,
            "object": item,
            "change": change,
            "version_token": history.version_token(item),
            "differences": history.compare(
                history.describe(history.working_copy(item)),
                history.describe(version.item),
                skip=history.EDITORIAL_FIELDS,
            ),
            "missing": version.missing,
            "cannot_restore": version.cannot_restore,
        }
        return TemplateResponse(request, "admin/publishing/revert.html", context)

    def revert_decision(self, request, item, change):
        try:
            session = workflow.revert(item, change, request.user, request.POST.get("_version"))
        except StaleEdit as stale:
            messages.error(
                request,
                gettext("%(stale)s Look at the changes again before reverting.") % {"stale": stale},
            )
            return HttpResponseRedirect(admin_url(item, "revert", change.pk))
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
            return HttpResponseRedirect(admin_url(item, "history"))
        if session.outcome == "unchanged":
            messages.info(
                request,
                gettext("“%(item)s” already is %(version)s.")
                % {"item": item, "version": workflow.version_name(change)},
            )
        else:
            messages.success(
                request,
                gettext("“%(item)s” is back to %(version)s.")
                % {"item": item, "version": workflow.version_name(change)},
            )
        if session.dropped:
            messages.warning(
                request,
                gettext("Left out, because the items they link to were deleted since: %(links)s.")
                % {"links": "; ".join(str(link) for link in session.dropped)},
            )
        return HttpResponseRedirect(admin_url(item, "history"))

    def review_view(self, request, object_id):
        """One screen: what changes against the live version, then publish or send back."""
        item = self.get_item(request, object_id)
        if request.method == "POST":
            return self.review_decision(request, item)
        copy = history.WorkingCopy.of_draft(item)
        draft = Draft.filter_item(item).first() if copy is not None else None
        live = history.describe(item) if item.is_live else {}
        working = history.describe(copy.item) if copy is not None else history.describe(item)
        context = {
            **self.admin_site.each_context(request),
            "title": gettext("Review “%(item)s”") % {"item": item},
            "opts": self.model._meta,
            "object": item,
            # Who submitted it is said once, below the state.
            "state": workflow.state_in_words(item, names=False),
            "differences": history.compare(live, working),
            "is_live": item.is_live,
            "draft": draft,
            "submission": latest_submission(item),
            "sent_back": latest_sent_back(item),
            "version_token": history.version_token(item),
            "can_publish": self.has_publish_permission(request),
            "awaits_review": (draft is not None and draft.in_review)
            or item.status == Status.REVIEW,
            "preview_url": preview_url(item),
            "share_links": ShareLink.filter_item(item).filter(expires_at__gt=timezone.now()),
            "share_durations": SHARE_DURATIONS,
            "comments": Change.filter_item(item)
            .exclude(revision__comment="")
            .select_related("revision__user")[:20],
        }
        return TemplateResponse(request, "admin/publishing/review.html", context)

    def review_decision(self, request, item):
        try:
            if "_publish" in request.POST:
                with workflow.edit(self.model, item.pk, request.user, Action.PUBLISH) as session:
                    session.check(request.POST.get("_version"))
                    session.saved(session.item)
                messages.success(request, session.message())
            elif "_send_back" in request.POST:
                comment = request.POST.get("comment", "").strip()
                if not comment:
                    raise ValidationError(gettext("Say what needs changing: the comment is empty."))
                workflow.send_back(item, request.user, comment, request.POST.get("_version"))
                messages.success(
                    request, gettext("“%(item)s” is sent back to its editors.") % {"item": item}
                )
            elif "_discard" in request.POST:
                workflow.discard(item, request.user, request.POST.get("_version"))
                messages.success(
                    request,
                    gettext("The unpublished changes to “%(item)s” are discarded.")
                    % {"item": item},
                )
        except StaleEdit as stale:
            messages.error(
                request,
                gettext("%(stale)s Look at the changes again before deciding.") % {"stale": stale},
            )
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        return HttpResponseRedirect(admin_url(item, "review"))

    def share_view(self, request, object_id):
        item = self.get_item(request, object_id)
        if request.method != "POST":
            return HttpResponseRedirect(admin_url(item, "review"))
        if not self.has_publish_permission(request):
            raise PermissionDenied(gettext("Only a Publisher may share previews."))
        if preview_url(item) is None and "revoke" not in request.POST:
            messages.error(
                request,
                gettext(
                    "%(kinds)s have no page of their own on the site, so there is no preview "
                    "to share."
                )
                % {"kinds": capfirst(self.model._meta.verbose_name_plural)},
            )
            return HttpResponseRedirect(admin_url(item, "review"))
        if "revoke" in request.POST:
            ShareLink.filter_item(item).filter(pk=request.POST["revoke"]).delete()
            messages.success(request, gettext("The share link no longer works."))
        else:
            days = request.POST.get("days", "7")
            if days not in SHARE_DURATIONS:
                days = "7"
            link = ShareLink.objects.create(
                content_type=history.content_type_of(item),
                object_id=str(item.pk),
                created_by=request.user,
                expires_at=timezone.now() + datetime.timedelta(days=int(days)),
            )
            messages.success(
                request,
                format_html(
                    gettext("Anyone with this link can read the preview of “{}” until {}: {}"),
                    item,
                    when(link.expires_at),
                    request.build_absolute_uri(link.get_absolute_url()),
                ),
            )
        return HttpResponseRedirect(admin_url(item, "review"))


def show_related_conflicts(context):
    """A refused page shows the related items' rows both editors changed the same way
    round as the merge screen shows the item's own fields: both values, to choose."""
    refused = [
        found
        for inline in (context or {}).get("inline_admin_formsets", [])
        for found in getattr(inline.formset, "conflicts", [])
    ]
    if refused and not context.get("conflicts"):
        context["stale"] = " ".join(str(conflict) for conflict, _ in refused)
        context["conflicts"] = [entry for _, entries in refused for entry in entries]


def changes_kept(row):
    """What others changed in a related item's row the editor left alone, as the merge
    message names it: [(who, [labels])]."""
    item = row.instance.working_now
    prefix = f"{item._meta.verbose_name.capitalize()} “{item}”: "
    return [
        (
            change.user.get_username() if change.user else gettext("someone"),
            [f"{prefix}{entry['label']}" for entry in change.changes],
        )
        for change in history.changes_since(item, row.cleaned_data.get("version"))
        if change.changes
    ]


def conflicts_resolved(data):
    """The posted form with each conflicting field the editor resolved as "theirs" holding
    their value (sent beside it in ``_theirs-<field>``)."""
    if not any(key.startswith("_resolve-") for key in data):
        return data
    resolved = data.copy()
    for key in data:
        if key.startswith("_resolve-") and data[key] == "theirs":
            name = key.removeprefix("_resolve-")
            resolved.setlist(name, data.getlist(f"_theirs-{name}"))
    return resolved


def conflict_choices(conflict, context, theirs):
    """Each conflicting field with both values and, where the form has it, its input's name
    and the value to put in it for "theirs"."""
    form = context["adminform"].form
    inline_forms = [
        form for inline in context.get("inline_admin_formsets", []) for form in inline.formset.forms
    ]
    choices = []
    for entry in conflict.conflicts:
        path, _, name = entry["field"].rpartition(".")
        target = form
        if path:
            part_pk = path.rpartition("[")[2].rstrip("]")
            target = next(
                (f for f in inline_forms if f.instance.pk and str(f.instance.pk) == part_pk),
                None,
            )
        field_name = name if target is None or name in target.fields else f"{name}_text"
        bound = target[field_name] if target is not None and field_name in target.fields else None
        source = merging.find_copy(theirs, path)
        choices.append(
            {
                **entry,
                "input": bound.html_name if bound is not None else None,
                "theirs_values": theirs_form_values(theirs, source, name),
            }
        )
    return choices


def theirs_form_values(theirs, source, name):
    """Their value of a field as a form posts it: a text, a key, keys, or lines."""
    if source is None:
        return []
    field = source._meta.get_field(name)
    if field.many_to_many:
        return [str(pk) for pk in theirs.links[id(source)].get(name, ())]
    if not field.concrete:
        line_field = field.related_model.history_line
        return ["\n".join(getattr(line, line_field) for line in theirs.children[id(source)][name])]
    value = getattr(source, field.attname)
    return ["" if value is None else str(value)]


class PartsFormSet(BaseInlineFormSet):
    """An item's parts as its working copy holds them: built in memory when the form is
    read, so a live item's unpublished sections show without touching its rows."""

    def get_queryset(self):
        parts = getattr(self.instance, "_prefetched_objects_cache", {})
        accessor = self.fk.remote_field.get_accessor_name()
        if accessor in parts:
            return parts[accessor]
        return super().get_queryset()


class LinkedItemsInline(admin.TabularInline):
    """Related publishable items shown on another item's page, for reference only: each is
    its own item with its own review, added and edited on its own page (``fields`` are
    shown read-only, with a link to each)."""

    extra = 0
    show_change_link = True
    can_delete = False

    def get_readonly_fields(self, request, obj=None):
        return self.fields

    def has_add_permission(self, request, obj=None):
        return False


def related_slug(item):
    """A new related item's slug, made from what it links (a mineral's application in a
    sector: ``neodymium-in-defence``), unique among items of its kind."""
    words = " ".join(
        str(getattr(getattr(item, field.name), "slug", ""))
        for field in item._meta.concrete_fields
        if field.is_relation and getattr(item, field.attname) is not None
    )
    base = slugify(" in ".join(words.split())) or slugify(str(item)) or "item"
    slug, number = base[:110], 1
    while type(item)._base_manager.filter(slug=slug).exists():
        number += 1
        slug = f"{base[:110]}-{number}"
    return slug


class RelatedItemForm(forms.ModelForm):
    """A related item's row on another item's page, with the version it showed."""

    version = forms.CharField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.initial["version"] = history.version_token(self.instance)

    @property
    def changed_data(self):
        return [name for name in super().changed_data if name != "version"]


class RelatedItemsFormSet(BaseInlineFormSet):
    """Items of their own (not parts) edited on another item's page, saved through an edit
    session of their own each (see :meth:`PublishableAdmin.save_formset`).

    A row's initial values are the version of its item the page was opened at (the version
    its form carries), so a row the editor left alone never counts as their change, even if
    another editor changed that item since. A row both changed is merged field by field on
    saving; where both changed the same field it is refused, with both values (its
    :attr:`conflicts`) and what the editor typed kept in the form."""

    def get_queryset(self):
        if not hasattr(self, "_working_copies"):
            self._working_copies = [history.working_copy(item) for item in super().get_queryset()]
        return self._working_copies

    def opened_tokens(self):
        """The version each posted row was opened at, by the row's key."""
        if not hasattr(self, "_opened_tokens"):
            pk_name = self.model._meta.pk.name
            self._opened_tokens = {}
            for index in range(self.initial_form_count()):
                prefix = self.add_prefix(index)
                self._opened_tokens[str(self.data.get(f"{prefix}-{pk_name}"))] = (
                    self.data.get(f"{prefix}-version") or None
                )
        return self._opened_tokens

    def current_tokens(self):
        """Each posted row's item's version now, read in one query."""
        if not hasattr(self, "_current_tokens"):
            latest = (
                Change.objects.filter(
                    content_type=history.content_type_of(self.model),
                    object_id__in=list(self.opened_tokens()),
                )
                .values("object_id")
                .annotate(latest=Max("pk"))
            )
            self._current_tokens = {row["object_id"]: str(row["latest"]) for row in latest}
        return self._current_tokens

    def _existing_object(self, pk):
        """The row's item as the editor opened it, when it changed since (its working copy
        now kept as ``working_now``, to merge with)."""
        current = super()._existing_object(pk)
        if current is None or not self.is_bound:
            return current
        token = self.opened_tokens().get(str(pk))
        if token is None or token == self.current_tokens().get(str(pk), "0"):
            return current
        opened = workflow.opened_version(current, token)
        if opened is None:
            return current
        item = opened.item
        item._state.adding, item._state.db = False, current._state.db
        item.working_now = current
        return item

    def clean(self):
        super().clean()
        self.conflicts = []
        for form in self.initial_forms:
            if form.instance.pk is None or not form.has_changed():
                continue
            token = form.cleaned_data.get("version") or None
            current_token = self.current_tokens().get(str(form.instance.pk), "0")
            if token is None or token == current_token:
                continue
            current = getattr(form.instance, "working_now", None)
            if current is None:
                stale = StaleEdit(form.instance, history.changes_since(form.instance, token))
                form.add_error(None, f"{stale} Reload the page to see it.")
                continue
            result = row_merge(form, current)
            if result.conflicts:
                conflict = EditConflict(
                    current, history.changes_since(current, token), result, current_token
                )
                form.add_error(None, str(conflict))
                fields = row_fields(form)
                self.conflicts.append(
                    (
                        conflict,
                        [
                            {
                                **entry,
                                "input": form[entry["field"]].html_name,
                                "theirs_values": theirs_form_values_of(
                                    current, fields[entry["field"]]
                                ),
                            }
                            for entry in conflict.conflicts
                        ],
                    )
                )
                show_row_merge(form, current, result, current_token)


def row_fields(form):
    """The model fields a related item's row edits, by name."""
    names = {field.name: field for field in form.instance._meta.get_fields()}
    return {
        name: names[name]
        for name in form.fields
        if name in names and getattr(names[name], "editable", False)
    }


def row_value(obj, field, objects=None):
    """A row field's value, to compare (links as a set of keys) and as a person reads it."""
    if field.many_to_many:
        linked = list(objects if objects is not None else getattr(obj, field.name).all())
        return frozenset(link.pk for link in linked), ", ".join(str(link) for link in linked)
    return getattr(obj, field.attname), history.display(obj, field)


def row_merge(form, current):
    """The :class:`~publishing.merging.Merge` of a related item's row: the version it was
    opened at (the form's initial values), the item now, and the row as posted."""
    versions = {"base": {}, "theirs": {}, "mine": {}}
    prefix = f"{form.instance._meta.verbose_name.capitalize()} “{current}”: "
    for name, field in row_fields(form).items():
        label = f"{prefix}{history.label_of(field)}"
        initial = form.initial.get(name)
        if field.many_to_many:
            initial = frozenset(getattr(link, "pk", link) for link in initial or ())
        versions["base"][name] = merging.Field(name, label, initial, "")
        if name not in form.changed_data:
            # As the form cleans it, a field left alone may still read differently.
            mine = (initial, "")
        elif field.many_to_many:
            mine = row_value(form.instance, field, form.cleaned_data.get(name) or ())
        else:
            mine = row_value(form.instance, field)
        versions["mine"][name] = merging.Field(name, label, *mine)
        versions["theirs"][name] = merging.Field(name, label, *row_value(current, field))
    return merging.Merge(**versions)


def show_row_merge(form, current, result, current_token):
    """Put in the refused row what only the other editor changed, beside what this editor
    typed, and the version it now builds on (the next save merges nothing again)."""
    data = form.data.copy()
    fields = row_fields(form)
    for name in result.theirs_only:
        data.setlist(form[name].html_name, theirs_form_values_of(current, fields[name]))
    data[form["version"].html_name] = current_token
    form.data = data


def theirs_form_values_of(obj, field):
    if field.many_to_many:
        return [str(link.pk) for link in getattr(obj, field.name).all()]
    value = getattr(obj, field.attname)
    return ["" if value is None else str(value)]


class RelatedItemsInline(admin.StackedInline):
    """Related items of their own, added and edited on another item's page under the same
    workflow as on their own page: a new one starts as a draft, a change to a live one
    waits as unpublished changes for an Editor, and each is recorded in its own history."""

    form = RelatedItemForm
    formset = RelatedItemsFormSet
    extra = 0
    show_change_link = True
    readonly_fields = ["state"]

    def get_fields(self, request, obj=None):
        return [*super().get_fields(request, obj), "version"]

    @admin.display(description="State")
    def state(self, item):
        return workflow.state_in_words(item) if item.pk else gettext("New: saved as a draft")


def action_done(action):
    return {
        Action.SUBMIT: gettext("submitted for review"),
        Action.PUBLISH: gettext("published"),
        Action.UNPUBLISH: gettext("unpublished"),
    }[action]


def latest_of(item, action):
    return Change.filter_item(item).filter(action=action).select_related("revision__user").first()


def latest_submission(item):
    return latest_of(item, Change.Action.SUBMITTED)


def latest_sent_back(item):
    """The last "send back" comment, while nothing has settled it since (editors saving
    their changes in answer to it do not)."""
    latest = (
        Change.filter_item(item)
        .filter(action__in=[Change.Action.SENT_BACK, *SETTLING_ACTIONS])
        .select_related("revision__user")
        .first()
    )
    return latest if latest is not None and latest.action == Change.Action.SENT_BACK else None


class EditorialAdminSite(admin.AdminSite):
    """The admin with a dashboard of what awaits review and what is scheduled."""

    site_header = "trustsite editors"
    site_title = "trustsite editors"
    index_title = "Content"

    def get_urls(self):
        return [
            path("review/", self.admin_view(self.dashboard_view), name="review-dashboard"),
            *super().get_urls(),
        ]

    def dashboard_view(self, request):
        """The editors' inbox: every unfinished piece of work they may see, grouped."""
        work = inbox_for(request.user)
        context = {
            **self.each_context(request),
            "title": "Inbox: work in progress",
            "inbox": work,
            "sections": work.sections(),
            "dated_groups": DATED_GROUPS,
        }
        return TemplateResponse(request, "admin/publishing/dashboard.html", context)

    def index(self, request, extra_context=None):
        """The front page counts what awaits in the inbox, group by group."""
        work = inbox_for(request.user)
        return super().index(request, {"inbox": work, **(extra_context or {})})
