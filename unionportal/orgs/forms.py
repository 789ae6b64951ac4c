from django import forms
from django.contrib.auth import get_user_model
from django.utils.translation import gettext_lazy as _

from unionportal.accounts.forms import CrispyMixin, PhoneField

from .enums import Role
from .selectors import organisations_managed_by

User = get_user_model()


class UserCreateForm(CrispyMixin, forms.Form):
    submit_label = _("Create account")

    username = forms.RegexField(
        label=_("User name"), max_length=150, regex=r"^[\w.@+-]+$",
        help_text=_("Letters, digits and @ . + - _ only."),
    )
    name = forms.CharField(label=_("Name"), max_length=60)
    phone = PhoneField(required=False)
    email = forms.EmailField(label=_("E-mail"), required=False)
    organisation = forms.ModelChoiceField(label=_("Organisation"), queryset=None)
    role = forms.ChoiceField(label=_("Role"), choices=Role.choices)

    def __init__(self, *args, actor, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = organisations_managed_by(actor)

    def clean_phone(self):
        phone = self.cleaned_data["phone"]
        if phone and User.objects.filter(phone=phone).exists():
            raise forms.ValidationError(_("This mobile number belongs to another account."))
        return phone

    def clean_username(self):
        username = self.cleaned_data["username"]
        if User.objects.filter(username=username).exists():
            raise forms.ValidationError(_("This user name is already taken."))
        return username


class UserImportForm(CrispyMixin, forms.Form):
    submit_label = _("Import")

    file = forms.FileField(
        label=_("Account sheet"),
        help_text=_("An .xlsx or .csv file in the layout of the template, at most 20 MB."),
    )
