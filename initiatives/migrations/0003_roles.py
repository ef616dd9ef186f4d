"""Give the Editor and Publisher groups their permissions on this app's models."""

from django.db import migrations

from publishing.roles import grant

forwards, backwards = grant("initiatives")


class Migration(migrations.Migration):
    dependencies = [
        ("initiatives", "0002_publication_windows"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(forwards, backwards)]
