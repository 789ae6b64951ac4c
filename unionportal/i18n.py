"""Data and stored sentences on pages in the reader's language, and the marking of data as typed.

What an English page shows comes from three places, and each is handled here:

- *Interface text* is in the catalogue. *Data as typed* (names, units, deeds, addresses, titles written
  in Chinese) stays as typed and is marked as user content: an element with ``data-user-content``
  (templates mark the elements that hold data; ``user_content`` and ``mark_user_data`` mark data inside
  a sentence, on pages not in Chinese; ``UserDataSelect`` marks the options of a select of names).
  Chinese shown on purpose (sheet and column names users type in their files) is marked
  ``lang="zh-Hans"`` by ``chinese``. tests/browser/test_english_pages.py reads English pages less what
  is marked and finds no Chinese.
- *Names with an English field* (a programme's ``name_en``, a rule's ``label_en``): ``in_language`` picks
  the English one on English pages, else the catalogue's English for a standard Chinese name (the award
  names every programme uses), else the Chinese as stored.
- *Sentences a service wrote from a catalogue template* (a household's category basis, a history
  comment) are stored in whatever language was active when they were written. Apps register those
  templates with ``register_stored_texts``; ``in_reader_language`` finds the template a stored text was
  written from (in any of the site's languages), takes its parameters back out and writes the sentence
  again in the page's language. The parameters (names, amounts, dates) stay as stored, marked as user
  content; a text no template matches, such as a reason a person typed, is shown as stored, marked too.
"""

import re
from functools import cache

from django import forms
from django.conf import settings
from django.utils import translation
from django.utils.html import conditional_escape, format_html, format_html_join
from django.utils.safestring import SafeData, SafeString, mark_safe

_PLACEHOLDER = re.compile(r"%\((\w+)\)[sd]|%%")
_stored_templates: list = []


def is_english() -> bool:
    return (translation.get_language() or "").startswith("en")


def marks_inline_data() -> bool:
    """Whether data inside a sentence gets an element of its own: on pages not in Chinese (the source
    language), where a name typed in Chinese is a change of language within the sentence. Chinese
    pages keep their sentences whole."""
    return not (translation.get_language() or settings.LANGUAGE_CODE).startswith("zh")


def in_language(chinese: str, english: str = "") -> str:
    """``english`` on an English page if given, else the catalogue's English of ``chinese``; on other pages
    ``chinese``. A Chinese text the catalogue does not know stays as it is."""
    if not is_english() or not chinese:
        return chinese
    return english or translation.gettext(chinese)


def register_stored_texts(*templates) -> None:
    """Register the catalogue templates (lazy strings with %(name)s placeholders) of sentences services
    store, so that ``in_reader_language`` can show them in the reader's language."""
    for template in templates:
        if template not in _stored_templates:
            _stored_templates.append(template)
    _patterns.cache_clear()


@cache
def _patterns(language: str) -> tuple:
    """(regex, template) for every registered template in ``language``, the longest first (the most
    specific template wins where a shorter one would also match)."""
    compiled = []
    with translation.override(language):
        for template in _stored_templates:
            text = str(template)
            compiled.append((_regex(text), template, len(_PLACEHOLDER.sub("", text))))
    compiled.sort(key=lambda row: -row[2])
    return tuple((regex, template) for regex, template, _length in compiled)


def _regex(text: str) -> re.Pattern:
    parts, seen, position = [], set(), 0
    for match in _PLACEHOLDER.finditer(text):
        parts.append(re.escape(text[position : match.start()]))
        name = match.group(1)
        if name is None:
            parts.append("%")
        elif name in seen:
            parts.append(f"(?P={name})")
        else:
            seen.add(name)
            parts.append(rf"(?P<{name}>\d+)" if match.group(0).endswith("d") else f"(?P<{name}>.+?)")
        position = match.end()
    parts.append(re.escape(text[position:]))
    return re.compile("".join(parts), re.DOTALL)


def _template_of(text: str):
    """The registered template ``text`` was written from and its parameters, or (None, None)."""
    for language, _name in settings.LANGUAGES:
        for regex, template in _patterns(language):
            match = regex.fullmatch(text)
            if match:
                return template, match.groupdict()
    return None, None


def user_content(value) -> SafeString:
    """``value`` (data as typed) in an element marked as user content, on pages not in Chinese."""
    if not marks_inline_data():
        return conditional_escape(value)
    return format_html("<span data-user-content>{}</span>", value)


def in_reader_language(text: str) -> SafeString:
    """``text`` as HTML: written again in the active language when it was written from a registered
    template (its parameters marked as user content), else as stored, marked as user content."""
    if not text:
        return SafeString("")
    template, params = _template_of(text)
    if template is None:
        return user_content(text)
    translated = str(template)
    if not params:
        return format_html("{}", translated)
    pieces, position = [], 0
    for match in _PLACEHOLDER.finditer(translated):
        pieces.append((translated[position : match.start()], ""))
        name = match.group(1)
        pieces.append(("%", "") if name is None else ("", user_content(params.get(name, ""))))
        position = match.end()
    pieces.append((translated[position:], ""))
    return format_html_join("", "{}{}", pieces)


def mark_user_data(text, values) -> SafeString:
    """``text`` (a sentence that names records: "确定停用账户 张三 吗？") as HTML, each of ``values`` in it
    (the names as typed) marked as user content. For sentences built as plain text, which tests and
    messages compare as such; the template marks the data when it shows them."""
    html = conditional_escape(text)
    if not marks_inline_data():
        return html
    if isinstance(values, str):
        values = (values,)
    names = sorted({conditional_escape(str(v)) for v in values or () if v}, key=len, reverse=True)
    if not names:
        return html
    pattern = re.compile("|".join(re.escape(name) for name in names))
    return mark_safe(pattern.sub(lambda m: f"<span data-user-content>{m.group(0)}</span>", html))  # noqa: S308


def chinese(text) -> SafeString:
    """Chinese on purpose on any page: the sheet and column names users must type in their files."""
    return format_html('<span lang="zh-Hans">{}</span>', text)


def sentence(template: str, **data) -> SafeString:
    """A translated sentence with %(name)s placeholders as HTML, for messages, titles and questions that
    name a record: its data (names, units as typed) marked as user content; values that are already
    HTML (``chinese(...)``, another sentence) go in as they are."""
    values = {k: v if isinstance(v, SafeData) else user_content(v) for k, v in data.items()}
    return mark_safe(conditional_escape(template) % values)  # noqa: S308 - the template is escaped


class UserDataSelect(forms.Select):
    """A select whose options are data (organisation, enterprise and region names): every option with a
    value is marked as user content; the empty choice ("请选择", "全部") is interface text. Templates that
    draw a select's options themselves read ``marks_user_data``."""

    marks_user_data = True

    def create_option(self, name, value, label, selected, index, subindex=None, attrs=None):
        option = super().create_option(name, value, label, selected, index, subindex=subindex, attrs=attrs)
        if value not in (None, ""):
            option["attrs"]["data-user-content"] = True
        return option


class UserDataSelectMultiple(UserDataSelect, forms.SelectMultiple):
    """UserDataSelect for a multiple choice (people chosen by name)."""
