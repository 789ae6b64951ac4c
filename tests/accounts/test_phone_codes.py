import re
from datetime import timedelta

import pytest
from django.utils import timezone, translation

from tests.factories import app_callbacks
from unionportal.accounts import phone
from unionportal.accounts.models import PhoneCode
from unionportal.accounts.phone import PhoneCodeError, phone_code_send, phone_code_verify, phone_codes_purge

pytestmark = pytest.mark.django_db

NUMBER = "13812341234"
RESET = PhoneCode.Purpose.PASSWORD_RESET
IP = "203.0.113.7"


@pytest.fixture(autouse=True)
def _phone_settings(settings):
    # Pinned so an environment variable cannot change what these tests expect.
    settings.SMS_SIGNATURE = "测试工会"
    settings.PHONE_CODE_TTL_SECONDS = 300
    settings.PHONE_CODE_MAX_ATTEMPTS = 5
    settings.PHONE_CODE_MIN_INTERVAL_SECONDS = 60
    settings.PHONE_CODE_MAX_PER_NUMBER_PER_HOUR = 5
    settings.PHONE_CODE_MAX_PER_ADDRESS_PER_HOUR = 20


@pytest.fixture
def send(django_capture_on_commit_callbacks, sms_outbox):
    """Send a code (running the on-commit SMS delivery) and return the code read from the SMS."""

    def _send(number=NUMBER, *, ip=IP, now=None, purpose=RESET):
        before = len(sms_outbox)
        with django_capture_on_commit_callbacks(execute=True):
            phone_code_send(phone=number, purpose=purpose, client_ip=ip, now=now)
        assert len(sms_outbox) == before + 1
        return re.search(r"\d{6}", sms_outbox[-1][1]).group()

    return _send


def other_code(code: str) -> str:
    return f"{(int(code) + 1) % 10**6:06d}"


def test_send_texts_a_six_digit_code_with_the_signature_and_stores_only_its_hash(
    django_capture_on_commit_callbacks, sms_outbox
):
    with django_capture_on_commit_callbacks(execute=True):
        record = phone_code_send(phone=NUMBER, purpose=RESET, client_ip=IP)

    assert len(sms_outbox) == 1
    to, text = sms_outbox[0]
    assert to == NUMBER
    code = re.fullmatch(r"【测试工会】您的验证码为 (\d{6})，5 分钟内有效，请勿泄露。", text).group(1)
    row = PhoneCode.objects.get()
    assert row.pk == record.pk
    assert (row.phone, row.purpose, row.client_ip, row.attempts, row.used_at) == (NUMBER, RESET, IP, 0, None)
    assert row.expires_at - row.created_at == timedelta(seconds=300)
    assert len(row.code_hash) == 64
    stored = " ".join(str(value) for value in PhoneCode.objects.values_list().get())
    assert code not in stored


def test_sms_is_sent_only_when_the_transaction_commits(django_capture_on_commit_callbacks, sms_outbox):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        phone_code_send(phone=NUMBER, purpose=RESET, client_ip=IP)
    assert sms_outbox == []
    assert len(app_callbacks(callbacks)) == 1


def test_sms_text_is_in_the_active_language(django_capture_on_commit_callbacks, sms_outbox):
    with translation.override("en"), django_capture_on_commit_callbacks(execute=True):
        phone_code_send(phone=NUMBER, purpose=RESET, client_ip=IP)
    assert re.fullmatch(
        r"【测试工会】Your verification code is \d{6}, valid for 5 minutes\. Do not share it\.",
        sms_outbox[0][1],
    ), sms_outbox[0][1]


def test_right_code_is_accepted_once(send):
    code = send()
    phone_code_verify(phone=NUMBER, purpose=RESET, code=code)
    assert PhoneCode.objects.get().used_at is not None

    with pytest.raises(PhoneCodeError) as exc:
        phone_code_verify(phone=NUMBER, purpose=RESET, code=code)
    assert exc.value.message == "该验证码已使用，请重新获取。"


def test_code_for_another_purpose_is_refused(send):
    code = send(purpose=PhoneCode.Purpose.VERIFY)
    with pytest.raises(PhoneCodeError) as exc:
        phone_code_verify(phone=NUMBER, purpose=RESET, code=code)
    assert exc.value.message == "该号码尚未申请验证码，请先获取验证码。"


