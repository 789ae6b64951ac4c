import re

import pytest
from django.contrib.messages import get_messages
from django.core import mail

from tests.factories import PASSWORD, make_user
from unionportal.accounts.models import PhoneCode

pytestmark = pytest.mark.django_db

NEW_PASSWORD = "Qiang-Mima-2026"
NUMBER = "13812341234"
CHANGE = "/accounts/password/change/"
SMS_RESET = "/accounts/password/reset/sms/"
SMS_CONFIRM = "/accounts/password/reset/sms/confirm/"


def signed_in_as(client):
    return client.session.get("_auth_user_id")


def message_texts(resp):
    return [str(m) for m in get_messages(resp.wsgi_request)]


def can_sign_in(client_class, username, password):
    client = client_class()
    return client.post("/accounts/login/", {"username": username, "password": password}).status_code == 302


# Forced change at first sign-in


def test_must_change_password_user_is_sent_to_the_change_page_until_they_change_it(client):
    user = make_user("newcomer", must_change_password=True)
    resp = client.post("/accounts/login/", {"username": "newcomer", "password": PASSWORD})
    assert resp.status_code == 302

    resp = client.get("/home/")
    assert resp.status_code == 302
    assert resp["Location"] == CHANGE
    resp = client.get(CHANGE)
    assert resp.status_code == 200
    assert message_texts(resp) == ["请先设置新密码再继续。"]
    assert "请先设置新密码再继续。" in resp.content.decode()

    resp = client.post(
        CHANGE, {"old_password": PASSWORD, "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD}
    )
    assert resp.status_code == 302
    assert resp["Location"] == "/home/"
    user.refresh_from_db()
    assert user.must_change_password is False
    assert user.check_password(NEW_PASSWORD)
    assert signed_in_as(client) == str(user.pk)  # the session survives the new password

    resp = client.get("/home/")
    assert resp.status_code == 200
    assert "密码已修改。" in resp.content.decode()


def test_forced_change_message_in_english(client):
    make_user("newcomer", must_change_password=True)
    client.post("/en/accounts/login/", {"username": "newcomer", "password": PASSWORD})
    resp = client.get("/en/home/", follow=True)
    assert resp.redirect_chain == [("/en" + CHANGE, 302)]
    content = resp.content.decode()
    assert "Please choose a new password before you continue." in content
    assert "<title>Change password" in content


def test_must_change_password_user_can_still_sign_out(client):
    user = make_user("newcomer", must_change_password=True)
    client.force_login(user)
    resp = client.post("/accounts/logout/")
    assert resp.status_code == 302
    assert resp["Location"] == "/"
    assert signed_in_as(client) is None


def test_user_without_the_flag_is_not_redirected(client):
    client.force_login(make_user("settled"))
    assert client.get("/home/").status_code == 200


# Reset by e-mail


def test_email_reset_link_sets_a_new_password_and_clears_the_flag(client):
    user = make_user("mailer", email="mailer@example.com", must_change_password=True)
    resp = client.post("/accounts/password/reset/", {"email": "mailer@example.com"})
    assert resp.status_code == 302
    assert resp["Location"] == "/accounts/password/reset/sent/"
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["mailer@example.com"]
    link = re.search(r"https?://testserver(/accounts/password/reset/\S+/)", mail.outbox[0].body).group(1)

    resp = client.get(link, follow=True)
    assert resp.status_code == 200
    assert resp.context["validlink"] is True
    form_url = resp.redirect_chain[-1][0]
    resp = client.post(form_url, {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})
    assert resp.status_code == 302
    assert resp["Location"] == "/accounts/password/reset/done/"

    user.refresh_from_db()
    assert user.check_password(NEW_PASSWORD)
    assert user.must_change_password is False
    assert can_sign_in(type(client), "mailer", NEW_PASSWORD)

    # The link is spent.
    resp = client.get(link, follow=True)
    assert resp.context["validlink"] is False
    assert "该链接无效或已使用，请重新申请。" in resp.content.decode()


def test_email_reset_for_an_unknown_address_sends_nothing_and_says_the_same(client):
    resp = client.post("/accounts/password/reset/", {"email": "nobody@example.com"}, follow=True)
    assert resp.redirect_chain == [("/accounts/password/reset/sent/", 302)]
    assert mail.outbox == []
    assert "如该邮箱已绑定账户，设置新密码的链接已发送至该邮箱。" in resp.content.decode()


def test_email_reset_pages_in_english(client):
    resp = client.get("/en/accounts/password/reset/sent/")
    content = resp.content.decode()
    assert "<title>Check your e-mail" in content
    assert "If the address belongs to an account, a link to set a new password has been" in content
    resp = client.get("/en/accounts/password/reset/done/")
    assert "<title>Password set" in resp.content.decode()


# Reset by SMS


@pytest.fixture
def phone_user():
    return make_user("worker", phone=NUMBER)


@pytest.fixture
def request_code(client, sms_outbox, django_capture_on_commit_callbacks):
    def _request(number=NUMBER, **extra):
        with django_capture_on_commit_callbacks(execute=True):
            return client.post(SMS_RESET, {"phone": number}, **extra)

    return _request


def code_from(sms_outbox):
    assert len(sms_outbox) == 1
    return re.search(r"您的验证码为 (\d{6})", sms_outbox[0][1]).group(1)


def confirm(client, code, p1=NEW_PASSWORD, p2=None, number=NUMBER):
    data = {"phone": number, "code": code, "new_password1": p1, "new_password2": p2 or p1}
    return client.post(SMS_CONFIRM, data)


def test_sms_reset_full_flow(client, phone_user, request_code, sms_outbox):
    resp = request_code("+86 138 1234 1234")
    assert resp.status_code == 302
    assert resp["Location"] == SMS_CONFIRM
    assert sms_outbox[0][0] == NUMBER
    code = code_from(sms_outbox)

    resp = client.get(SMS_CONFIRM)
    assert resp.context["form"]["phone"].value() == NUMBER  # carried over in the session
    assert message_texts(resp) == ["如该号码已绑定账户，六位验证码已发送至该号码。"]

    resp = confirm(client, code)
    assert resp.status_code == 302
    assert resp["Location"] == "/accounts/login/"
    phone_user.refresh_from_db()
    assert phone_user.check_password(NEW_PASSWORD)
    assert phone_user.phone_verified_at is not None
    assert can_sign_in(type(client), "worker", NEW_PASSWORD)
    assert can_sign_in(type(client), NUMBER, NEW_PASSWORD)
    assert not can_sign_in(type(client), "worker", PASSWORD)

    # The code is spent.
    resp = confirm(client, code, p1="Another-Mima-2027")
    assert resp.status_code == 200
    assert resp.context["form"].errors["code"] == ["该验证码已使用，请重新获取。"]
    phone_user.refresh_from_db()
    assert phone_user.check_password(NEW_PASSWORD)


def test_sms_reset_clears_must_change_password(client, request_code, sms_outbox):
    user = make_user("worker", phone=NUMBER, must_change_password=True)
    request_code()
    confirm(client, code_from(sms_outbox))
    user.refresh_from_db()
    assert user.must_change_password is False


def test_sms_reset_for_an_unknown_number_answers_the_same_and_sends_nothing(
    client, phone_user, request_code, sms_outbox
):
    resp = request_code("13900000000")
    assert resp.status_code == 302
    assert resp["Location"] == SMS_CONFIRM
    resp = client.get(SMS_CONFIRM)
    assert message_texts(resp) == ["如该号码已绑定账户，六位验证码已发送至该号码。"]
    assert resp.context["form"]["phone"].value() == "13900000000"
    assert sms_outbox == []

    # Guessing a code for it answers like a wrong code for a real account.
    resp = confirm(client, "123456", number="13900000000")
    assert resp.context["form"].errors == {"code": ["验证码错误，还可尝试 4 次。"]}


def test_sms_reset_repeated_request_answers_the_same_for_known_and_unknown_numbers(
    client, phone_user, request_code, sms_outbox
):
    """The one-a-minute limit must not tell which numbers have accounts."""
    request_code(NUMBER)
    request_code("13900000000")
    known = request_code(NUMBER)
    unknown = request_code("13900000000")
    assert known.status_code == unknown.status_code == 200
    assert known.context["form"].non_field_errors() == unknown.context["form"].non_field_errors()
    assert len(sms_outbox) == 1


def test_sms_reset_request_refuses_an_invalid_number(client, request_code, sms_outbox):
    resp = request_code("12345")
    assert resp.status_code == 200
    assert resp.context["form"].errors["phone"] == ["请输入有效的大陆手机号（以 1 开头的 11 位数字）。"]
    assert sms_outbox == []


def test_sms_reset_wrong_code_shows_the_error_at_the_code_field_and_keeps_the_password(
    client, phone_user, request_code, sms_outbox
):
    request_code()
    code = code_from(sms_outbox)
    wrong = f"{(int(code) + 1) % 10**6:06d}"

    resp = confirm(client, wrong)
    assert resp.status_code == 200
    assert resp.context["form"].errors == {"code": ["验证码错误，还可尝试 4 次。"]}
    assert re.search(
        r'id="error_1_id_code"[^>]*>\s*<strong>验证码错误，还可尝试 4 次。</strong>', resp.content.decode()
    )
    phone_user.refresh_from_db()
    assert phone_user.check_password(PASSWORD)


def test_sms_reset_wrong_codes_are_counted_and_the_fifth_kills_the_code(
    client, phone_user, request_code, sms_outbox
):
    request_code()
    code = code_from(sms_outbox)
    wrong = f"{(int(code) + 1) % 10**6:06d}"
    for left in (4, 3, 2, 1, 0):
        resp = confirm(client, wrong)
        assert resp.context["form"].errors["code"] == [f"验证码错误，还可尝试 {left} 次。"]
    assert PhoneCode.objects.get().attempts == 5

    resp = confirm(client, code)
    assert resp.context["form"].errors["code"] == ["错误次数过多，请重新获取验证码。"]
    phone_user.refresh_from_db()
    assert phone_user.check_password(PASSWORD)


def test_sms_reset_mismatched_passwords_are_refused_without_spending_the_code(
    client, phone_user, request_code, sms_outbox
):
    request_code()
    code = code_from(sms_outbox)

    resp = confirm(client, code, p1=NEW_PASSWORD, p2=NEW_PASSWORD + "x")
    assert resp.status_code == 200
    assert resp.context["form"].errors == {"new_password2": ["两次输入的密码不一致。"]}
    assert PhoneCode.objects.get().used_at is None
    assert PhoneCode.objects.get().attempts == 0

    resp = confirm(client, code)
    assert resp.status_code == 302
    phone_user.refresh_from_db()
    assert phone_user.check_password(NEW_PASSWORD)


def test_sms_reset_weak_password_is_refused_without_spending_the_code(
    client, phone_user, request_code, sms_outbox
):
    request_code()
    code = code_from(sms_outbox)
    resp = confirm(client, code, p1="12345678")
    assert resp.status_code == 200
    assert "new_password2" in resp.context["form"].errors
    assert PhoneCode.objects.get().used_at is None


def test_sms_reset_error_in_english(client, phone_user, request_code, sms_outbox):
    request_code()
    code = code_from(sms_outbox)
    wrong = f"{(int(code) + 1) % 10**6:06d}"
    resp = client.post(
        "/en" + SMS_CONFIRM,
        {"phone": NUMBER, "code": wrong, "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
    )
    assert resp.context["form"].errors["code"] == ["The code is wrong. 4 attempts left."]
    assert "<title>Reset password by SMS" in resp.content.decode()
