"""The portal's account pages for organisation admins: list, create, deactivate, import, template."""

import io
import zipfile
from types import SimpleNamespace

import pytest
from django.contrib.auth import get_user_model
from django.contrib.messages import get_messages
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation
from openpyxl import Workbook, load_workbook

from tests.factories import make_org, make_tree, make_user
from unionportal.orgs.enums import Level, Role
from unionportal.orgs.models import Membership, Organisation

User = get_user_model()
pytestmark = pytest.mark.django_db

INVALID_CHOICE = "选择一个有效的选项： 该选择不在可用的选项中。"
HEADERS = ["用户名", "姓名", "手机号", "邮箱", "组织代码", "角色"]


@pytest.fixture(scope="module")
def world(module_db):
    with module_db.unblock():
        t = make_tree()
        users = {
            "admin_ka": make_user("admin_ka", org=t["county_a"], role=Role.ORG_ADMIN, name="县管理员"),
            "staff_ka": make_user("staff_ka", org=t["county_a"], role=Role.STAFF),
            "submitter_ga": make_user(
                "submitter_ga", org=t["grassroots_a"], role=Role.SUBMITTER, name="张三", phone="13812341234"
            ),
            "cadre_ta": make_user("cadre_ta", org=t["township_a"], role=Role.CADRE, name="李四"),
            "submitter_gb": make_user(
                "submitter_gb", org=t["grassroots_b"], role=Role.SUBMITTER, name="王五", phone="13900001111"
            ),
            "straddler": make_user("straddler", org=t["grassroots_a"], role=Role.SUBMITTER, name="跨区"),
        }
        from unionportal.orgs.services import membership_grant

        membership_grant(user=users["straddler"], organisation=t["grassroots_b"], role=Role.SUBMITTER)
    return SimpleNamespace(
        org={k: v.pk for k, v in t.items()},
        code={k: v.code for k, v in t.items()},
        user={k: v.pk for k, v in users.items()},
    )


@pytest.fixture
def as_user(client, world):
    def _login(username):
        client.force_login(User.objects.get(pk=world.user[username]))
        return client

    return _login


@pytest.fixture
def admin_client(as_user):
    return as_user("admin_ka")


def messages_of(response) -> list[str]:
    return [str(m) for m in get_messages(response.wsgi_request)]


# --- create ------------------------------------------------------------------------------------------


def create_data(world, **overrides):
    data = {
        "username": "new_member",
        "name": "赵六",
        "phone": "13811112222",
        "email": "",
        "organisation": world.org["grassroots_a"],
        "role": Role.SUBMITTER,
    }
    data.update(overrides)
    return data


def test_org_admin_creates_an_account_in_the_subtree(world, admin_client):
    response = admin_client.post(reverse("orgs:user_create"), create_data(world))

    assert response.status_code == 200
    assert response.templates[0].name == "orgs/accounts_created.html"
    [(user, password)] = response.context["created"]
    user = User.objects.get(username="new_member")
    assert (user.name, user.phone, user.must_change_password, user.is_active) == (
        "赵六",
        "13811112222",
        True,
        True,
    )
    assert user.created_by_id == world.user["admin_ka"]
    assert user.check_password(password)
    assert len(password) == 12
    # Shown once, on this page only.
    assert response.content.decode().count(password) == 1
    assert list(Membership.objects.filter(user=user).values_list("organisation_id", "role", "is_active")) == [
        (world.org["grassroots_a"], Role.SUBMITTER, True)
    ]
    assert admin_client.get(reverse("orgs:users")).content.decode().count(password) == 0


def test_account_without_phone_or_email(world, admin_client):
    response = admin_client.post(reverse("orgs:user_create"), create_data(world, phone="", role=Role.CADRE))

    assert response.status_code == 200
    assert response.context.get("created"), response.context["form"].errors
    assert User.objects.get(username="new_member").phone is None


def test_creating_in_an_organisation_outside_the_subtree_is_refused(world, admin_client):
    before = User.objects.count()

    response = admin_client.post(
        reverse("orgs:user_create"), create_data(world, organisation=world.org["grassroots_b"])
    )

    assert response.status_code == 200
    assert response.context["form"].errors == {"organisation": [INVALID_CHOICE]}
    assert User.objects.count() == before
    assert not User.objects.filter(username="new_member").exists()


def test_create_form_offers_only_the_subtree(world, admin_client):
    response = admin_client.get(reverse("orgs:user_create"))

    assert [o.name for o in response.context["form"].fields["organisation"].queryset] == [
        "County a",
        "Township a",
        "Union a",
    ]