def test_code_is_refused_after_its_five_minutes(send):
    start = timezone.now()
    code = send(now=start)
    with pytest.raises(PhoneCodeError) as exc:
        phone_code_verify(phone=NUMBER, purpose=RESET, code=code, now=start + timedelta(seconds=301))
    assert exc.value.message == "验证码已过期，请重新获取。"
    assert PhoneCode.objects.get().used_at is None


def test_code_is_still_accepted_just_before_it_expires(send):
    start = timezone.now()
    code = send(now=start)
    phone_code_verify(phone=NUMBER, purpose=RESET, code=code, now=start + timedelta(seconds=299))


def test_wrong_codes_count_attempts_and_after_five_the_right_code_is_refused(send):
    code = send()
    wrong = other_code(code)
    for left in (4, 3, 2, 1, 0):
        with pytest.raises(PhoneCodeError) as exc:
            phone_code_verify(phone=NUMBER, purpose=RESET, code=wrong)
        assert exc.value.message == f"验证码错误，还可尝试 {left} 次。"
    assert PhoneCode.objects.get().attempts == 5

    with pytest.raises(PhoneCodeError) as exc:
        phone_code_verify(phone=NUMBER, purpose=RESET, code=code)
    assert exc.value.message == "错误次数过多，请重新获取验证码。"
    assert PhoneCode.objects.get().used_at is None


def test_four_wrong_codes_still_leave_the_right_one_usable(send):
    code = send()
    for _ in range(4):
        with pytest.raises(PhoneCodeError):
            phone_code_verify(phone=NUMBER, purpose=RESET, code=other_code(code))
    phone_code_verify(phone=NUMBER, purpose=RESET, code=code)


def test_refusal_message_is_in_the_active_language():
    with pytest.raises(PhoneCodeError) as exc, translation.override("en"):
        phone_code_verify(phone=NUMBER, purpose=RESET, code="123456")
    assert exc.value.message == "No code was requested for this number. Request a code first."


def test_a_new_code_replaces_the_previous_one(send, monkeypatch):
    codes = iter([111111, 222222])
    monkeypatch.setattr(phone.secrets, "randbelow", lambda _limit: next(codes))
    start = timezone.now()
    first = send(now=start)
    second = send(now=start + timedelta(seconds=61))
    assert (first, second) == ("111111", "222222")
    with pytest.raises(PhoneCodeError) as exc:
        phone_code_verify(phone=NUMBER, purpose=RESET, code=first, now=start + timedelta(seconds=62))
    assert exc.value.message == "验证码错误，还可尝试 4 次。"
    phone_code_verify(phone=NUMBER, purpose=RESET, code=second, now=start + timedelta(seconds=62))


def test_resend_within_a_minute_is_refused_with_the_wait_and_sends_nothing(send, sms_outbox):
    start = timezone.now()
    send(now=start)
    with pytest.raises(PhoneCodeError) as exc:
        phone_code_send(phone=NUMBER, purpose=RESET, client_ip=IP, now=start + timedelta(seconds=20))
    assert exc.value.message == "验证码刚刚已发送到该号码，请 40 秒后再试。"
    assert len(sms_outbox) == 1
    assert PhoneCode.objects.count() == 1

    send(now=start + timedelta(seconds=60))
    assert PhoneCode.objects.count() == 2


def test_sixth_code_within_an_hour_for_one_number_is_refused(send, sms_outbox):
    start = timezone.now()
    for n in range(5):
        send(ip=f"198.51.100.{n}", now=start + timedelta(minutes=n * 2))
    with pytest.raises(PhoneCodeError) as exc:
        phone_code_send(
            phone=NUMBER, purpose=RESET, client_ip="198.51.100.99", now=start + timedelta(minutes=30)
        )
    assert exc.value.message == "该号码申请验证码次数过多，请一小时后再试。"
    assert len(sms_outbox) == 5

    # An hour after the first one, the number may have a code again.
    send(now=start + timedelta(minutes=60, seconds=1))


