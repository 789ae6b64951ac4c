"""The staff form of a craftsman's films and poster: one row per film (kind, title, link) and the poster.

A link is checked by ``films.film_link_check`` as the row is cleaned, so each refusal shows beside its
field; ``films.films_save`` checks the whole set again before it writes anything."""

from django import forms
from django.utils.translation import gettext_lazy as _

from unionportal.uploads.forms import CheckedFileField

from .films import MAX_TEACHING, film_link_check
from .models import FilmKind


class FilmForm(forms.Form):
    kind = forms.ChoiceField(label=_("类型"), choices=FilmKind.choices, initial=FilmKind.TEACHING)
    title = forms.CharField(label=_("标题"), max_length=120)
    # A CharField, not a URLField: a URLField would turn "v.qq.com/..." into http:// and say only "invalid".
    url = forms.CharField(
        label=_("观看链接"),
        max_length=500,
        help_text=_(
            "视频网页的 https 链接，例如 https://www.bilibili.com/video/BV…；不要粘贴 iframe 嵌入代码。"
        ),
        widget=forms.TextInput(attrs={"inputmode": "url", "autocomplete": "off"}),
    )

    def clean_url(self):
        try:
            return film_link_check(self.cleaned_data["url"]).url
        except ValueError as refused:
            raise forms.ValidationError(str(refused), code="film_link") from refused


class BaseFilmFormSet(forms.BaseFormSet):
    def clean(self):
        if any(self.errors):
            return
        kinds = [
            f.cleaned_data["kind"] for f in self.forms if f.cleaned_data and not self._should_delete_form(f)
        ]
        if kinds.count(FilmKind.FEATURE) > 1:
            raise forms.ValidationError(_("每位工匠只能有一部专题片。"))
        if kinds.count(FilmKind.TEACHING) > MAX_TEACHING:
            raise forms.ValidationError(_("教学片最多 %(limit)d 部。") % {"limit": MAX_TEACHING})

    def films(self) -> list[dict]:
        return [
            {key: f.cleaned_data[key] for key in ("kind", "title", "url")}
            for f in self.forms
            if f.cleaned_data and not self._should_delete_form(f)
        ]


FilmFormSet = forms.formset_factory(
    FilmForm, formset=BaseFilmFormSet, extra=2, can_delete=True, max_num=1 + MAX_TEACHING, validate_max=True
)


class PosterForm(forms.Form):
    poster = CheckedFileField(
        label=_("海报"), kind="image", required=False, help_text=_("JPEG、PNG 或 WebP 图片，建议横版 16:9。")
    )
    remove_poster = forms.BooleanField(label=_("删除现有海报"), required=False)
