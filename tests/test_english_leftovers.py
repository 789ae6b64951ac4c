"""What the English walk (tests/browser/test_english_pages.py) does not open reads in English too: the
message shown after each main action a demo role takes, the admin's pages for the roles that may open
it, and the files an export writes (who exported them and when, the notes on masked columns).

As in the walk, Han characters and full-width punctuation count unless they are data a user typed.
Messages and pages mark such data (``data-user-content``, ``lang="zh-…"``; unionportal/i18n.py). The
admin and the export files cannot mark it, so there the values users typed into the demo's text
fields (names, units, titles, addresses, deeds) are taken out of each line before it is read; texts
the portal itself wrote and stored (audit lines, notification subjects, a household's category basis,
permission names) and the names that have an English field (programmes, awards) are not data here.
"""

import csv
import io
import re
from html.parser import HTMLParser
from io import StringIO
from types import SimpleNamespace

import pytest
from django.apps import apps
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.db import models, transaction
from django.test import Client, override_settings
from openpyxl import load_workbook

pytestmark = pytest.mark.django_db

# As in tests/browser/test_english_pages.py: Han ideographs, CJK punctuation and the full-width forms.
NOT_ENGLISH = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\u3000-\u303f\uff00-\uffef]")
HAN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
STAFF_ROLES = ["province", "city", "county", "township", "county2"]
# Stored texts the portal wrote, and names with an English field: not data typed by a user.
NOT_TYPED = {
    "auth.Permission.name",
    "notifications.Notification.subject",
    "notifications.Notification.body",
    "audit.AuditEvent.object_repr",
    "audit.AuditEvent.comment",
    "assistance.Household.category_explanation",
    "selection.Rule.label",
    "selection.Programme.name",
    "selection.Programme.award",
    "public.PublicEntry.programme",
    "public.PublicEntry.award",
}

# Chinese still found, each with the code that writes it: (where, line pattern). A listed leftover the
# test no longer finds fails it, so the list only shrinks.
KNOWN_LEFTOVERS: list[tuple[str, str]] = []


# --- reading HTML as a person reads it -----------------------------------------------------------------

VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}
NOT_READ = {"script", "style", "template", "noscript", "textarea"}