def test_duplicate_username_and_phone_are_form_errors(world, admin_client):
    response = admin_client.post(
        reverse("orgs:user_create"), create_data(world, username="submitter_gb", phone="13900001111")
    )

    assert response.context["form"].errors == {
        "username": ["该用户名已被使用。"],
        "phone": ["该手机号已被其他账户使用。"],
    }


@pytest.mark.parametrize(
    "url_name",
    ["orgs:users", "orgs:user_create", "orgs:user_import", "orgs:user_import_template"],
)
def test_staff_without_org_admin_role_gets_403(world, as_user, url_name):
    response = as_user("staff_ka").get(reverse(url_name))

    assert response.status_code == 403


def test_non_org_admin_cannot_create_by_post(world, as_user):
    before = User.objects.count()

    response = as_user("submitter_ga").post(reverse("orgs:user_create"), create_data(world))

    assert response.status_code == 403
    assert User.objects.count() == before


def test_anonymous_is_sent_to_login(world, client):
    response = client.get(reverse("orgs:users"))

    assert response.status_code == 302
    assert response["Location"] == f"{reverse('accounts:login')}?next={reverse('orgs:users')}"


# --- list --------------------------------------------------------------------------------------------


def listed(response) -> list[str]:
    return [u.username for u in response.context["page"].object_list]


def test_list_shows_only_the_subtree_with_masked_phones(world, admin_client):
    response = admin_client.get(reverse("orgs:users"))

    assert response.status_code == 200
    assert listed(response) == ["admin_ka", "cadre_ta", "staff_ka", "straddler", "submitter_ga"]
    html = response.content.decode()
    assert "138****1234" in html
    assert "13812341234" not in html
    assert "submitter_gb" not in html


@pytest.mark.parametrize(
    ("q", "expected"),
    [("张三", ["submitter_ga"]), ("1234", ["submitter_ga"]), ("CADRE", ["cadre_ta"]), ("王五", [])],
)
def test_list_search(world, admin_client, q, expected):
    response = admin_client.get(reverse("orgs:users"), {"q": q})

    assert listed(response) == expected
    assert response.context["search"] == q


def test_list_never_signed_in_filter(world, admin_client):
    User.objects.filter(pk=world.user["cadre_ta"]).update(last_login="2026-04-01T08:00:00+08:00")

    response = admin_client.get(reverse("orgs:users"), {"never": "1"})

    # admin_ka has signed in (force_login), cadre_ta too.
    assert listed(response) == ["staff_ka", "straddler", "submitter_ga"]


# Session, user, the membership rows (one scope query), count, users, their memberships, their
# organisations, the unread inbox count. None of it depends on the number of rows.
MAX_LIST_QUERIES = 8


def lonely_admin(world):
    union = make_org(
        Organisation.objects.get(pk=world.org["county_b"]), level=Level.GRASSROOTS, name="Lonely"
    )
    return union, make_user("lonely_admin", org=union, role=Role.ORG_ADMIN)


def test_list_paginates_25_a_page(world, client):
    union, admin = lonely_admin(world)
    for i in range(30):
        make_user(f"member{i:02d}", org=union, role=Role.WORKER, phone=f"1370000{i:04d}")
    client.force_login(admin)

    first = client.get(reverse("orgs:users"))
    second = client.get(reverse("orgs:users"), {"page": 2})

    assert len(listed(first)) == 25
    assert listed(second) == ["member24", "member25", "member26", "member27", "member28", "member29"]
    assert "第 2 页，共 2 页" in second.content.decode()
    assert "137****0029" in second.content.decode()


def test_list_query_count_does_not_grow_with_users(world, client):
    union, admin = lonely_admin(world)
    client.force_login(admin)
    url = reverse("orgs:users")
    client.get(url)  # the first request of a session writes it; count the steady state

    with CaptureQueriesContext(connection) as one:
        response = client.get(url)
    assert listed(response) == ["lonely_admin"]

    for i in range(30):
        member = make_user(f"member{i:02d}", org=union, role=Role.WORKER)
        Membership.objects.create(user=member, organisation=union, role=Role.SUBMITTER)
    with CaptureQueriesContext(connection) as thirty:
        response = client.get(url)
    assert len(listed(response)) == 25

    assert len(thirty) == len(one) <= MAX_LIST_QUERIES, [q["sql"] for q in thirty.captured_queries]


