"""Cadre pages: the dashboard, logging a visit on a phone, the visit log, the hardship lines; and their admin."""

import io
from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from PIL import Image

import assistance.admin_cadre  # noqa: F401 - registers the admin even before assistance/admin.py imports it
from assistance import services
from assistance.enums import Category, HouseholdState
from assistance.models import Household, Threshold, Visit
from assistance.services import threshold_set
from assistance.workflows import household_transition
from tests.assistance.factories import household_fields, ledger
from tests.factories import Role, make_user
from unionportal.audit.models import AuditEvent
from unionportal.uploads.models import StoredFile

pytestmark = pytest.mark.django_db

NOT_AN_IMAGE = "“notes.jpg”：文件内容不是 JPEG、PNG 或 WebP 图片，请上传这三种格式之一的图片。"
NOT_PAIRED = "只能为与您结对的企业登记走访。"


@pytest.fixture(autouse=True)
def _media_root(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path / "media")


@pytest.fixture
def world():
    return ledger()


def jpeg_with_gps(name="site.jpg", size=(96, 64)) -> SimpleUploadedFile:
    """A real small JPEG carrying a camera make and GPS position, as a phone's photo does."""
    exif = Image.Exif()
    exif[0x010F] = "PhoneMaker"  # Make
    exif[0x8825] = {1: "N", 2: (30.0, 35.0, 0.0)}  # GPS IFD: latitude
    buffer = io.BytesIO()
    Image.new("RGB", size, (183, 28, 28)).save(buffer, "JPEG", quality=90, exif=exif)
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/jpeg")


def visit_data(drive, **overrides) -> dict:
    data = {
        "drive_enterprise": drive.pk,
        "visited_on": timezone.localdate().isoformat(),
        "households_met": "3",
        "findings": "走访分流职工 3 户，1 户配偶重病。",
        "follow_up_needed": "on",
        "follow_up": "协助申请医疗救助",
    }
    data.update(overrides)
    return data


def log_visit(world, drive=None, **fields) -> Visit:
    return services.visit_log(
        actor=world.cadre,
        drive_enterprise=drive or world.drive,
        visited_on=fields.pop("visited_on", timezone.localdate()),
        households_met=2,
        findings="走访",
        **fields,
    )


def file_household(world, n=1, enterprise=None, actor=None, **overrides) -> Household:
    return services.household_create(
        actor=actor or world.cadre,
        enterprise=enterprise or world.enterprise,
        members=[],
        **household_fields(n, **overrides),
    )


# --- logging a visit ---------------------------------------------------------------------------------------


def test_the_visit_form_offers_only_the_cadres_enterprises_and_today(client, world):
    client.force_login(world.cadre)
    page = client.get("/assistance/visits/new/")
    html = page.content.decode()
    assert page.status_code == 200
    assert f'value="{timezone.localdate().isoformat()}"' in html
    assert "宜城水晶厂（去产能）" in html and "无工会企业" in html
    assert "夷陵磷化" not in html
    assert 'enctype="multipart/form-data"' in html
    assert 'accept="image/jpeg,image/png,image/webp"' in html
    assert "<script>" not in html and "style=" not in html  # the CSP forbids inline script and style


def test_cadre_logs_a_visit_with_a_photo_that_is_stored_re_encoded(client, world):
    client.force_login(world.cadre)
    photo = jpeg_with_gps()
    uploaded = photo.read()
    photo.seek(0)
    response = client.post("/assistance/visits/new/", {**visit_data(world.drive), "photos": [photo]})
    visit = Visit.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/assistance/visits/{visit.pk}/"
    assert (visit.cadre, visit.drive_enterprise, visit.households_met) == (world.cadre, world.drive, 3)
    assert (visit.follow_up_needed, visit.follow_up) == (True, "协助申请医疗救助")

    (stored,) = visit.photos.all()
    assert (stored.kind, stored.content_type, stored.width, stored.height) == ("image", "image/jpeg", 96, 64)
    with stored.file.open("rb") as handle:
        kept = handle.read()
    assert kept != uploaded  # re-encoded
    with Image.open(io.BytesIO(kept)) as image:
        assert dict(image.getexif()) == {}  # camera make and GPS position gone
    assert stored.thumbnail and stored.uploaded_by == world.cadre
    assert stored.organisation == world.tree["grassroots_a"]

    page = client.get(response["Location"]).content.decode()
    assert f'src="{stored.thumbnail_url}"' in page
    assert f'href="{stored.get_absolute_url()}"' in page
    served = client.get(stored.thumbnail_url)
    assert served.status_code == 200
    served.close()


