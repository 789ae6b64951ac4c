from django import forms
from django.utils.translation import gettext_lazy as _

from unionportal.accounts.forms import CrispyMixin

from .models import Preference


class PreferenceForm(CrispyMixin, forms.ModelForm):
    submit_label = _("保存")

    class Meta:
        model = Preference
        fields = ["language", "email", "sms"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # A post without the language (an older form, a script) keeps the one chosen before.
        self.fields["language"].required = False

    def clean_language(self):
        return self.cleaned_data.get("language") or self.instance.language