class Reader(HTMLParser):
    """The text of a page (title, text, placeholder/title/aria-label/alt attributes, button captions),
    less what is marked as user data; and its forms, for submitting them as a browser would."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.stack, self.skip, self.parts, self.title, self.in_title = [], 0, [], [], False
        self.forms, self.form, self.select, self.textarea = [], None, None, None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        user = tag in NOT_READ or "data-user-content" in a or (a.get("lang") or "").lower().startswith("zh")
        user = user and tag != "html"
        if not self.skip and not user:
            for name in ("placeholder", "title", "aria-label", "alt"):
                if a.get(name) and not (name == "title" and tag == "a" and "hreflang" in a):
                    self.parts.append(a[name])
            if tag == "input" and a.get("type") in ("submit", "button", "reset") and a.get("value"):
                self.parts.append(a["value"])
        self._form_tag(tag, a)
        if tag == "title":
            self.in_title = True
        if tag in VOID:
            return
        self.stack.append(user)
        self.skip += user

    def _form_tag(self, tag, a):
        if tag == "form":
            self.form = {"action": a.get("action", ""), "fields": [], "buttons": {}}
            self.forms.append(self.form)
        elif self.form is None:
            return
        elif tag == "input" and a.get("name"):
            kind = a.get("type", "text")
            if kind not in ("checkbox", "radio", "submit", "button", "file") or "checked" in a:
                self.form["fields"].append((a["name"], a.get("value", "")))
        elif tag == "select" and a.get("name"):
            self.select = [a["name"], None, None]
        elif tag == "option" and self.select is not None:
            if self.select[2] is None:
                self.select[2] = a.get("value", "")
            if "selected" in a:
                self.select[1] = a.get("value", "")
        elif tag == "textarea" and a.get("name"):
            self.textarea = [a["name"], ""]
        elif tag == "button" and a.get("id"):
            self.form["buttons"][a["id"]] = (a.get("name"), a.get("value", ""))

    def handle_endtag(self, tag):
        if tag == "title":
            self.in_title = False
        if tag == "form":
            self.form = None
        if tag == "select" and self.select is not None and self.form is not None:
            name, chosen, first = self.select
            self.form["fields"].append((name, chosen if chosen is not None else first or ""))
            self.select = None
        if tag == "textarea" and self.textarea is not None and self.form is not None:
            self.form["fields"].append(tuple(self.textarea))
            self.textarea = None
        if tag in VOID or not self.stack:
            return
        self.skip -= self.stack.pop()

    def handle_data(self, data):
        if self.textarea is not None:
            self.textarea[1] += data
        if self.in_title:
            self.title.append(data)
        elif not self.skip:
            self.parts.append(data)


def read(html: str) -> Reader:
    reader = Reader()
    reader.feed(html)
    reader.close()
    return reader


def offending(text: str) -> list[str]:
    return sorted({line.strip()[:160] for line in text.splitlines() if NOT_ENGLISH.search(line)})


def typed_values() -> list[str]:
    """Every value with a Han character in a free-text field of any model (and each of its lines), the
    longest first."""
    values = set()
    for model in apps.get_models():
        fields = [
            f.attname
            for f in model._meta.concrete_fields
            if isinstance(f, models.CharField | models.TextField)
            and not f.choices
            and f"{model._meta.label}.{f.name}" not in NOT_TYPED
        ]
        for row in model._default_manager.values_list(*fields) if fields else ():
            for value in row:
                if value and HAN.search(value):
                    values.add(value.strip())
                    values.update(line.strip() for line in value.splitlines() if line.strip())
    return sorted(values, key=len, reverse=True)


def without_typed(line: str, typed: list[str]) -> str:
    for value in typed:
        if value in line:
            line = line.replace(value, "")
    return line


class Findings:
    """Offending lines by where they were seen, sorted into known leftovers and new findings."""

    def __init__(self):
        self.new, self.known_seen = {}, set()

    def add(self, where: str, lines):
        for line in lines:
            known = next(
                (
                    n
                    for n, (where_pattern, line_pattern) in enumerate(KNOWN_LEFTOVERS)
                    if re.search(where_pattern, where) and re.search(line_pattern, line)
                ),
                None,
            )
            if known is None:
                self.new.setdefault(where, []).append(line)
            else:
                self.known_seen.add(known)

    def assert_clean(self, kind: str):
        """No new finding, and every known leftover of this kind ("admin", "export", "message") seen."""
        assert not self.new, f"Chinese in English {kind} pages or files:\n" + "\n".join(
            f"{where}: {' | '.join(lines)}" for where, lines in sorted(self.new.items())
        )
        mine = {n for n, (where, _line) in enumerate(KNOWN_LEFTOVERS) if where.startswith(f"^{kind} ")}
        assert mine <= self.known_seen, [KNOWN_LEFTOVERS[n] for n in sorted(mine - self.known_seen)]


# --- the demo -------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def demo(module_db, demo_day, tmp_path_factory):
    with module_db.unblock():
        media = override_settings(MEDIA_ROOT=tmp_path_factory.mktemp("media"))
        media.enable()
        with override_settings(DEBUG=True):  # seed_demo refuses to run on a production configuration
            call_command("seed_demo", stdout=StringIO())
        users = {u.username: u for u in get_user_model().objects.all()}
        typed = typed_values()
    yield SimpleNamespace(users=users, typed=typed)
    media.disable()


def client_for(demo, username: str) -> Client:
    client = Client()
    client.force_login(demo.users[username])
    return client


# --- the admin ------------------------------------------------------------------------------------------

ADMIN_LINK = re.compile(r'href="(/en/admin/[^"#?]*)"')
CHANGE_PAGES_PER_MODEL = 2


def admin_pages(client):
    """The English admin's pages a user is shown from its index: app indexes, changelists, add forms and
    the first change forms of each changelist; (url, status, html)."""
    queue, seen, changes = ["/en/admin/"], set(), {}
    while queue:
        url = queue.pop(0)
        if url in seen:
            continue
        seen.add(url)
        response = client.get(url)
        html = response.content.decode() if response.status_code == 200 else ""
        yield url, response.status_code, html
        if url.endswith("/change/") or url.endswith("/add/"):
            # A change form links its read-only relations to their change pages whether or not the user
            # may open them (Django's AdminReadonlyField): not links this walk follows.
            continue
        for link in ADMIN_LINK.findall(html):
            if link in seen or link.startswith(("/en/admin/logout", "/en/admin/password_change")):
                continue
            if link.endswith("/change/"):
                model = link.rsplit("/", 3)[0]
                if changes.get(model, 0) >= CHANGE_PAGES_PER_MODEL or link.count("/") != 7:
                    continue
                changes[model] = changes.get(model, 0) + 1
            elif link.count("/") > 5 and not link.endswith("/add/"):
                continue
            queue.append(link)


def test_the_english_admin_reads_in_english_for_every_staff_role(demo):
    findings = Findings()
    for role in STAFF_ROLES:
        opened = 0
        for url, status, html in admin_pages(client_for(demo, role)):
            if status != 200:
                findings.add(f"admin {role} {url}", [f"HTTP {status}"])
                continue
            opened += 1
            page = read(html)
            text = "".join(page.title) + "\n" + "\n".join(page.parts)
            lines = [without_typed(line, demo.typed) for line in offending(text)]
            findings.add(f"admin {role} {url}", [line for line in lines if NOT_ENGLISH.search(line)])
        assert opened > 5, role
    findings.assert_clean("admin")


# --- export files ---------------------------------------------------------------------------------------


def export_lines(response) -> tuple[list[str], list[str]]:
    """The lines of an export a reader meets beside the data, and its column names: the sheet names and
    the sheet about the export (xlsx), the comment lines (csv), the workbook's properties. The cells of
    the data are data (or a choice's label, read on the pages); the column names are the file's own,
    Chinese on every page (the export form says so), and may be named in the notes as they are."""
    if response["Content-Type"].startswith("text/csv"):
        rows = [row for row in csv.reader(io.StringIO(response.content.decode("utf-8-sig"))) if row]
        data = [row for row in rows if not row[0].startswith("#")]
        return [",".join(row) for row in rows if row[0].startswith("#")], (data[0] if data else [])
    workbook = load_workbook(io.BytesIO(response.content))
    *tables, about = workbook.worksheets
    lines = [sheet.title for sheet in workbook.worksheets]
    columns = [
        v for sheet in tables for v in next(sheet.iter_rows(values_only=True), ()) if isinstance(v, str)
    ]
    for row in about.iter_rows(values_only=True):
        lines += [value for value in row if isinstance(value, str)]
    properties = workbook.properties
    lines += [getattr(properties, name) or "" for name in ("title", "description", "creator", "subject")]
    return lines, columns


def test_export_files_say_who_exported_them_in_english(demo):
    from unionportal.imports.registry import registered

    client = client_for(demo, "province")
    findings, exported = Findings(), 0
    for entry in registered():
        for fmt in ("xlsx", "csv"):
            response = client.get(f"/en/imports/{entry.key}/export.{fmt}")
            if response.status_code == 403:
                continue  # an export the province does not make
            assert response.status_code == 200, (entry.key, fmt)
            exported += 1
            lines, columns = export_lines(response)
            own = sorted(set(columns), key=len, reverse=True) + demo.typed
            lines = [without_typed(line, own) for line in lines]
            findings.add(f"export {entry.key}.{fmt}", [line for line in lines if NOT_ENGLISH.search(line)])
    assert exported >= 6
    findings.assert_clean("export")


# --- the message after an action ------------------------------------------------------------------------

ALERT = re.compile(r'<div class="alert alert-\w+" role="alert">(.*?)</div>', re.DOTALL)


def submit(client, page_url: str, button_id: str, **fields):
    """Open ``page_url``, press the button ``button_id`` with the form's own fields (and ``fields``), and
    follow to the page the action lands on; a confirmation page on the way is confirmed."""
    page = client.get(page_url)
    assert page.status_code == 200, (page_url, page.status_code)
    form = next(
        f for f in read(page.content.decode()).forms for b in f["buttons"] if re.fullmatch(button_id, b)
    )
    button = next(b for b in form["buttons"] if re.fullmatch(button_id, b))
    data = dict(form["fields"])
    name, value = form["buttons"][button]
    if name:
        data[name] = value
    data.update(fields)
    response = client.post(form["action"] or page_url, data, follow=True)
    html = response.content.decode()
    if 'id="confirm-form"' in html and not ALERT.search(html):
        confirm = next(f for f in read(html).forms if "confirm-submit" in f["buttons"])
        response = client.post(
            confirm["action"] or response.request["PATH_INFO"], dict(confirm["fields"]), follow=True
        )
    return response


def shown_messages(response) -> list[str]:
    return ["\n".join(read(alert).parts).strip() for alert in ALERT.findall(response.content.decode())]


def actions(demo):
    """(name, role, do) for the main action of each demo role; ``do(client)`` returns the landing page."""
    from assistance.models import Household
    from unionportal.campaigns.models import ActivityReport
    from unionportal.selection.enums import State
    from unionportal.selection.models import Candidacy

    users = demo.users
    draft = Candidacy.objects.filter(created_by=users["grassroots"], state=State.DRAFT).first()
    submitted = ActivityReport.objects.filter(state="submitted").first()
    household = (
        Household.objects.filter(cadre=users["cadre"]).exclude(state__in=["closed", "recovered"]).first()
    )
    managed = users["grassroots"]
    return [
        (
            "nomination_submit",
            "grassroots",
            lambda c: submit(c, f"/en/awards/{draft.pk}/", "submit-nomination"),
        ),
        ("nomination_delete", "grassroots", lambda c: c.post(f"/en/awards/{draft.pk}/delete/", follow=True)),
        (
            "user_deactivate",
            "province",
            lambda c: c.post(f"/en/orgs/users/{managed.pk}/deactivate/", follow=True),
        ),
        (
            "user_reactivate",
            "province",
            lambda c: c.post(f"/en/orgs/users/{managed.pk}/reactivate/", follow=True),
        ),
        ("mark_all_read", "expert", lambda c: c.post("/en/inbox/read-all/", follow=True)),
        (
            "report_accept",
            "province",
            lambda c: c.post(
                f"/en/campaigns/reports/{submitted.pk}/accept/", {"state": submitted.state}, follow=True
            ),
        ),
        (
            "household_transition",
            "cadre",
            lambda c: submit(c, f"/en/assistance/households/{household.pk}/", r"move-\w+", comment="test"),
        ),
    ]


def test_the_message_after_each_main_action_reads_in_english(demo):
    findings, shown = Findings(), {}
    for name, role, do in actions(demo):
        with transaction.atomic():
            response = do(client_for(demo, role))
            texts = shown_messages(response)
            transaction.set_rollback(True)
        shown[name] = texts
        assert texts, (name, response.request["PATH_INFO"], response.status_code)
        findings.add(f"message {name}", [line for text in texts for line in offending(text)])
    findings.assert_clean("message")