def test_a_photo_that_is_not_an_image_is_refused_and_nothing_is_saved(client, world):
    client.force_login(world.cadre)
    text = SimpleUploadedFile("notes.jpg", "走访笔记，不是照片".encode(), content_type="image/jpeg")
    response = client.post(
        "/assistance/visits/new/", {**visit_data(world.drive), "photos": [jpeg_with_gps(), text]}
    )
    assert response.status_code == 200
    assert response.context["form"].errors["photos"] == [NOT_AN_IMAGE]
    assert NOT_AN_IMAGE in response.content.decode()
    assert not Visit.objects.exists()
    assert not StoredFile.objects.exists()


def test_an_enterprise_the_cadre_is_not_paired_with_is_refused(client, world):
    client.force_login(world.cadre)
    response = client.post("/assistance/visits/new/", visit_data(world.drive_b))
    assert response.status_code == 200
    assert response.context["form"].errors["drive_enterprise"] == [NOT_PAIRED]
    assert not Visit.objects.exists()
    # and the service refuses it whoever calls
    with pytest.raises(PermissionDenied) as excinfo:
        log_visit(world, drive=world.drive_b)
    assert str(excinfo.value) == NOT_PAIRED
    assert not Visit.objects.exists()


def test_a_follow_up_needs_its_note_and_a_visit_cannot_be_in_the_future(client, world):
    client.force_login(world.cadre)
    tomorrow = (timezone.localdate() + timedelta(days=1)).isoformat()
    response = client.post(
        "/assistance/visits/new/", visit_data(world.drive, follow_up="", visited_on=tomorrow)
    )
    errors = response.context["form"].errors
    assert errors["follow_up"] == ["需要跟进时，请写明跟进事项。"]
    assert errors["visited_on"] == ["走访日期不能晚于今天。"]
    assert not Visit.objects.exists()


def test_who_has_no_enterprise_cannot_log_a_visit(client, world):
    client.force_login(world.staff_a)
    assert client.get("/assistance/visits/new/").status_code == 403


def test_the_responsible_cadre_sees_the_visits_they_log(client, world):
    # world.drive_other names the cadre responsible without listing them among its cadres.
    visit = log_visit(world, drive=world.drive_other)
    client.force_login(world.cadre)
    assert client.get(f"/assistance/visits/{visit.pk}/").status_code == 200
    assert [v.pk for v in client.get("/assistance/visits/").context["page"].object_list] == [visit.pk]


# --- the visit log: scope -------------------------------------------------------------------------------


def test_visits_are_scoped_in_pages_and_admin(client, world):
    visit = log_visit(world)
    own_union_submitter = make_user("submitter_a", org=world.tree["grassroots_a"], role=Role.SUBMITTER)

    client.force_login(world.staff_a)
    assert [v.pk for v in client.get("/assistance/visits/").context["page"].object_list] == [visit.pk]
    assert client.get(f"/assistance/visits/{visit.pk}/").status_code == 200
    assert client.get(f"/admin/assistance/visit/{visit.pk}/change/").status_code == 200

    client.force_login(world.staff_b)
    assert list(client.get("/assistance/visits/").context["page"].object_list) == []
    assert client.get(f"/assistance/visits/{visit.pk}/").status_code == 404
    assert client.get(f"/admin/assistance/visit/{visit.pk}/change/").status_code == 404

    # Submitters, even of the visited enterprise's own union, see nothing of the ledger.
    for user in (world.submitter_b, own_union_submitter):
        client.force_login(user)
        assert client.get("/assistance/visits/").status_code == 403
        assert client.get(f"/assistance/visits/{visit.pk}/").status_code == 404


