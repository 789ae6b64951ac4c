"""Text fields of the portal's forms refuse bidirectional controls, which make a name show as another."""

import pytest
from django import forms

from unionportal.accounts.forms import SafeTextMixin
from unionportal.accounts.validators import refuse_bidi_controls
from unionportal.campaigns.forms import ReturnForm


class NameForm(SafeTextMixin, forms.Form):
    name = forms.CharField()
    note = forms.CharField(required=False, widget=forms.Textarea)
    secret = forms.CharField(widget=forms.PasswordInput)
    count = forms.IntegerField(required=False)


@pytest.mark.parametrize("char", ["\u202e", "\u202a", "\u2066", "\u2069"])
def test_a_name_with_a_direction_override_is_refused_with_the_character_named(char):
    form = NameForm(data={"name": f"李{char}明", "secret": "x"})
    assert not form.is_valid()
    assert form.errors["name"] == [
        f"含有文字方向控制字符（U+{ord(char):04X}），显示的内容会与实际不同，请删除后重新输入。"
    ]


def test_plain_text_marks_and_passwords_pass():
    form = NameForm(data={"name": "李明 Li Ming", "note": "第一行\n第二行", "secret": "pa\u202ess"})
    assert form.is_valid(), form.errors


def test_the_validator_is_per_form_instance_and_portal_forms_have_it():
    NameForm()
    NameForm()
    assert sum(v is refuse_bidi_controls for v in NameForm().fields["name"].validators) == 1
    assert not ReturnForm(data={"reason": "照片\u202e不清"}).is_valid()
