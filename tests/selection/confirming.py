"""Walk a confirm page as a browser does: post the choice, read the page's form back, post that."""

import html
import re

FORM_RE = re.compile(r'<form method="post" id="confirm-form">(.*?)</form>', re.S)
HIDDEN_RE = re.compile(r'<input type="hidden" name="([^"]+)" value="([^"]*)">')


def confirm_fields(response) -> list[tuple[str, str]]:
    """The hidden fields of the confirm page's form, in order, as the browser would post them."""
    assert response.status_code == 200, response.status_code
    page = response.content.decode()
    form = FORM_RE.search(page)
    assert form, "not a confirm page"
    return [(html.unescape(name), html.unescape(value)) for name, value in HIDDEN_RE.findall(form.group(1))]


def as_data(fields: list[tuple[str, str]]) -> dict[str, list[str]]:
    data: dict[str, list[str]] = {}
    for name, value in fields:
        data.setdefault(name, []).append(value)
    return data


def confirmed(client, url, data, **kwargs):
    """POST ``data``, then the confirm page's own form; the answer to the second POST."""
    page = client.post(url, data)
    return client.post(url, as_data(confirm_fields(page)), **kwargs)