def test_the_visit_list_filters_by_enterprise(client, world):
    first = log_visit(world)
    other = log_visit(world, drive=world.drive_other)
    client.force_login(world.cadre)
    listed = client.get("/assistance/visits/", {"enterprise": world.drive.pk}).context["page"].object_list
    assert [v.pk for v in listed] == [first.pk]
    listed = client.get("/assistance/visits/").context["page"].object_list
    assert {v.pk for v in listed} == {first.pk, other.pk}
    # an enterprise outside the user's scope is not a valid filter
    response = client.get("/assistance/visits/", {"enterprise": world.drive_b.pk})
    assert response.context["filters"].errors["enterprise"]


def test_the_visit_list_query_count_does_not_grow_with_rows(client, world, django_assert_max_num_queries):
    client.force_login(world.staff_a)
    log_visit(world, photos=[jpeg_with_gps()])
    client.get("/assistance/visits/")  # warm the per-process caches (content types, sessions)
    with django_assert_max_num_queries(9):
        assert len(client.get("/assistance/visits/").context["page"].object_list) == 1
    for day in range(1, 12):
        log_visit(world, visited_on=timezone.localdate() - timedelta(days=day))
    with django_assert_max_num_queries(9):
        assert len(client.get("/assistance/visits/").context["page"].object_list) == 12


# --- dashboard --------------------------------------------------------------------------------------------


def test_the_cadre_dashboard_shows_enterprises_household_states_and_recent_visits(client, world):
    file_household(world, 1)
    second = file_household(world, 2)
    file_household(world, 3, enterprise=world.other)
    household_transition(actor=world.cadre, household_id=second.pk, to=HouseholdState.VERIFIED)
    file_household(world, 4, enterprise=world.enterprise_b, actor=world.staff_b)  # not theirs
    visit = log_visit(world)

    client.force_login(world.cadre)
    response = client.get("/assistance/")
    html = response.content.decode()
    assert response.status_code == 200
    assert [d.enterprise.name for d in response.context["enterprises"]] == ["宜城水晶厂", "无工会企业"]
    assert response.context["enterprises"][0].last_visited_on == visit.visited_on
    states = {value: n for value, _label, n in response.context["cadre_states"]}
    assert (states["applied"], states["verified"], sum(states.values())) == (2, 1, 3)
    assert [v.pk for v in response.context["recent_visits"]] == [visit.pk]
    assert 'id="log-visit" href="/assistance/visits/new/"' in html
    assert html.count('class="badge text-bg-dark capacity-cutting"') == 1
    assert 'id="staff-section"' not in html


def test_the_staff_dashboard_counts_the_subtree_by_category_and_state(
    client, world, django_assert_max_num_queries
):
    file_household(world, 1)  # 1,200 alone: relative under 650 × 2 with a cause
    file_household(world, 2, worker_income=Decimal("500"))  # deep
    file_household(world, 3, worker_income=Decimal("500"), enterprise=world.other)
    file_household(world, 4, enterprise=world.enterprise_b, actor=world.staff_b)
    log_visit(world)

    client.force_login(world.staff_a)
    client.get("/assistance/")
    # 9: the user's pairings are one lookup of their own (models.paired_enterprise_ids).
    with django_assert_max_num_queries(9):
        response = client.get("/assistance/")
    table = response.context["table"]
    cells = {(c.value, row["state"].value): n for row in table["rows"] for c, n in row["cells"]}
    assert cells[("deep", "applied")] == 2
    assert cells[("relative", "applied")] == 1
    assert table["total"] == 3
    assert response.context["drive_counts"] == {"total": 2, "capacity_cutting": 1}
    assert response.context["visit_counts"] == {"recent": 1, "follow_up": 0}
    html = response.content.decode()
    assert 'href="/assistance/households/?category=deep&amp;state=applied">2</a>' in html
    assert 'id="log-visit"' not in html

    client.force_login(world.staff_b)
    assert client.get("/assistance/").context["table"]["total"] == 1


