"""DRF's API tokens (``rest_framework.authtoken``, no longer installed) become ApiTokens.

Each holder's key keeps working: knox finds a token by its key's first
``TOKEN_KEY_LENGTH`` characters and compares a digest of the whole key, and checks
nothing of its length or form, so a 40-character DRF key is stored as knox stores its
own. The old table, which held every key in plain text, is then dropped, and with it
Django's record of authtoken's migrations, so the database reads as if that app had
never been installed. A database that never had DRF's tokens is left as it is.

Going back removes nothing and restores nothing: a digest cannot be turned back into
its key.
"""

import datetime

from django.db import migrations
from django.db.migrations.recorder import MigrationRecorder
from django.utils.dateparse import parse_datetime
from knox.crypto import hash_token
from knox.settings import CONSTANTS

OLD_TABLE = "authtoken_token"
NAME = "API token from before (migrated)"


def aware(moment):
    """A time read with raw SQL: SQLite gives text in UTC, PostgreSQL an aware datetime."""
    if isinstance(moment, str):
        moment = parse_datetime(moment)
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=datetime.UTC)
    return moment


def old_tokens_to_api_tokens(apps, schema_editor):
    connection = schema_editor.connection
    if OLD_TABLE not in connection.introspection.table_names():
        return
    ApiToken = apps.get_model("publishing", "ApiToken")
    quote = schema_editor.quote_name
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT {quote('key')}, {quote('user_id')}, {quote('created')} FROM {quote(OLD_TABLE)}"
        )
        rows = cursor.fetchall()
    for key, user_id, created in rows:
        token = ApiToken.objects.create(
            digest=hash_token(key),
            token_key=key[: CONSTANTS.TOKEN_KEY_LENGTH],
            user_id=user_id,
            name=NAME,
            expiry=None,
        )
        # ``created`` is set on insert (auto_now_add): keep the key's own date.
        ApiToken.objects.filter(pk=token.pk).update(created=aware(created))
    schema_editor.execute(f"DROP TABLE {quote(OLD_TABLE)}")
    MigrationRecorder(connection).migration_qs.filter(app="authtoken").delete()


class Migration(migrations.Migration):
    dependencies = [("publishing", "0004_api_tokens")]

    operations = [
        migrations.RunPython(old_tokens_to_api_tokens, migrations.RunPython.noop),
    ]
