"""Each staff user's profile in the admin (``/admin/profile/``): the time zone they read
times in, the admin's language, whether the workflow emails them, and their API tokens.

Anyone with a staff account makes, names and revokes their own tokens here, without a
superuser; a superuser also sees and revokes everyone else's. A new token's key is in
the answer to the request that made it and nowhere else: only its digest is stored.
"""

import datetime

from django import forms
from django.contrib import admin, messages
from django.shortcuts import redirect, render
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from .models import ApiToken, EditorProfile

#: How long a new token lasts, as offered: a short life is the first choice.
LIFETIMES = {
    "30": datetime.timedelta(days=30),
    "90": datetime.timedelta(days=90),
    "365": datetime.timedelta(days=365),
    "never": None,
}


class ProfileForm(forms.ModelForm):
    class Meta:
        model = EditorProfile
        fields = ["time_zone", "language", "notifications"]


class NewTokenForm(forms.ModelForm):
    lifetime = forms.ChoiceField(
        label=_("Expires"),
        choices=[
            ("30", _("in 30 days")),
            ("90", _("in 90 days")),
            ("365", _("in 365 days")),
            ("never", _("never")),
        ],
        initial="30",
        help_text=_("After this the key is refused; make a new one then."),
    )

    class Meta:
        model = ApiToken
        fields = ["name"]

    def issue(self, user):
        """The new token and its key (knox stores only the key's digest)."""
        return ApiToken.objects.create(
            user, expiry=LIFETIMES[self.cleaned_data["lifetime"]], name=self.cleaned_data["name"]
        )


class RevokeTokenForm(forms.Form):
    token = forms.ModelChoiceField(
        queryset=ApiToken.objects.none(),
        widget=forms.HiddenInput,
        error_messages={
            "required": "Say which token to revoke.",
            "invalid_choice": "There is no such token of yours: it may be revoked already.",
        },
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["token"].queryset = ApiToken.objects.revocable_by(user)


def profile_view(request):
    """Show the profile; save the settings, make a token or revoke one (POST)."""
    user = request.user
    profile = EditorProfile.of(user)
    settings_form, new_token_form, revoke_form = ProfileForm(instance=profile), NewTokenForm(), None
    new_token = new_key = None
    if "save_settings" in request.POST:
        settings_form = ProfileForm(request.POST, instance=profile)
        if settings_form.is_valid():
            settings_form.save()
            messages.success(request, gettext("Your settings are saved."))
            return redirect("editor-profile")
    elif "create_token" in request.POST:
        new_token_form = NewTokenForm(request.POST)
        if new_token_form.is_valid():
            new_token, new_key = new_token_form.issue(user)
            new_token_form = NewTokenForm()
    elif "revoke_token" in request.POST:
        revoke_form = RevokeTokenForm(request.POST, user=user)
        if revoke_form.is_valid():
            token = revoke_form.cleaned_data["token"]
            token.delete()
            if token.user_id == user.pk:
                done = gettext("The token “%(name)s” is revoked.") % {"name": token.name}
            else:
                done = gettext("The token “%(name)s” of %(user)s is revoked.") % {
                    "name": token.name,
                    "user": token.user,
                }
            messages.success(request, done)
            return redirect("editor-profile")
    tokens = ApiToken.objects.select_related("user")
    return render(
        request,
        "admin/publishing/profile.html",
        {
            **admin.site.each_context(request),
            "title": gettext("Your profile"),
            "profile": profile,
            "settings_form": settings_form,
            "new_token_form": new_token_form,
            "revoke_form": revoke_form,
            "new_token": new_token,
            "new_key": new_key,
            "tokens": tokens.filter(user=user),
            "others_tokens": tokens.revocable_by(user).exclude(user=user),
        },
    )