def test_the_dashboard_is_for_cadres_and_staff_only(client, world):
    client.force_login(world.submitter_b)
    assert client.get("/assistance/").status_code == 403
    client.logout()
    assert client.get("/assistance/").status_code == 302


# --- thresholds -------------------------------------------------------------------------------------------


def test_raising_the_line_makes_a_relative_household_deep(world):
    """Service level: 1,000 a head with a cause is relative under 650 (k 2), deep under 1,100."""
    household = file_household(world, worker_income=Decimal("1000"), causes=["schooling"])
    assert (household.per_capita_income, household.category) == (Decimal("1000.00"), Category.RELATIVE)

    threshold, result = threshold_set(
        actor=world.staff_a,
        organisation=world.tree["county_a"],
        dibao_line=Decimal("1100"),
        relative_factor=Decimal("2"),
    )
    household.refresh_from_db()
    assert household.category == Category.DEEP
    assert household.category_explanation == (
        "家庭人均月收入 1,000.00 元，低于County a低保线 1,100.00 元，认定为深度困难。"
    )
    assert (result.checked, [(h.pk, b, a) for h, b, a in result.changed], result.failed) == (
        1,
        [(household.pk, "relative", "deep")],
        [],
    )
    event = AuditEvent.objects.get(action="assistance.threshold.change")
    assert (event.actor, event.org_path) == (world.staff_a, world.tree["county_a"].path)
    assert event.changes == {"dibao_line": ["650.00", "1100.00"]}
    assert AuditEvent.objects.get(action="assistance.household.recategorise").changes == {
        "category": ["relative", "deep"]
    }
    assert threshold.updated_by == world.staff_a


def test_a_part_with_its_own_line_and_closed_files_are_not_recategorised(world):
    Threshold.objects.create(organisation=world.tree["township_a"], dibao_line=Decimal("650"))
    own_line = file_household(world, 1, worker_income=Decimal("1000"), enterprise=world.other)  # township_a
    rejected = file_household(world, 2, worker_income=Decimal("1000"))
    household_transition(actor=world.staff_a, household_id=rejected.pk, to="rejected", comment="不符合条件")

    _threshold, result = threshold_set(
        actor=world.staff_a,
        organisation=world.tree["county_a"],
        dibao_line=Decimal("1100"),
        relative_factor=Decimal("2"),
    )
    assert result.checked == 0
    own_line.refresh_from_db()
    rejected.refresh_from_db()
    assert own_line.category == rejected.category == Category.RELATIVE


def test_thresholds_outside_the_subtree_are_refused_by_the_service(world):
    with pytest.raises(PermissionDenied):
        threshold_set(
            actor=world.staff_b,
            organisation=world.tree["county_a"],
            dibao_line=Decimal("1"),
            relative_factor=Decimal("2"),
        )
    assert Threshold.objects.get(organisation=world.tree["county_a"]).dibao_line == Decimal("650")


def test_the_threshold_list_shows_own_and_inherited_lines(client, world):
    city_staff = make_user("city_a_staff", org=world.tree["city_a"], role=Role.STAFF)
    client.force_login(city_staff)
    response = client.get("/assistance/thresholds/")
    rows = {org.name: org for org in response.context["page"].object_list}
    assert list(rows) == ["City a", "County a"]
    assert rows["City a"].own is None and rows["City a"].effective.dibao_line == Decimal("700")
    assert rows["County a"].own.dibao_line == Decimal("650")
    assert rows["County a"].relative_limit == Decimal("1300.00")
    html = response.content.decode()
    assert "沿用Province" in html and "本级设定" in html


def test_staff_edit_the_line_and_the_derived_category_changes(client, world):
    household = file_household(world, worker_income=Decimal("1000"), causes=["schooling"])
    county = world.tree["county_a"]
    client.force_login(world.staff_a)
    page = client.get(f"/assistance/thresholds/{county.pk}/")
    assert page.status_code == 200
    assert "现行标准：低保线 650.00 元，系数 k = 2（本级设定）。" in page.content.decode()

    response = client.post(
        f"/assistance/thresholds/{county.pk}/", {"dibao_line": "1100", "relative_factor": "2"}, follow=True
    )
    assert response.redirect_chain == [("/assistance/thresholds/", 302)]
    assert (
        "County a的困难认定标准已保存：重新认定在档家庭 1 户，其中 1 户类别发生变化。"
        in response.content.decode()
    )
    household.refresh_from_db()
    assert household.category == Category.DEEP
    assert Threshold.objects.get(organisation=county).dibao_line == Decimal("1100")


