"""Bench data for ``manage.py seed_bargaining_bench``: the wage bargaining drive at a province's scale.

Enterprises of their own (credit codes ``91429100BG…``) spread over the bench tree's grassroots unions
(every tenth without a union, answering to its township), each with its bargaining facts (a
``BargainingProfile``, a fifth meeting no criterion), and offers to the first of them in every state with
the dates that go with it; an accepted offer has its enterprise agreement (negotiating to in effect) and
its coverage row. All written with bulk inserts in batches, deterministically from the row index, so a
second run with the same sizes adds nothing. The progress pages read only these tables' ``org_path``
indexes, so what they cost is what these rows make them cost.
"""

import time
from datetime import date, timedelta
from decimal import Decimal

from django.db import connection, transaction
from stdnum.cn import uscc

from bargaining.enums import AgreementKind, AgreementState, ContractStatus, OfferState, Side, Topic
from bargaining.models import BARGAINING_TOPIC, Agreement, BargainingProfile, Coverage, Offer
from unionportal import fragments
from unionportal.orgs.enums import Industry, Level, Ownership
from unionportal.orgs.models import Enterprise, Organisation

from . import households as tree_seeder

CODE_PREFIX = "91429100BG"
BATCH = 5_000
FULL_TREE_FROM = 20_000
DAY = date(2026, 4, 27)
TOPICS = [Topic.WAGE_LEVEL, Topic.MINIMUM_WAGE, Topic.OVERTIME]
# An offer's state by index % 10 (agreements follow the accepted ones).
OFFER_STATES = [
    OfferState.DRAFT,
    OfferState.SENT,
    OfferState.SENT,
    OfferState.OVERDUE,
    OfferState.REFUSED,
    OfferState.ACCEPTED,
    OfferState.ACCEPTED,
    OfferState.ACCEPTED,
    OfferState.ACCEPTED,
    OfferState.ACCEPTED,
]
AGREEMENT_STATES = [
    AgreementState.NEGOTIATING,
    AgreementState.APPROVED,
    AgreementState.SIGNED,
    AgreementState.FILED,
    AgreementState.IN_EFFECT,
]


def credit_code(index: int) -> str:
    body = f"{CODE_PREFIX}{index:07d}"[:17]
    return body + uscc.calc_check_digit(body)


def bench_enterprises():
    return Enterprise.objects.filter(credit_code__startswith=CODE_PREFIX)


def counts() -> tuple[int, int]:
    return bench_enterprises().count(), Offer.objects.filter(
        enterprise__credit_code__startswith=CODE_PREFIX
    ).count()


def delete_bench() -> int:
    with transaction.atomic():
        agreements = Agreement.objects.filter(enterprise__credit_code__startswith=CODE_PREFIX)
        Coverage.objects.filter(agreement__in=agreements).delete()
        agreements.delete()
        Offer.objects.filter(enterprise__credit_code__startswith=CODE_PREFIX).delete()
        BargainingProfile.objects.filter(enterprise__credit_code__startswith=CODE_PREFIX).delete()
        deleted, _rows = bench_enterprises().delete()
    return deleted


def _grassroots() -> list[tuple[int, str, int, str, int]]:
    """(union pk, union path, township pk, township path, county pk) of every bench grassroots union."""
    orgs = list(
        Organisation.objects.filter(code__startswith=tree_seeder.BENCH_CODE_PREFIX)
        .order_by("path")
        .values_list("pk", "path", "level")
    )
    by_path = {path: pk for pk, path, _level in orgs}
    step = Organisation.steplen
    out = []
    for pk, path, level in orgs:
        if level == Level.GRASSROOTS:
            town = path[:-step]
            out.append((pk, path, by_path[town], town, by_path[town[:-step]]))
    return out


def _profile(enterprise_pk: int, index: int, org_path: str) -> BargainingProfile:
    kind = index % 5
    return BargainingProfile(
        enterprise_id=enterprise_pk,
        org_path=org_path,
        contract_status=[ContractStatus.NONE, ContractStatus.EXPIRED, *[ContractStatus.IN_FORCE] * 3][kind],
        contract_expires_on=[
            None,
            date(2025, 12, 31),
            date(2027, 6, 30),
            date(2026, 12, 31),
            date(2028, 3, 31),
        ][kind],
        wage_agreement_year=[None, 2024, 2025, 2025, 2026][kind],
        wages_flat_years=[3, 2, 0, 1, 0][kind],
        near_minimum_share=Decimal([45, 20, 35, 10, 5][kind]),
    )


def seed_enterprises(*, add: int, start: int, stdout=None) -> None:
    unions = _grassroots()
    industries = [i.value for i in Industry]
    ownerships = [o.value for o in Ownership]
    for offset in range(0, add, BATCH):
        indexes = range(start + offset, start + min(offset + BATCH, add))
        rows, paths = [], []
        for index in indexes:
            union_pk, union_path, town_pk, town_path, _county = unions[index % len(unions)]
            has_union = index % 10 != 9
            rows.append(
                Enterprise(
                    name=f"基准协商企业{index:06d}有限公司",
                    credit_code=credit_code(index),
                    industry=industries[(index * 7) % len(industries)],
                    ownership=ownerships[index % len(ownerships)],
                    employees=20 + index % 600,
                    township_id=town_pk,
                    union_id=union_pk if has_union else None,
                )
            )
            paths.append(union_path if has_union else town_path)
        with transaction.atomic():
            Enterprise.objects.bulk_create(rows, batch_size=BATCH)
            pks = dict(
                Enterprise.objects.filter(credit_code__in=[r.credit_code for r in rows]).values_list(
                    "credit_code", "pk"
                )
            )
            BargainingProfile.objects.bulk_create(
                (_profile(pks[r.credit_code], i, p) for r, i, p in zip(rows, indexes, paths, strict=True)),
                batch_size=BATCH,
            )
        if stdout is not None:
            stdout.write(f"  enterprises {start + min(offset + BATCH, add):,}")