def test_list_query_bound(world, client, django_assert_max_num_queries):
    union, admin = lonely_admin(world)
    for i in range(30):
        make_user(f"member{i:02d}", org=union, role=Role.WORKER)
    client.force_login(admin)
    client.get(reverse("orgs:users"))

    with django_assert_max_num_queries(MAX_LIST_QUERIES):
        client.get(reverse("orgs:users"))


# --- deactivate / reactivate ---------------------------------------------------------------------------


def test_deactivate_asks_first(world, admin_client):
    url = reverse("orgs:user_deactivate", args=[world.user["submitter_ga"]])

    response = admin_client.get(url)

    assert response.status_code == 200
    assert response.context["question"] == "确定停用账户 张三 吗？停用后将无法登录。"
    assert User.objects.get(pk=world.user["submitter_ga"]).is_active is True


def test_deactivate_on_post(world, admin_client):
    url = reverse("orgs:user_deactivate", args=[world.user["submitter_ga"]])

    response = admin_client.post(url)

    assert response.status_code == 302
    assert response["Location"] == reverse("orgs:users")
    assert messages_of(response) == ["账户 张三 已停用。"]
    assert User.objects.get(pk=world.user["submitter_ga"]).is_active is False


def test_deactivated_account_can_be_reactivated(world, admin_client):
    User.objects.filter(pk=world.user["cadre_ta"]).update(is_active=False)
    url = reverse("orgs:user_reactivate", args=[world.user["cadre_ta"]])

    assert admin_client.get(url).status_code == 200
    assert User.objects.get(pk=world.user["cadre_ta"]).is_active is False
    response = admin_client.post(url)

    assert messages_of(response) == ["账户 李四 已重新启用。"]
    assert User.objects.get(pk=world.user["cadre_ta"]).is_active is True


@pytest.mark.parametrize("method", ["get", "post"])
@pytest.mark.parametrize("url_name", ["orgs:user_deactivate", "orgs:user_reactivate"])
def test_account_outside_the_subtree_answers_404(world, admin_client, method, url_name):
    url = reverse(url_name, args=[world.user["submitter_gb"]])

    response = getattr(admin_client, method)(url)

    assert response.status_code == 404
    assert User.objects.get(pk=world.user["submitter_gb"]).is_active is True


def test_cannot_deactivate_yourself(world, admin_client):
    response = admin_client.post(reverse("orgs:user_deactivate", args=[world.user["admin_ka"]]))

    assert response.status_code == 302
    assert messages_of(response) == ["不能停用自己的账户。"]
    assert User.objects.get(pk=world.user["admin_ka"]).is_active is True


def test_cannot_deactivate_an_account_that_also_belongs_elsewhere(world, admin_client):
    response = admin_client.post(reverse("orgs:user_deactivate", args=[world.user["straddler"]]))

    assert messages_of(response) == ["该账户属于您管辖范围以外的组织。"]
    assert User.objects.get(pk=world.user["straddler"]).is_active is True


def test_deactivate_in_english(world, admin_client):
    response = admin_client.post(f"/en{reverse('orgs:user_deactivate', args=[world.user['admin_ka']])}")

    assert messages_of(response) == ["You cannot deactivate your own account."]


# --- import ------------------------------------------------------------------------------------------


def good_rows(world) -> list[list]:
    return [
        ["imp1", "赵一", "13700000001", "", world.code["grassroots_a"], "填报人"],
        ["imp2", "赵二", "", "imp2@example.com", world.code["township_a"], "工会干部"],
        ["imp3", "赵三", "+86 137-0000-0003", "", world.code["county_a"], "submitter"],
    ]


def csv_file(rows, *, name="accounts.csv", encoding="utf-8", headers=HEADERS):
    lines = [",".join(str(v) for v in row) for row in [headers, *rows]]
    return SimpleUploadedFile(name, ("\r\n".join(lines) + "\r\n").encode(encoding), content_type="text/csv")


def xlsx_file(rows, *, name="accounts.xlsx", headers=HEADERS):
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(headers)
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return SimpleUploadedFile(
        name,
        buffer.getvalue(),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )


def post_import(client, upload, *, prefix=""):
    return client.post(f"{prefix}{reverse('orgs:user_import')}", {"file": upload})