def test_an_inherited_line_can_be_set_for_a_city(client, world):
    city = world.tree["city_a"]
    client.force_login(make_user("city_a_staff", org=city, role=Role.STAFF))
    page = client.get(f"/assistance/thresholds/{city.pk}/").content.decode()
    assert "目前沿用Province的标准：低保线 700.00 元，系数 k = 2。" in page
    assert 'name="dibao_line" value="700.00"' in page
    client.post(f"/assistance/thresholds/{city.pk}/", {"dibao_line": "720", "relative_factor": "1.8"})
    threshold = Threshold.objects.get(organisation=city)
    assert (threshold.dibao_line, threshold.relative_factor) == (Decimal("720.00"), Decimal("1.80"))


def test_a_line_out_of_range_is_refused(client, world):
    county = world.tree["county_a"]
    client.force_login(world.staff_a)
    response = client.post(
        f"/assistance/thresholds/{county.pk}/", {"dibao_line": "0", "relative_factor": "9"}
    )
    assert response.status_code == 200
    assert set(response.context["form"].errors) == {"dibao_line", "relative_factor"}
    assert Threshold.objects.get(organisation=county).dibao_line == Decimal("650")


def test_threshold_pages_outside_the_subtree_answer_404(client, world):
    county = world.tree["county_a"]
    township_staff = make_user("township_a_staff", org=world.tree["township_a"], role=Role.STAFF)
    for user in (world.staff_b, world.cadre, township_staff):
        client.force_login(user)
        assert client.get(f"/assistance/thresholds/{county.pk}/").status_code == 404
        assert (
            client.post(
                f"/assistance/thresholds/{county.pk}/", {"dibao_line": "1", "relative_factor": "2"}
            ).status_code
            == 404
        )
    assert Threshold.objects.get(organisation=county).dibao_line == Decimal("650")
    client.force_login(world.cadre)
    assert client.get("/assistance/thresholds/").status_code == 403
    client.force_login(world.staff_b)
    threshold = Threshold.objects.get(organisation=county)
    assert client.get(f"/admin/assistance/threshold/{threshold.pk}/change/").status_code == 404


# --- admin ------------------------------------------------------------------------------------------------


def test_admin_threshold_change_goes_through_the_same_path(client, world):
    household = file_household(world, worker_income=Decimal("1000"), causes=["schooling"])
    threshold = Threshold.objects.get(organisation=world.tree["county_a"])
    client.force_login(world.staff_a)
    response = client.post(
        f"/admin/assistance/threshold/{threshold.pk}/change/", {"dibao_line": "1100", "relative_factor": "2"}
    )
    assert response.status_code == 302
    household.refresh_from_db()
    assert household.category == Category.DEEP
    assert AuditEvent.objects.filter(action="assistance.threshold.change").count() == 1


def test_admin_pairing_offers_only_cadres_in_scope(client, world):
    cadre_b = make_user("cadre_b", org=world.tree["county_b"], role=Role.CADRE)
    client.force_login(world.staff_a)
    response = client.get("/admin/assistance/driveenterprise/add/")
    assert response.status_code == 200
    form = response.context["adminform"].form
    assert list(form.fields["responsible_cadre"].queryset) == [world.cadre]
    assert list(form.fields["cadres"].queryset) == [world.cadre]
    assert cadre_b not in form.fields["cadres"].queryset

    changelist = client.get("/admin/assistance/driveenterprise/")
    assert {d.pk for d in changelist.context["cl"].result_list} == {world.drive.pk, world.drive_other.pk}
    client.force_login(world.staff_b)
    assert client.get(f"/admin/assistance/driveenterprise/{world.drive.pk}/change/").status_code == 404
