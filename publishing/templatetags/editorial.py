"""Times as people read them, with their zone named, in every template that shows one.

``{{ moment|when }}`` writes "2 Dec 2026, 14:05 IST" in the active zone: an editor's own
in the admin (:class:`publishing.middleware.EditorPreferencesMiddleware`), UTC on public
pages. The admin's forms use the other two: a read-only time names its zone, and a date
and time box says which zone it takes.
"""

import datetime

from django import forms, template
from django.core.exceptions import FieldDoesNotExist
from django.db import models
from django.utils import timezone

from publishing.models import when as when_in_words
from publishing.models import zone_name

register = template.Library()


@register.filter
def when(moment):
    """``moment`` with its zone named; nothing for no time (so ``|default:"—"`` works)."""
    if not isinstance(moment, datetime.datetime):
        return ""
    return when_in_words(moment)


@register.filter
def readonly_contents(field):
    """A read-only field of an admin form as Django shows it, except that a time names its
    zone (Django's own shows "Dec. 2, 2026, 2:05 p.m." in the editor's zone, unnamed)."""
    name = field.field["name"]
    instance = field.form.instance
    if isinstance(name, str) and not hasattr(field.model_admin, name):
        try:
            model_field = instance._meta.get_field(name)
        except FieldDoesNotExist:
            model_field = None
        if isinstance(model_field, models.DateTimeField):
            value = getattr(instance, model_field.attname)
            if value is not None:
                return when_in_words(value)
    return field.contents()


@register.filter
def takes_a_time(bound_field):
    """Whether an admin form's field is a box for a date and time."""
    widget = getattr(getattr(bound_field, "field", None), "widget", None)
    return isinstance(widget, forms.SplitDateTimeWidget | forms.DateTimeInput)


@register.simple_tag
def time_zone_note():
    """Which zone a date and time box takes, by the zone's name and abbreviations:
    "Asia/Kolkata (IST)", or "America/New York (EST or EDT)" for a zone that changes."""
    zone = timezone.get_current_timezone()
    now = timezone.localtime()
    names = [zone_name(now)]
    for month in (1, 7):
        seasonal = zone_name(now.replace(month=month, day=1))
        if seasonal not in names:
            names.append(seasonal)
    return f"Times are in your time zone, {str(zone).replace('_', ' ')} ({' or '.join(names)})."
