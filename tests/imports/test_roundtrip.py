"""Re-importing an unmodified export changes nothing: the formula guard is taken away again."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from tests.factories import make_enterprise
from unionportal.imports import reading, services
from unionportal.imports.enums import JobStatus
from unionportal.imports.masking import neutralise
from unionportal.imports.tasks import run
from unionportal.orgs.models import Enterprise

pytestmark = pytest.mark.django_db

# Names a spreadsheet would take for formulas, and names that already start with an apostrophe.
NAMES = ['=HYPERLINK("http://x")企业', "+86 企业", "-减 企业", "@at 企业", "'撇号企业", "''=双撇号"]


def _values():
    return sorted(Enterprise.objects.values_list("credit_code", "name", "address", "employees", "updated_at"))


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_reimporting_an_export_changes_nothing_twice(
    tree, county_staff, fmt, django_capture_on_commit_callbacks
):
    for n, name in enumerate(NAMES):
        make_enterprise(tree["township_a"], tree["grassroots_a"], name=name, address=f"={n}+1 号")
    before = _values()
    for _round in range(2):
        filename, _type, content = services.export_file(actor=county_staff, key="orgs.enterprise", fmt=fmt)
        if fmt == "csv":  # the export itself is guarded
            assert b"'=HYPERLINK" in content and "'''=双撇号".encode() in content
        job = services.job_create(
            actor=county_staff, key="orgs.enterprise", upload=SimpleUploadedFile(filename, content)
        )
        assert job.preview["counts"] == {"new": 0, "changed": 0, "unchanged": len(NAMES), "error": 0}
        with django_capture_on_commit_callbacks(execute=False):
            services.job_confirm(actor=county_staff, job_id=job.pk)
        assert run(job_id=job.pk) == "done"
        job.refresh_from_db()
        assert (job.status, job.created_count, job.updated_count) == (JobStatus.DONE, 0, 0)
        assert _values() == before  # not even updated_at moved


def test_unguard_takes_away_exactly_what_neutralise_adds():
    for value in ["=1+1", "+86", "-5", "@x", "\tx", "\rx", "'=x", "'x", "''", "'", "a'b", "普通", ""]:
        assert reading.unguard(neutralise(value)) == value
    assert reading.unguard("'=SUM(A1)") == "=SUM(A1)"
    assert reading.unguard("'abc") == "'abc"  # not a guard our exports write