def seed_offers(*, add: int, start: int, stdout=None) -> None:
    """Offers to the bench enterprises ``start`` … ``start + add - 1`` (one each, in index order)."""
    step = Organisation.steplen
    supervisors = {}
    for offset in range(0, add, BATCH):
        codes = [credit_code(i) for i in range(start + offset, start + min(offset + BATCH, add))]
        enterprises = list(
            bench_enterprises()
            .filter(credit_code__in=codes)
            .select_related("union", "township")
            .only(
                "pk",
                "credit_code",
                "employees",
                "name",
                "union__path",
                "union__id",
                "township__path",
                "township__id",
            )
        )
        index_of = {code: start + offset + n for n, code in enumerate(codes)}
        offers = []
        for e in enterprises:
            index = index_of[e.credit_code]
            union = e.union if e.union_id else e.township
            parent_path = union.path[:-step]
            if parent_path not in supervisors:
                supervisors[parent_path] = Organisation.objects.only("pk").get(path=parent_path).pk
            state = OFFER_STATES[index % len(OFFER_STATES)]
            received = None if state == OfferState.DRAFT else DAY - timedelta(days=5 + index % 60)
            due = received + timedelta(days=20) if received else None
            if state == OfferState.SENT and due < DAY:
                received, due = DAY - timedelta(days=3), DAY + timedelta(days=17)
            if state == OfferState.OVERDUE and due >= DAY:
                received, due = DAY - timedelta(days=30), DAY - timedelta(days=10)
            replied = (
                received + timedelta(days=index % 20)
                if state in (OfferState.ACCEPTED, OfferState.REFUSED)
                else None
            )
            offers.append(
                Offer(
                    enterprise_id=e.pk,
                    union_id=union.pk,
                    supervisor_id=supervisors[parent_path],
                    org_path=union.path,
                    side=Side.UNION,
                    topics=TOPICS,
                    contact_name=f"{e.name}人力资源部",
                    state=state,
                    sent_on=received - timedelta(days=1) if received else None,
                    received_on=received,
                    reply_due_on=due,
                    replied_on=replied,
                    refusal_reason="企业经营困难，暂不协商。" if state == OfferState.REFUSED else "",
                )
            )
        with transaction.atomic():
            created = Offer.objects.bulk_create(offers, batch_size=BATCH)
            by_enterprise = {e.pk: e for e in enterprises}
            agreements = []
            for n, offer in enumerate(created):
                if offer.state != OfferState.ACCEPTED:
                    continue
                e = by_enterprise[offer.enterprise_id]
                state = AGREEMENT_STATES[n % len(AGREEMENT_STATES)]
                signed = state in (AgreementState.SIGNED, AgreementState.FILED, AgreementState.IN_EFFECT)
                filed = state in (AgreementState.FILED, AgreementState.IN_EFFECT)
                agreements.append(
                    Agreement(
                        kind=AgreementKind.ENTERPRISE,
                        title=f"{e.name} 2026 年度工资专项集体合同",
                        offer_id=offer.pk,
                        enterprise_id=e.pk,
                        union_id=offer.union_id,
                        org_path=offer.org_path,
                        employer_party=e.name,
                        state=state,
                        start_on=date(2026, 4, 1),
                        term_years=1,
                        enterprise_min_wage=Decimal("1900"),
                        average_rise=Decimal("5.5"),
                        signed_on=date(2026, 3, 20) if signed else None,
                        filed_on=date(2026, 3, 25) if filed else None,
                        filing_authority="人力资源和社会保障局" if filed else "",
                        effective_on=date(2026, 4, 10) if state == AgreementState.IN_EFFECT else None,
                    )
                )
            made = Agreement.objects.bulk_create(agreements, batch_size=BATCH)
            Coverage.objects.bulk_create(
                (
                    Coverage(
                        agreement_id=a.pk,
                        enterprise_id=a.enterprise_id,
                        workers=by_enterprise[a.enterprise_id].employees,
                        org_path=a.org_path,
                    )
                    for a in made
                ),
                batch_size=BATCH,
            )
        if stdout is not None:
            stdout.write(f"  offers {start + min(offset + BATCH, add):,}")


def analyse() -> None:
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            for table in (
                "orgs_enterprise",
                "bargaining_bargainingprofile",
                "bargaining_offer",
                "bargaining_agreement",
                "bargaining_coverage",
            ):
                cursor.execute(f"ANALYZE {table}")


def seed(*, enterprises: int, offers: int, stdout=None) -> float:
    """Bring the bench to ``enterprises`` enterprises and ``offers`` offers; returns the seconds taken."""
    started = time.monotonic()
    if not tree_seeder.bench_tree_exists():
        with transaction.atomic():
            tree_seeder.build_tree(full=enterprises >= FULL_TREE_FROM)
    tree_seeder.bench_staff()
    have, have_offers = counts()
    if enterprises > have:
        seed_enterprises(add=enterprises - have, start=have, stdout=stdout)
    if offers > have_offers:
        seed_offers(add=min(offers, enterprises) - have_offers, start=have_offers, stdout=stdout)
    analyse()
    # Written in bulk (no signals): the progress page's cached figures are told.
    fragments.bump_all(BARGAINING_TOPIC)
    return time.monotonic() - started


def bench_county() -> Organisation:
    """The bench county whose staff account (``bench-county``) the county scenario signs in as."""
    return (
        Organisation.objects.filter(code__startswith=tree_seeder.BENCH_CODE_PREFIX, level=Level.COUNTY)
        .order_by("path")
        .first()
    )
