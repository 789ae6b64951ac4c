"""Message templates per event: a notification is stored as its event and parameters and is rendered in
the recipient's language when it is written, shown in the inbox and sent by e-mail or SMS.

Each app registers the events it sends next to the code that sends them::

    RETURNED = register(
        "selection.candidacy.returned",
        subject=gettext_lazy("“%(name)s”被退回修改"),
        body=gettext_lazy("退回理由：%(comment)s"),
    )
    Message(recipients=..., event=RETURNED, params={"name": candidacy.name, "comment": comment})

``subject`` and ``body`` are lazy strings with %(key)s placeholders filled from the parameters. The
parameters are data as it was typed or stored (names, titles, reasons, dates as ISO strings, counts):
they are never translated, so a reason typed in Chinese stays Chinese inside an English message.
"""

from dataclasses import dataclass

from django.core.exceptions import ImproperlyConfigured
from django.utils import translation
from django.utils.functional import Promise

# What a parameter may hold: JSON scalars. A lazy string would be rendered in whoever's language
# happened to be active when the row was written, which is exactly what templates are here to avoid.
PARAM_TYPES = (str, int, float, bool, type(None))


@dataclass(frozen=True)
class MessageTemplate:
    subject: str | Promise
    body: str | Promise = ""


_templates: dict[str, MessageTemplate] = {}


def register(event: str, *, subject: str | Promise, body: str | Promise = "") -> str:
    """Register the subject and body of ``event`` and return the event name (for ``Message.event``).

    Registering the same template again (a module imported twice) is harmless; another template under
    a name already taken raises ImproperlyConfigured.
    """
    template = MessageTemplate(subject=subject, body=body)
    existing = _templates.get(event)
    if existing is not None and existing != template:
        raise ImproperlyConfigured(
            f"notification event {event!r} is already registered with another template"
        )
    _templates[event] = template
    return event


def is_registered(event: str) -> bool:
    return event in _templates


def check_params(event: str, params: dict) -> None:
    """Raise TypeError unless ``params`` is a dict of JSON scalars keyed by strings."""
    if not isinstance(params, dict):
        raise TypeError(f"notification {event!r}: params must be a dict, not {type(params).__name__}")
    for key, value in params.items():
        if not isinstance(key, str) or not isinstance(value, PARAM_TYPES):
            raise TypeError(
                f"notification {event!r}: parameter {key!r} is a {type(value).__name__}; "
                "pass str, int, float, bool or None (dates as ISO strings, never lazy text)"
            )


def render(event: str, params: dict, language: str) -> tuple[str, str]:
    """The subject and body of ``event`` in ``language``, filled from ``params``.

    Raises LookupError for an event without a template, and KeyError, ValueError or TypeError when
    the parameters do not fit the template.
    """
    try:
        template = _templates[event]
    except KeyError:
        raise LookupError(f"no message template is registered for notification event {event!r}") from None
    with translation.override(language):
        subject = str(template.subject) % params
        body = str(template.body) % params if template.body else ""
    return subject, body
