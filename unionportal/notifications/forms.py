from django import forms
from django.utils.translation import gettext_lazy as _

from unionportal.accounts.forms import CrispyMixin

from .models import Preference


class PreferenceForm(CrispyMixin, forms.ModelForm):
    submit_label = _("保存")

    class Meta:
        model = Preference
        fields = ["email", "sms"]
