"""Line breaks stored as ``\\n`` in every text field of the content already stored (the
admin stored browsers' ``\\r\\n`` until the rule was made; see
``publishing.models.normalise_line_endings``), so an unchanged text never reads as a
change. In this app because it is the last content app: it reaches both apps' tables."""

from django.db import migrations, models

CONTENT_MODELS = {
    "initiatives": [
        "source",
        "sector",
        "country",
        "organization",
        "initiative",
        "section",
        "point",
        "milestone",
        "figure",
    ],
    "minerals": ["mineral", "application"],
}


def normalise(apps, schema_editor):
    for app_label, names in CONTENT_MODELS.items():
        for name in names:
            model = apps.get_model(app_label, name)
            text_fields = [
                field.attname
                for field in model._meta.concrete_fields
                if isinstance(field, models.CharField | models.TextField)
            ]
            for row in model._base_manager.only("pk", *text_fields).iterator():
                changed = {
                    field: value.replace("\r\n", "\n").replace("\r", "\n")
                    for field in text_fields
                    if "\r" in (value := getattr(row, field) or "")
                }
                if changed:
                    model._base_manager.filter(pk=row.pk).update(**changed)


class Migration(migrations.Migration):
    dependencies = [
        ("initiatives", "0005_guarded_base_managers"),
        ("minerals", "0005_guarded_base_managers"),
    ]

    operations = [migrations.RunPython(normalise, migrations.RunPython.noop)]