def assert_three_imported(world, response):
    assert response.status_code == 200, response.context.get("errors")
    assert sorted(u.username for u, _password in response.context["created"]) == ["imp1", "imp2", "imp3"]
    imported = {u.username: u for u in User.objects.filter(username__startswith="imp")}
    assert {k: (u.name, u.phone, u.must_change_password) for k, u in imported.items()} == {
        "imp1": ("赵一", "13700000001", True),
        "imp2": ("赵二", None, True),
        "imp3": ("赵三", "13700000003", True),
    }
    assert set(
        Membership.objects.filter(user__username__startswith="imp").values_list(
            "user__username", "organisation_id", "role"
        )
    ) == {
        ("imp1", world.org["grassroots_a"], Role.SUBMITTER),
        ("imp2", world.org["township_a"], Role.CADRE),
        ("imp3", world.org["county_a"], Role.SUBMITTER),
    }


def test_import_csv_creates_three_accounts(world, admin_client):
    assert_three_imported(world, post_import(admin_client, csv_file(good_rows(world))))


def test_import_gbk_csv(world, admin_client):
    assert_three_imported(world, post_import(admin_client, csv_file(good_rows(world), encoding="gbk")))


def test_import_xlsx_creates_three_accounts(world, admin_client):
    rows = good_rows(world)
    rows[0][2] = 13700000001  # typed as a number in Excel
    assert_three_imported(world, post_import(admin_client, xlsx_file(rows)))


def test_import_xlsx_is_recognised_by_content_not_name(world, admin_client):
    assert_three_imported(world, post_import(admin_client, xlsx_file(good_rows(world), name="accounts.bin")))


def test_import_page_links_the_template(world, admin_client):
    response = admin_client.get(reverse("orgs:user_import"))

    assert response.status_code == 200
    assert reverse("orgs:user_import_template") in response.content.decode()


BAD_ROWS = {
    # case: (bad third data row builder, Chinese message, English message)
    "unknown_org": (
        lambda w: ["bad", "坏", "", "", "NOPE-404", "填报人"],
        "第 3 行：组织代码“NOPE-404”不存在。",
        "Row 3: no organisation has the code “NOPE-404”.",
    ),
    "outside": (
        lambda w: ["bad", "坏", "", "", w.code["grassroots_b"], "填报人"],
        "第 3 行：组织“Union b”不在您的管辖范围内。",
        "Row 3: the organisation “Union b” is outside your subtree.",
    ),
    "duplicate": (
        lambda w: ["imp1", "坏", "", "", w.code["grassroots_a"], "填报人"],
        "第 3 行：用户名“imp1”在文件中重复出现。",
        "Row 3: the user name “imp1” appears twice in the file.",
    ),
    "bad_phone": (
        lambda w: ["bad", "坏", "12345", "", w.code["grassroots_a"], "填报人"],
        "第 3 行：“12345”不是有效的手机号。",
        "Row 3: “12345” is not a valid mobile number.",
    ),
}


def rows_with_bad_third(world, case) -> list[list]:
    good = good_rows(world)
    # The header is row 1, so the second data row is row 3.
    return [good[0], BAD_ROWS[case][0](world), good[1], good[2]]


@pytest.mark.parametrize("case", list(BAD_ROWS))
@pytest.mark.parametrize("make_file", [csv_file, xlsx_file], ids=["csv", "xlsx"])
def test_one_bad_row_imports_nothing(world, admin_client, case, make_file):
    before = User.objects.count()

    response = post_import(admin_client, make_file(rows_with_bad_third(world, case)))

    assert response.status_code == 400
    assert response.context["errors"] == [BAD_ROWS[case][1]]
    assert BAD_ROWS[case][1] in response.content.decode()
    assert User.objects.count() == before


@pytest.mark.parametrize("case", list(BAD_ROWS))
def test_one_bad_row_in_english(world, admin_client, case):
    before = User.objects.count()

    response = post_import(admin_client, csv_file(rows_with_bad_third(world, case)), prefix="/en")

    assert response.status_code == 400
    assert response.context["errors"] == [BAD_ROWS[case][2]]
    assert User.objects.count() == before


def test_every_bad_row_is_listed(world, admin_client):
    rows = [
        *good_rows(world),
        ["", "无名", "", "", world.code["grassroots_a"], "填报人"],
        ["imp9", "赵九", "13812341234", "", "", "校长"],
    ]

    response = post_import(admin_client, csv_file(rows))

    assert response.status_code == 400
    assert response.context["errors"] == [
        "第 5 行：缺少用户名。",
        "第 6 行：手机号 13812341234 已被其他账户使用; 缺少组织代码; 角色“校长”无法识别。",
    ]
    assert not User.objects.filter(username__startswith="imp").exists()


def zip_without_workbook() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("word/document.xml", "<w:document/>")
    return buffer.getvalue()


