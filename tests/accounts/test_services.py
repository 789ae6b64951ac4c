"""The password reset by SMS as a service: what the pages call, without the pages."""

import re

import pytest

from tests.factories import PASSWORD, make_user
from unionportal.accounts import services
from unionportal.accounts.models import PhoneCode
from unionportal.accounts.phone import PhoneCodeError

pytestmark = pytest.mark.django_db

NUMBER = "13812341234"
NEW_PASSWORD = "Qiang-Mima-2026"


def sent_code(sms_outbox, django_capture_on_commit_callbacks, phone=NUMBER) -> str | None:
    with django_capture_on_commit_callbacks(execute=True):
        services.password_reset_code_send(phone=phone, client_ip="203.0.113.5")
    if not sms_outbox:
        return None
    return re.search(r"(\d{6})", sms_outbox[-1][1]).group(1)


def test_a_number_without_an_account_gets_a_code_stored_but_never_sent(
    sms_outbox, django_capture_on_commit_callbacks
):
    assert sent_code(sms_outbox, django_capture_on_commit_callbacks, phone="13900000000") is None
    assert PhoneCode.objects.filter(phone="13900000000").count() == 1


def test_the_right_code_sets_the_password_once_and_verifies_the_phone(
    sms_outbox, django_capture_on_commit_callbacks
):
    user = make_user("worker", phone=NUMBER, must_change_password=True)
    code = sent_code(sms_outbox, django_capture_on_commit_callbacks)
    assert services.password_reset_by_sms(phone=NUMBER, code=code, password=NEW_PASSWORD) == user
    user.refresh_from_db()
    assert user.check_password(NEW_PASSWORD)
    assert user.must_change_password is False and user.phone_verified_at is not None
    with pytest.raises(PhoneCodeError) as spent:
        services.password_reset_by_sms(phone=NUMBER, code=code, password="Another-Mima-2027")
    assert spent.value.message == "该验证码已使用，请重新获取。"
    user.refresh_from_db()
    assert user.check_password(NEW_PASSWORD)


def test_a_wrong_code_is_counted_and_changes_nothing_else(sms_outbox, django_capture_on_commit_callbacks):
    user = make_user("worker", phone=NUMBER)
    sent_code(sms_outbox, django_capture_on_commit_callbacks)
    # Raised after the service's own atomic block: raised inside it, the count would be rolled back.
    with pytest.raises(PhoneCodeError) as wrong:
        services.password_reset_by_sms(phone=NUMBER, code="000000", password=NEW_PASSWORD)
    assert wrong.value.message.startswith("验证码错误")
    assert PhoneCode.objects.get(phone=NUMBER).attempts == 1
    user.refresh_from_db()
    assert user.check_password(PASSWORD)
