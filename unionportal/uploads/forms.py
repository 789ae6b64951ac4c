"""Form fields that run the upload check, so every form shows a refused file's reason beside the field.

The cleaned value is the uploaded file itself (pass it to ``services.upload_store``); what the check
found is on it as ``file.checked_upload`` (a ``CheckedUpload``).
"""

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from .models import StoredFile
from .services import UploadRejected, check_upload

ACCEPT = {
    StoredFile.Kind.IMAGE: "image/jpeg,image/png,image/webp",
    StoredFile.Kind.PDF: "application/pdf,.pdf",
    StoredFile.Kind.SHEET: ".xlsx,.csv",
}


def _check(file, kind: str):
    try:
        file.checked_upload = check_upload(file, kind=kind)
    except UploadRejected as rejected:
        raise ValidationError(rejected.message, code="upload_rejected") from rejected
    return file


class CheckedFileField(forms.FileField):
    """A FileField that accepts only what ``check_upload(file, kind=kind)`` accepts."""

    def __init__(self, *, kind: str, **kwargs):
        self.kind = StoredFile.Kind(kind)
        super().__init__(**kwargs)

    def widget_attrs(self, widget):
        return {**super().widget_attrs(widget), "accept": ACCEPT[self.kind]}

    def clean(self, data, initial=None):
        file = super().clean(data, initial)
        # A new upload is checked; False (cleared), None and the initial value pass through.
        if file and file is not initial and hasattr(file, "read"):
            _check(file, self.kind)
        return file


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class CheckedMultipleFileField(forms.FileField):
    """Several files at once (a gallery): each is checked; the cleaned value is the list of files."""

    widget = MultipleFileInput

    def __init__(self, *, kind: str, max_files: int = 20, **kwargs):
        self.kind = StoredFile.Kind(kind)
        self.max_files = max_files
        super().__init__(**kwargs)

    def widget_attrs(self, widget):
        return {**super().widget_attrs(widget), "accept": ACCEPT[self.kind]}

    def clean(self, data, initial=None):
        files = [f for f in (data if isinstance(data, list | tuple) else [data]) if f]
        if not files:
            if self.required:
                raise ValidationError(self.error_messages["required"], code="required")
            return []
        if len(files) > self.max_files:
            raise ValidationError(
                _("一次最多上传 %(limit)d 个文件，您选择了 %(actual)d 个。")
                % {"limit": self.max_files, "actual": len(files)},
                code="too_many_files",
            )
        cleaned, errors = [], []
        for file in files:
            try:
                cleaned.append(_check(super().clean(file, None), self.kind))
            except ValidationError as error:
                name = getattr(file, "name", "")
                errors.extend(
                    ValidationError(_("“%(name)s”：%(reason)s") % {"name": name, "reason": message})
                    for message in error.messages
                )
        if errors:
            raise ValidationError(errors)
        return cleaned
