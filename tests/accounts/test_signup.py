"""Worker sign-up: a phone code of its own purpose, one account per phone, consent to the current
privacy notice recorded by version; every refusal says why and writes no account."""

import re
from datetime import timedelta

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse
from django.utils import timezone

from unionportal.accounts.models import PhoneCode
from unionportal.accounts.phone import phone_code_send
from unionportal.accounts.signup import SIGNUP_PURPOSE, current_notice
from unionportal.orgs.models import PrivacyConsent, PrivacyNotice

User = get_user_model()
pytestmark = pytest.mark.django_db
PHONE = "13912345678"
PASSWORD = "Lao-dong-2026!"


def sent_code(sms_outbox) -> str:
    return re.search(r"(\d{6})", sms_outbox[-1][1]).group(1)


@pytest.fixture
def start(client, sms_outbox, django_capture_on_commit_callbacks):
    def go(client=client, sms_outbox=sms_outbox, phone=PHONE) -> str:
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post(reverse("accounts:signup"), {"phone": phone})
        assert response.status_code == 302 and response["Location"] == reverse("accounts:signup_confirm")
        return sent_code(sms_outbox)

    return go


def confirm(client, code, **overrides):
    data = {
        "phone": PHONE,
        "code": code,
        "password1": PASSWORD,
        "password2": PASSWORD,
        "notice": current_notice().pk,
        "consent": "on",
        **overrides,
    }
    return client.post(reverse("accounts:signup_confirm"), data)


@pytest.fixture(autouse=True)
def notice():
    """The notice the data migration publishes (kept here too: a transactional test elsewhere may have
    flushed the tables)."""
    from importlib import import_module

    first = import_module("unionportal.orgs.migrations.0004_privacy_notice_first_version")
    PrivacyNotice.objects.get_or_create(
        version=first.VERSION,
        defaults={
            "title": first.TITLE,
            "body": first.BODY,
            "published_at": timezone.now() - timedelta(days=1),
        },
    )
    assert current_notice().version == "2026-1"


def test_sign_up_opens_a_verified_account_and_records_the_consented_version(client, start):
    code = start()
    assert PhoneCode.objects.get(phone=PHONE).purpose == SIGNUP_PURPOSE
    response = confirm(client, code)
    assert response.status_code == 302 and response["Location"] == reverse("orgs:my_profile")
    user = User.objects.get(phone=PHONE)
    assert user.phone_verified_at is not None and user.check_password(PASSWORD)
    consent = PrivacyConsent.objects.get(user=user)
    assert consent.notice.version == "2026-1"
    assert client.get(reverse("orgs:my_profile")).status_code == 200  # signed in


def test_a_wrong_code_is_refused_and_counted(client, start):
    code = start()
    wrong = "000000" if code != "000000" else "111111"
    response = confirm(client, wrong)
    assert response.status_code == 400
    assert "验证码错误，还可尝试 4 次。" in response.content.decode()
    assert not User.objects.filter(phone=PHONE).exists()
    assert PhoneCode.objects.get(phone=PHONE).attempts == 1


def test_an_expired_code_is_refused(client, start):
    code = start()
    PhoneCode.objects.filter(phone=PHONE).update(expires_at=timezone.now() - timedelta(seconds=1))
    response = confirm(client, code)
    assert response.status_code == 400 and "验证码已过期，请重新获取。" in response.content.decode()
    assert not User.objects.filter(phone=PHONE).exists()


def test_a_code_sent_for_another_purpose_opens_no_account(client):
    record = phone_code_send(phone=PHONE, purpose=PhoneCode.Purpose.VOTE, client_ip=None, deliver=False)
    assert record.purpose == "vote"
    response = confirm(client, "123456")
    assert (
        response.status_code == 400 and "该号码尚未申请验证码，请先获取验证码。" in response.content.decode()
    )
    assert not User.objects.exists() or not User.objects.filter(phone=PHONE).exists()


def test_sign_up_without_consent_is_refused(client, start):
    code = start()
    response = confirm(client, code, consent="")
    assert response.status_code == 400 and "请阅读并同意隐私政策后再注册。" in response.content.decode()
    assert not User.objects.filter(phone=PHONE).exists()
    assert PhoneCode.objects.get(phone=PHONE).used_at is None  # the code is not spent on a refused form


def test_consent_to_a_superseded_notice_is_refused(client, start):
    code = start()
    old = current_notice().pk
    PrivacyNotice.objects.create(version="2026-2", title="新版", body="……", published_at=timezone.now())
    response = confirm(client, code, notice=old)
    assert (
        response.status_code == 400
        and "隐私政策已更新，请阅读新版本后重新同意。" in response.content.decode()
    )
    assert not User.objects.filter(phone=PHONE).exists()


def test_a_second_account_for_the_same_phone_is_refused(client, sms_outbox):
    User.objects.create_user(username="someone", phone=PHONE, password=PASSWORD)
    response = client.post(reverse("accounts:signup"), {"phone": PHONE})
    assert response.status_code == 400
    assert "该手机号已注册账户，请直接登录；忘记密码可通过短信验证码重置。" in response.content.decode()
    assert sms_outbox == [] and User.objects.filter(phone=PHONE).count() == 1


def test_a_bad_phone_number_is_refused(client, sms_outbox):
    response = client.post(reverse("accounts:signup"), {"phone": "12345"})
    assert response.status_code == 400 and "请输入有效的大陆手机号" in response.content.decode()
    assert sms_outbox == []
