"""The interface is Chinese first with a complete English translation."""

import re
import shutil
import subprocess
import sys
from pathlib import Path

import polib
import pytest
from django.test import Client
from django.utils import translation

ROOT = Path(__file__).resolve().parents[1]
EN_PO = ROOT / "locale" / "en" / "LC_MESSAGES" / "django.po"
EN_MO = EN_PO.with_suffix(".mo")
HAN = re.compile(r"[\u4e00-\u9fff]")
QUOTED = re.compile(r"“[^”]*”|\"[^\"]*\"")


def test_english_catalogue_has_no_untranslated_or_fuzzy_entries():
    po = polib.pofile(str(EN_PO))
    assert len(po) > 200
    assert po.untranslated_entries() == []
    assert po.fuzzy_entries() == []
    assert not po.metadata_is_fuzzy
    # Chinese may appear only inside quotes: sheet and column names users must type in their files.
    untranslated_han = [e.msgid for e in po if HAN.search(QUOTED.sub("", e.msgstr))]
    assert untranslated_han == []


def test_compiled_catalogue_matches_the_po_file():
    mo = polib.mofile(str(EN_MO))
    po = polib.pofile(str(EN_PO))
    translated = {(e.msgctxt, e.msgid): e.msgstr for e in po.translated_entries()}
    compiled = {(e.msgctxt, e.msgid): e.msgstr for e in mo if e.msgid}
    assert compiled == translated, "run `make messages` to recompile locale/en"


def test_every_source_string_is_in_the_catalogue(tmp_path):
    """makemessages finds no msgid the English catalogue lacks (strings added without translating)."""
    if shutil.which("xgettext") is None:
        pytest.skip("gettext tools are not installed (make messages needs them; CI installs them)")
    known = {(e.msgctxt, e.msgid) for e in polib.pofile(str(EN_PO))}
    out = tmp_path / "check.po"
    subprocess.run([sys.executable, "-c", _EXTRACT, str(ROOT), str(out)], check=True, cwd=ROOT)
    extracted = {(e.msgctxt, e.msgid) for e in polib.pofile(str(out)) if e.msgid}
    assert extracted - known == set()


_EXTRACT = """
import os, sys, shutil, tempfile, pathlib
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "unionportal.settings")
import django
django.setup()
from django.core.management import call_command
root, out = pathlib.Path(sys.argv[1]), sys.argv[2]
work = pathlib.Path(tempfile.mkdtemp())
try:
    apps = ("awards", "craftsmen", "assistance", "bargaining", "competitions", "rights", "benefits")
    for name in ("unionportal", "templates", *apps):
        shutil.copytree(root / name, work / name, ignore=shutil.ignore_patterns("__pycache__"))
    (work / "locale").mkdir()
    os.chdir(work)
    call_command("makemessages", locale=["en"], verbosity=0, no_location=True)
    shutil.copy(work / "locale" / "en" / "LC_MESSAGES" / "django.po", out)
finally:
    shutil.rmtree(work)
"""


@pytest.mark.django_db
def test_pages_speak_chinese_by_default_and_english_under_en():
    client = Client()
    zh = client.get("/").content.decode()
    en = client.get("/en/").content.decode()
    assert "五一系列活动平台" in zh and 'lang="zh-Hans"' in zh
    assert "May Day Campaign Portal" in en and 'lang="en"' in en
    with translation.override("en"):
        from unionportal.orgs.enums import Level

        assert str(Level.GRASSROOTS.label) == "Grassroots union"
