"""Every English page a person can reach by following links reads in English.

For an anonymous visitor and for each demo account (on the demo data), the test signs in and follows
the links it is shown, from /en/ and /en/home/, staying on the English site: same origin, under /en/,
GET only. It does not sign out, follows no link into /files/ (pictures and downloads) and leaves the
admin (/en/admin/, Django's own pages) to tests/test_admin_site.py. It opens at most
``MAX_PAGES_PER_ROLE`` pages per role, and at most ``MAX_PER_KIND`` of one kind: the same path with other
numbers and the same query parameters (a household file or a filtered list stands for all of them). The
kinds the anonymous walk read are not opened again for a signed-in role (the same public pages; the
role's own pages carry the same menus).

On each page the text a person reads must hold no Han character and no full-width punctuation: the
page's ``document.body.innerText``, the text of what is closed (menus, dialogs, a select's options),
the placeholder, title, aria-label and alt attributes, the captions of input buttons and the page's
``<title>`` (less the data the page shows marked, such as the name a household's page is titled with). Elements
marked as user data are left out: ``data-user-content`` (names, units, deeds, addresses and news as
typed) and ``lang="zh-…"`` (Chinese on purpose: sheet and column names users type in their files,
messages the user reads in Chinese). A link offered on a page must also open (no 4xx or 5xx).
"""

import re
import time
from collections import Counter
from urllib.parse import parse_qsl, urlsplit, urlunsplit

import pytest
from django.core.management import call_command
from django.test import override_settings
from playwright.sync_api import Error as PlaywrightError

from tests.browser.conftest import sign_in
from unionportal.orgs.demo_data import ACCOUNTS

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

DEMO_PASSWORD = "demo-pass-2026"
MAX_PAGES_PER_ROLE = 150
MAX_PER_KIND = 3
# Han ideographs (with extension A and the compatibility block), CJK punctuation (、。《》【】 and the
# ideographic space) and the full-width forms (，：；（）！？). Curly quotes “” are English typography too,
# so they are not counted.
NOT_ENGLISH = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\u3000-\u303f\uff00-\uffef]")
SKIP_PATHS = re.compile(r"^/en/(accounts/logout/|admin/)|^/files/")

# Chinese still on English pages, each with the code that writes it: (path pattern, line pattern). A
# listed line the walk no longer finds fails the test, so that the list only shrinks.
KNOWN_LEFTOVERS: list[tuple[str, str]] = [
    # (path pattern, line pattern) of Chinese a walked page is known to show; the list may only shrink.
]

# The text a reader meets on the page, with user data left out.
READ_TEXT = """() => {
  const USER = "[data-user-content], [lang|='zh']";
  const SKIP = "script, style, template, noscript, textarea, " + USER;
  const parts = [];
  // Text nodes of what is not rendered (closed menus, dialogs, <option>s): innerText leaves them out.
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    const el = node.parentElement;
    if (el && !el.closest(SKIP) && el.getClientRects().length === 0) parts.push(node.data);
  }
  for (const el of document.body.querySelectorAll("[placeholder], [title], [aria-label], [alt]")) {
    if (el.closest(USER)) continue;
    for (const name of ["placeholder", "title", "aria-label", "alt"]) {
      // A link to the other language's page names that language in it (its title says 中文).
      if (el.hasAttribute(name) && !(name === "title" && el.matches("a[hreflang]"))) {
        parts.push(el.getAttribute(name));
      }
    }
  }
  for (const el of document.body.querySelectorAll("input[type=submit], input[type=button], input[type=reset]")) {
    if (!el.closest(USER)) parts.push(el.value);
  }
  // innerText with the user data taken out of the page (hiding is not enough: innerText keeps the
  // text of hidden <option>s), then put back.
  const taken = Array.from(document.body.querySelectorAll(USER)).map((el) => {
    const mark = document.createComment("user content");
    el.replaceWith(mark);
    return [mark, el];
  });
  parts.push(document.body.innerText);
  for (const [mark, el] of taken.reverse()) mark.replaceWith(el);
  return parts.join("\\n");
}"""
# The page's title (in <head>, where nothing can be marked) less the data the page shows marked as typed:
# a household's or a nominee's name in the title is the same name as in the page's heading.
TITLE = """() => {
  let title = document.title;
  const typed = Array.from(document.querySelectorAll("[data-user-content], [lang|='zh']"))
    .map((el) => el.textContent.trim())
    .filter(Boolean)
    .sort((a, b) => b.length - a.length);
  for (const text of typed) title = title.split(text).join("");
  return title;
}"""
LINKS = """() => Array.from(document.querySelectorAll("a[href]"))
  .filter((a) => !a.hasAttribute("download"))
  .map((a) => a.href)"""


def kind_of(url: str) -> str:
    """A page's kind: its path with every number replaced and the names of its query parameters
    (…/households/17/ ~ …/households/9/, ?state=filed ~ ?state=applied: the same template)."""
    parts = urlsplit(url)
    names = sorted({name for name, _value in parse_qsl(parts.query, keep_blank_values=True)})
    return re.sub(r"\d+", "#", parts.path) + "?" + "&".join(names)