PNG = (
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00\x1f\x15\xc4\x89"
)
HTML = (
    '<!DOCTYPE html>\n<html><head><meta charset="utf-8"></head>\n<body><table>\n'
    "<tr><td>用户名</td><td>姓名</td></tr>\n<tr><td>imp1</td><td>赵一</td></tr>\n</table></body></html>\n"
).encode()
NOT_XLSX = "该文件不是 Excel 工作簿（.xlsx）。"
NEITHER = "该文件既不是 Excel 工作簿（.xlsx）也不是 CSV 文件。"


def refusals(response) -> list[str]:
    """The reader's errors and the upload field's errors, as shown on the page."""
    return [*response.context["errors"], *response.context["form"].errors.get("file", [])]


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("picture.png", PNG, NEITHER),
        ("picture.xlsx", PNG, NOT_XLSX),
        ("export.xlsx", HTML, NOT_XLSX),
        ("document.xlsx", zip_without_workbook(), NOT_XLSX),
        ("document.bin", zip_without_workbook(), NOT_XLSX),
        ("broken.xlsx", b"PK\x03\x04" + b"garbage" * 20, NOT_XLSX),
    ],
    ids=["png", "png-named-xlsx", "html-named-xlsx", "zip-without-workbook", "zip-any-name", "broken-zip"],
)
def test_a_file_that_is_not_a_spreadsheet_is_refused(world, admin_client, name, content, message):
    before = User.objects.count()

    response = post_import(admin_client, SimpleUploadedFile(name, content))

    assert response.status_code == 400
    assert refusals(response) == [message]
    assert message in response.content.decode()
    assert User.objects.count() == before


def test_not_a_spreadsheet_in_english(world, admin_client):
    response = post_import(
        admin_client, SimpleUploadedFile("document.xlsx", zip_without_workbook()), prefix="/en"
    )

    assert response.status_code == 400
    assert response.context["errors"] == ["The file is not an Excel workbook (.xlsx)."]


def test_empty_file_is_refused(world, admin_client):
    response = post_import(admin_client, SimpleUploadedFile("accounts.csv", b"   \n"))

    # Django refuses an empty upload before the reader sees it; a blank one reaches the reader.
    assert response.status_code == 400
    assert response.context["errors"] == ["文件为空。"]


def test_header_only_file_is_refused(world, admin_client):
    response = post_import(admin_client, csv_file([]))

    assert response.status_code == 400
    assert response.context["errors"] == ["文件中没有数据行。"]


def test_template_is_a_real_workbook_with_the_chinese_headers(world, admin_client):
    response = admin_client.get(reverse("orgs:user_import_template"))

    assert response.status_code == 200
    assert response["Content-Type"] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    assert response["Content-Disposition"] == 'attachment; filename="accounts-template.xlsx"'
    workbook = load_workbook(io.BytesIO(response.content), read_only=True)
    rows = list(workbook.worksheets[0].iter_rows(values_only=True))
    workbook.close()
    assert list(rows[0]) == HEADERS
    assert len(rows) == 2


def test_template_headers_are_chinese_under_english_too(world, admin_client):
    response = admin_client.get(f"/en{reverse('orgs:user_import_template')}")

    workbook = load_workbook(io.BytesIO(response.content), read_only=True)
    header = next(workbook.worksheets[0].iter_rows(values_only=True))
    workbook.close()
    assert list(header) == HEADERS


def test_filled_template_imports(world, admin_client):
    template = admin_client.get(reverse("orgs:user_import_template")).content
    workbook = load_workbook(io.BytesIO(template))
    sheet = workbook.worksheets[0]
    sheet.delete_rows(2)
    for row in good_rows(world):
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)

    with translation.override("zh-hans"):
        response = post_import(admin_client, SimpleUploadedFile("filled.xlsx", buffer.getvalue()))

    assert_three_imported(world, response)


def test_an_import_with_a_blank_row_names_the_rows_as_the_user_sees_them(world, admin_client):
    sheet = "用户名,姓名,手机号,邮箱,组织代码,角色\nok_one,甲,,,{code},填报人\n\nbad_two,乙,,,NOPE,填报人\n"
    upload = SimpleUploadedFile("accounts.csv", sheet.format(code=world.code["grassroots_a"]).encode())
    response = admin_client.post("/orgs/users/import/", {"file": upload})
    html = response.content.decode()
    assert response.status_code == 400
    assert "第 3 行：缺少用户名" in html
    assert "第 4 行：组织代码“NOPE”不存在" in html
    assert not User.objects.filter(username="ok_one").exists()
