"""Widgets that read spreadsheet cells with Chinese messages and write native cell values.

A widget's ``clean`` raises ``ValueError`` with a message for the user; the resource files it under the
widget's column with the spreadsheet row number. ``render`` returns native values (numbers, dates) so
xlsx cells keep their type; the CSV writer turns them into text.
"""

import re
from datetime import date, datetime

from django.utils import translation
from django.utils.translation import gettext as _
from import_export import widgets
from stdnum.cn import uscc

_COMPACT_CODE = re.compile(r"[0-9A-Z]{18}")
_DATE_FORMATS = ("%Y-%m-%d", "%Y/%m/%d", "%Y.%m.%d", "%Y%m%d", "%Y年%m月%d日", "%Y-%m-%d %H:%M:%S")


def shown(value, limit: int = 40) -> str:
    """A cell's value as quoted in a message: long ones cut, so the message stays readable."""
    text = str(value)
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


class TextWidget(widgets.Widget):
    def clean(self, value, row=None, **kwargs):
        return _text(value)

    def render(self, value, obj=None, **kwargs):
        return "" if value is None else str(value)


class IntWidget(widgets.Widget):
    """A whole number ≥ ``min_value``; an empty cell gives ``default``."""

    def __init__(self, *, default=None, min_value=0):
        super().__init__(coerce_to_string=False)
        self.default = default
        self.min_value = min_value

    def clean(self, value, row=None, **kwargs):
        text = _text(value).replace(",", "")
        if not text:
            return self.default
        if re.fullmatch(r"[+-]?\d+(\.0+)?", text) is None:
            raise ValueError(_("“%(value)s”不是整数。") % {"value": shown(text)})
        number = int(float(text)) if "." in text else int(text)
        if self.min_value is not None and number < self.min_value:
            raise ValueError(_("不能小于 %(min)d。") % {"min": self.min_value})
        return number

    def render(self, value, obj=None, **kwargs):
        return value


class DateWidget(widgets.Widget):
    def __init__(self):
        super().__init__(coerce_to_string=False)

    def clean(self, value, row=None, **kwargs):
        if isinstance(value, datetime):
            return value.date()
        if isinstance(value, date):
            return value
        text = _text(value)
        if not text:
            return None
        for fmt in _DATE_FORMATS:
            try:
                return datetime.strptime(text, fmt).date()
            except ValueError:
                continue
        raise ValueError(_("“%(value)s”不是有效的日期（例如 2020-05-01）。") % {"value": shown(text)})

    def render(self, value, obj=None, **kwargs):
        return value.isoformat() if value else ""


class ChoiceWidget(widgets.Widget):
    """A choice given by its stored value or its label (in any language); exports the label."""

    def __init__(self, choices, *, default=None):
        super().__init__(coerce_to_string=False)
        self.choices = choices
        self.default = default
        self._lookups: dict[str | None, dict[str, object]] = {}

    def _lookup(self) -> dict[str, object]:
        # Labels are lazy translations: resolve them once per language, not once per cell.
        language = translation.get_language()
        if language not in self._lookups:
            lookup = {}
            with translation.override(None):  # the source-language labels are always accepted
                lookup.update((str(m.label).casefold(), m.value) for m in self.choices)
            lookup.update((str(m.label).casefold(), m.value) for m in self.choices)
            lookup.update((str(m.value).casefold(), m.value) for m in self.choices)
            self._lookups[language] = lookup
        return self._lookups[language]

    def clean(self, value, row=None, **kwargs):
        text = _text(value)
        if not text:
            return self.default
        try:
            return self._lookup()[text.casefold()]
        except KeyError:
            pass
        if len(self.choices) > 8:
            raise ValueError(
                _("“%(value)s”不是可选的值（可选的值见模板中的“填写说明”）。") % {"value": shown(text)}
            )
        allowed = "、".join(str(member.label) for member in self.choices)
        raise ValueError(
            _("“%(value)s”不是可选的值（可选：%(allowed)s）。") % {"value": shown(text), "allowed": allowed}
        )

    def render(self, value, obj=None, **kwargs):
        if value in (None, ""):
            return ""
        try:
            return str(self.choices(value).label)
        except ValueError:
            return str(value)


class CreditCodeWidget(TextWidget):
    """A unified social credit code, compacted (spaces and dashes removed, upper case)."""

    def clean(self, value, row=None, **kwargs):
        text = _text(value)
        if not text or _COMPACT_CODE.fullmatch(text):
            return text  # already compact: skip stdnum's character-by-character clean-up
        return uscc.compact(text)


class OrgCodeWidget(widgets.Widget):
    """An organisation named by its code, resolved from the codes the resource fetched once per file."""

    def __init__(self, *, required=True):
        super().__init__(coerce_to_string=False)
        self.required = required
        self.resource = None

    def bind(self, resource):
        self.resource = resource

    def clean(self, value, row=None, **kwargs):
        code = _text(value)
        if not code:
            if self.required:
                raise ValueError(_("请填写组织代码。"))
            return None
        org = self.resource.organisations_by_code.get(code)
        if org is None:
            raise ValueError(_("组织代码“%(code)s”不存在。") % {"code": shown(code)})
        return org

    def render(self, value, obj=None, **kwargs):
        return value.code if value is not None else ""
