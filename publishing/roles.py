"""The two editorial roles, as Django groups with exactly these permissions.

* **Editor**: creates and changes content and submits it for review; sees drafts.
  Never publishes, unpublishes, schedules, reverts or deletes.
* **Publisher**: all an Editor may, and publishes, unpublishes, schedules,
  reverts and deletes.

Parts of items (an initiative's sections and points) are edited with their item,
so both roles may add, change and delete them. Each content app grants its own
models' permissions in a data migration with :func:`grant`.
"""

EDITOR = "Editor"
PUBLISHER = "Publisher"

ITEM_PERMISSIONS = {
    EDITOR: ("add", "change", "view"),
    PUBLISHER: ("add", "change", "delete", "view", "publish"),
}
PART_PERMISSIONS = ("add", "change", "delete", "view")


def role_codenames(model_names, publishable):
    """``{role: [codename, …]}`` for the models of one app."""
    roles = {EDITOR: [], PUBLISHER: []}
    for model_name in model_names:
        for role in roles:
            actions = ITEM_PERMISSIONS[role] if model_name in publishable else PART_PERMISSIONS
            roles[role].extend(f"{action}_{model_name}" for action in actions)
    return roles


def grant(app_label):
    """A data migration operation's function: give both roles this app's permissions.

    Publishable models are told apart by their ``publish`` permission, since the
    historical models a migration sees do not keep their base classes.
    """

    def forwards(apps, schema_editor):
        from django.contrib.auth.management import create_permissions

        app_config = apps.get_app_config(app_label)
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        Group = apps.get_model("auth", "Group")
        Permission = apps.get_model("auth", "Permission")
        ContentType = apps.get_model("contenttypes", "ContentType")
        types = ContentType.objects.filter(app_label=app_label)
        model_names = list(types.values_list("model", flat=True))
        publishable = {
            codename.removeprefix("publish_")
            for codename in Permission.objects.filter(
                content_type__in=types, codename__startswith="publish_"
            ).values_list("codename", flat=True)
        }
        for role, codenames in role_codenames(model_names, publishable).items():
            group, _ = Group.objects.get_or_create(name=role)
            group.permissions.add(
                *Permission.objects.filter(content_type__in=types, codename__in=codenames)
            )

    def backwards(apps, schema_editor):
        Group = apps.get_model("auth", "Group")
        for group in Group.objects.filter(name__in=[EDITOR, PUBLISHER]):
            group.permissions.remove(*group.permissions.filter(content_type__app_label=app_label))
            if not group.permissions.exists():
                group.delete()

    return forwards, backwards