def normalise(url: str, origin: str) -> str | None:
    """The URL to walk (without its fragment), or None for one the walk leaves alone."""
    parts = urlsplit(url)
    if f"{parts.scheme}://{parts.netloc}" != origin or not parts.path.startswith("/en/"):
        return None
    if SKIP_PATHS.search(parts.path):
        return None
    return urlunsplit(parts._replace(fragment=""))


def offending_lines(text: str) -> list[str]:
    return sorted({line.strip()[:160] for line in text.splitlines() if NOT_ENGLISH.search(line)})


def walk(
    page, base: str, limit: int = MAX_PAGES_PER_ROLE, *, read: set[str] | None = None
) -> tuple[list[str], dict[str, list[str]]]:
    """Follow links from /en/ and /en/home/; the pages opened and, per page, its lines that are not English.

    ``read`` collects the kinds of the pages read (opened at the URL asked for, without an error); a
    kind already in it when the walk starts is not opened again (the public pages, read once for the
    anonymous visitor: a signed-in role's own pages show the same menus, and they are read)."""
    origin = "{0.scheme}://{0.netloc}".format(urlsplit(base))
    queue = [base + "/en/", base + "/en/home/"]
    seen, kinds = set(queue), Counter()
    already = set(read) if read is not None else set()
    opened, problems = [], {}
    while queue and len(opened) < limit:
        url = queue.pop(0)
        kind = kind_of(url)
        if kinds[kind] >= MAX_PER_KIND or kind in already:
            continue
        kinds[kind] += 1
        try:
            # The page's own HTML is what is read: a craftsman's embedded players (remote frames, which
            # never load without internet) would hold the load event back.
            response = page.goto(url, wait_until="domcontentloaded")
        except PlaywrightError as error:  # a link to a spreadsheet or a PDF: nothing to read
            if "Download is starting" in str(error):
                continue
            raise
        if response is None or "text/html" not in (response.headers.get("content-type") or ""):
            continue
        here = normalise(page.url, origin)
        if here is None:  # redirected out of the English site
            continue
        opened.append(here)
        if response.status >= 400:  # a link the page offers must lead somewhere
            problems[here] = [f"HTTP {response.status}"]
            continue
        if read is not None and here == url:
            read.add(kind)
        lines = offending_lines(page.evaluate(READ_TEXT))
        lines += [f"<title> {line}" for line in offending_lines(page.evaluate(TITLE))]
        if lines:
            problems[here] = lines
        for link in page.evaluate(LINKS):
            link = normalise(link, origin)
            if link and link not in seen:
                seen.add(link)
                queue.append(link)
    return opened, problems


def known_leftover(path: str, line: str) -> int | None:
    for n, (path_pattern, line_pattern) in enumerate(KNOWN_LEFTOVERS):
        if re.search(path_pattern, path) and re.search(line_pattern, line):
            return n
    return None


@pytest.fixture
def demo_site(live_server, demo_day, tmp_path):
    """The demo data (its pictures in a temporary media folder) behind the live server, on the demo's day."""
    with override_settings(MEDIA_ROOT=tmp_path / "media"):
        with override_settings(DEBUG=True):  # seed_demo refuses to run on a production configuration
            call_command("seed_demo", verbosity=0)
        yield live_server.url


def test_every_english_page_reads_in_english_for_every_role(page, demo_site, capsys):
    started = time.monotonic()
    walked, failures, leftovers_seen = [], {}, set()
    public: set[str] = set()  # the kinds the anonymous walk read; the signed-in walks skip them
    for username in [None, *(account["username"] for account in ACCOUNTS)]:
        role = username or "anonymous"
        if username:
            sign_in(page, demo_site + "/en", username, DEMO_PASSWORD)
            opened, problems = walk(page, demo_site, read=set(public))
        else:
            page.context.clear_cookies()
            opened, problems = walk(page, demo_site, read=public)
        walked.append(f"{role} {len(opened)}")
        assert len(opened) >= 5, (role, opened)  # signed in and found the pages of the role
        for url, lines in problems.items():
            path = url.removeprefix(demo_site)
            for line in lines:
                known = known_leftover(path, line)
                if known is None:
                    failures.setdefault(f"{role} {path}", []).append(line)
                else:
                    leftovers_seen.add(known)
    with capsys.disabled():
        print(
            f"\nEnglish walk, pages per role (at most {MAX_PAGES_PER_ROLE}): {', '.join(walked)}; "
            f"{time.monotonic() - started:.0f} s"
        )
    assert not failures, "Chinese on English pages:\n" + "\n".join(
        f"{page_}: {' | '.join(lines)}" for page_, lines in sorted(failures.items())
    )
    assert leftovers_seen == set(range(len(KNOWN_LEFTOVERS))), (
        "a known leftover is fixed: drop it from the list"
    )