def test_twenty_first_request_from_one_address_is_refused(send, sms_outbox):
    start = timezone.now()
    for n in range(20):
        send(f"139000000{n:02d}", now=start)
    with pytest.raises(PhoneCodeError) as exc:
        phone_code_send(phone="13900000099", purpose=RESET, client_ip=IP, now=start)
    assert exc.value.message == "您所在网络申请验证码次数过多，请一小时后再试。"
    assert len(sms_outbox) == 20
    assert not PhoneCode.objects.filter(phone="13900000099").exists()

    send("13900000099", ip="203.0.113.8", now=start)


@pytest.mark.parametrize(
    "number", ["12812341234", "1381234123", "138123412345", "abcdefghijk", "", "138１２３４１２３４"]
)
def test_invalid_number_is_refused_and_nothing_is_stored(
    number, sms_outbox, django_capture_on_commit_callbacks
):
    with pytest.raises(PhoneCodeError) as exc, django_capture_on_commit_callbacks(execute=True):
        phone_code_send(phone=number, purpose=RESET, client_ip=IP)
    assert exc.value.message == "请输入有效的大陆手机号（以 1 开头的 11 位数字）。"
    assert PhoneCode.objects.count() == 0
    assert sms_outbox == []


def test_country_code_and_spaces_are_normalised_on_send_and_verify(send, sms_outbox):
    code = send("+86 138 1234 1234")
    assert sms_outbox[0][0] == NUMBER
    assert PhoneCode.objects.get().phone == NUMBER
    phone_code_verify(phone="86-138-1234-1234", purpose=RESET, code=f" {code} ")


def test_purge_deletes_only_codes_older_than_a_day(send):
    now = timezone.now()
    send("13900000001", now=now - timedelta(days=1, seconds=1))
    send("13900000002", now=now - timedelta(days=1) + timedelta(seconds=1))
    send("13900000003", now=now)

    assert phone_codes_purge(now=now) == 1
    assert sorted(PhoneCode.objects.values_list("phone", flat=True)) == ["13900000002", "13900000003"]


def test_two_concurrent_verifies_of_the_right_code_only_one_succeeds(send, monkeypatch):
    """Both requests read the unused code; the other one marks it used before this one's compare-and-set."""
    code = send()
    real_compare = phone.hmac.compare_digest
    raced = []

    def compare_while_the_other_request_wins(a, b):
        if not raced:
            raced.append(True)
            phone_code_verify(phone=NUMBER, purpose=RESET, code=code)
        return real_compare(a, b)

    monkeypatch.setattr(phone.hmac, "compare_digest", compare_while_the_other_request_wins)
    with pytest.raises(PhoneCodeError) as exc:
        phone_code_verify(phone=NUMBER, purpose=RESET, code=code)
    assert exc.value.message == "该验证码已使用，请重新获取。"
    assert raced == [True]
    assert PhoneCode.objects.get().used_at is not None


def test_undelivered_code_is_stored_and_rate_limited_but_not_sent(
    django_capture_on_commit_callbacks, sms_outbox
):
    start = timezone.now()
    with django_capture_on_commit_callbacks(execute=True):
        phone_code_send(phone=NUMBER, purpose=RESET, client_ip=IP, now=start, deliver=False)
    assert sms_outbox == []
    assert PhoneCode.objects.filter(phone=NUMBER).count() == 1
    with pytest.raises(PhoneCodeError) as exc:
        phone_code_send(phone=NUMBER, purpose=RESET, client_ip=IP, now=start + timedelta(seconds=1))
    assert exc.value.message == "验证码刚刚已发送到该号码，请 59 秒后再试。"


def test_a_purpose_missing_from_the_choices_is_a_programming_error_and_stores_nothing(sms_outbox):
    # Every code's purpose is one of PhoneCode.Purpose, so the admin names it and no two modules share a
    # string by accident.
    with pytest.raises(ValueError, match="unknown phone-code purpose"):
        phone_code_send(phone=NUMBER, purpose="typo", client_ip=IP)
    assert not PhoneCode.objects.exists()
    assert sms_outbox == []


def test_the_sign_up_and_frontline_codes_use_purposes_of_their_own():
    from awards import frontline
    from unionportal.accounts import signup

    purposes = {signup.SIGNUP_PURPOSE, frontline.VERIFY_PURPOSE, frontline.CONSENT_PURPOSE}
    assert purposes <= set(PhoneCode.Purpose.values)
    assert len(purposes) == 3
