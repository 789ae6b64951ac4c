"""The expert review through the shared import and export: the score sheet (``selection_experts.sheet``,
one row per expert and candidate, for province staff and, per panel, its chair), the pool as a table
(``selection_experts.pool``) and the pool import (``selection_experts.pool_import``: user name, name,
union code, employer, title and fields; new users get no usable password)."""

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from import_export.fields import Field

from unionportal import permissions
from unionportal.imports.enums import RowStatus
from unionportal.imports.importers import Importer, ImportRejected, Outcome, Sheet
from unionportal.imports.resources import KindExportResource, missing_columns_message
from unionportal.imports.widgets import TextWidget
from unionportal.orgs.models import Enterprise, Organisation

from .enums import ACTIVE_STATES
from .models import FIELD_CHOICES, FIELD_LABELS, Assignment, ExpertProfile
from .selectors import ranking

User = get_user_model()


class ScoreSheetResource(KindExportResource):
    programme = Field(attribute="programme", column_name="评选项目", widget=TextWidget())
    panel = Field(attribute="panel", column_name="评审组", widget=TextWidget())
    rank = Field(attribute="rank", column_name="排名", widget=TextWidget())
    code = Field(attribute="code", column_name="候选人编号", widget=TextWidget())
    name = Field(attribute="name", column_name="候选人", widget=TextWidget())
    unit = Field(attribute="unit", column_name="单位", widget=TextWidget())
    expert = Field(attribute="expert", column_name="评审专家", widget=TextWidget())
    status = Field(attribute="status", column_name="评分状态", widget=TextWidget())
    items = Field(attribute="items", column_name="分项得分", widget=TextWidget())
    total = Field(attribute="total", column_name="专家总分", widget=TextWidget())
    score = Field(attribute="score", column_name="汇总得分", widget=TextWidget())
    flag = Field(attribute="flag", column_name="分差提示", widget=TextWidget())
    submitted_at = Field(attribute="submitted_at", column_name="提交时间", widget=TextWidget())

    export_kind = "expert_stage"
    panel_id = None  # set by the panel's download: that panel only

    class Meta:
        model = Assignment
        fields = (
            "programme",
            "panel",
            "rank",
            "code",
            "name",
            "unit",
            "expert",
            "status",
            "items",
            "total",
            "score",
            "flag",
            "submitted_at",
        )
        export_order = fields

    def _assignments(self):
        rows = Assignment.objects.filter(state__in=ACTIVE_STATES)
        if self.panel_id is not None:
            panel_rows = rows.filter(panel_id=self.panel_id)
            first = panel_rows.select_related("panel").first()
            if first is None or not permissions.allows(self.user, "expert_panel", "export", first.panel):
                return Assignment.objects.none()
            return panel_rows
        if not self.may_export:
            return Assignment.objects.none()
        return rows

    def get_queryset(self):
        return self._assignments()

    def export_queryset(self):
        """Plain dicts in rank order within each panel; a fixed number of queries per stage."""
        rows = list(
            self._assignments()
            .select_related("stage__programme__campaign", "panel", "candidacy", "expert__user")
            .prefetch_related("items__criterion")
            .order_by("stage_id", "panel_id", "candidacy_id", "expert__user__name", "pk")
        )
        stages = {r.stage_id: r.stage for r in rows}
        lines = {}
        for stage in stages.values():
            for line in ranking(stage):
                lines[(stage.pk, line.candidacy.pk)] = line
        out = []
        for r in rows:
            line = lines.get((r.stage_id, r.candidacy_id))
            items = sorted(r.items.all(), key=lambda i: (i.criterion.position, i.criterion_id))
            out.append(
                {
                    "programme": r.stage.programme.label,
                    "panel": r.panel.name,
                    "rank": str(line.rank) if line and line.rank else "",
                    "code": r.stage.candidate_code(r.candidacy_id),
                    "name": r.candidacy.name,
                    "unit": r.candidacy.unit,
                    "expert": str(r.expert),
                    "status": str(r.get_score_status_display()),
                    "items": "；".join(f"{i.criterion.label} {i.points}" for i in items),
                    "total": str(r.total) if r.total is not None else "",
                    "score": str(line.score) if line and line.score is not None else "",
                    "flag": _("分差 %(spread)s") % {"spread": line.spread} if line and line.flagged else "",
                    "submitted_at": timezone.localtime(r.submitted_at).strftime("%Y-%m-%d %H:%M")
                    if r.submitted_at
                    else "",
                }
            )
        return out


class PoolResource(KindExportResource):
    """The pool as a table (export only: the pool import is ``PoolImporter``)."""

    export_kind = "expert_pool"

    username = Field(attribute="username", column_name="用户名", widget=TextWidget())
    name = Field(attribute="name", column_name="姓名", widget=TextWidget())
    union = Field(attribute="union", column_name="所在工会代码", widget=TextWidget())
    union_name = Field(attribute="union_name", column_name="所在工会", widget=TextWidget())
    enterprise = Field(attribute="enterprise", column_name="企业统一社会信用代码", widget=TextWidget())
    employer = Field(attribute="employer", column_name="工作单位", widget=TextWidget())
    title = Field(attribute="title", column_name="职称职务", widget=TextWidget())
    fields = Field(attribute="fields", column_name="专业领域", widget=TextWidget())
    active = Field(attribute="active", column_name="在库", widget=TextWidget())

    class Meta:
        model = ExpertProfile
        fields = (
            "username",
            "name",
            "union",
            "union_name",
            "enterprise",
            "employer",
            "title",
            "fields",
            "active",
        )
        export_order = fields

    def export_queryset(self):
        return [
            {
                "username": p.user.get_username(),
                "name": p.user.name,
                "union": p.union.code,
                "union_name": p.union.name,
                "enterprise": p.enterprise.credit_code if p.enterprise_id else "",
                "employer": p.employer_label,
                "title": p.title,
                "fields": "、".join(p.field_labels()),
                "active": _("是") if p.is_active else _("否"),
            }
            for p in self.get_queryset()
            .select_related("user", "union", "enterprise")
            .order_by("user__username")
        ]


POOL_COLUMNS = [
    ("username", "用户名", True),
    ("name", "姓名", True),
    ("union", "所在工会代码", True),
    ("enterprise", "企业统一社会信用代码", False),
    ("employer", "工作单位", False),
    ("title", "职称职务", False),
    ("fields", "专业领域", False),
]


class PoolImporter(Importer):
    """Experts of the pool, one per row: existing users are matched by user name, new ones are created
    without a usable password (they set one through the password reset); each gets the expert role in
    the union named by its code. All or nothing."""

    sheets = (Sheet("", "", ""),)
    description = gettext_lazy(
        "按用户名匹配已有账户，没有的新建账户（需通过“忘记密码”设置密码）；专业领域可填多项，用顿号分隔。导入要么全部成功，要么一行也不写入。"
    )

    @classmethod
    def can_import(cls, user) -> bool:
        return permissions.may(user, "expert_pool", "import")

    def columns(self, sheet: Sheet) -> list[str]:
        return [header for _k, header, _r in POOL_COLUMNS]

    def missing_columns(self, sheet: Sheet, headers: list[str]) -> list[str]:
        present = set(headers)
        return [header for _k, header, required in POOL_COLUMNS if required and header not in present]

    def _parse(self, table):
        """(outcome, rows ready to write) for the table."""
        outcome = Outcome()
        index = {header: n for n, header in enumerate(table.headers)}
        missing = self.missing_columns(self.sheets[0], table.headers)
        if missing:
            outcome.file_errors.append(missing_columns_message(missing))
            return outcome, []
        records = list(table.numbered())
        unions = {
            o.code: o
            for o in Organisation.objects.filter(
                code__in={c[index["所在工会代码"]].strip() for _n, c in records}
            )
        }
        ent_col = index.get("企业统一社会信用代码")
        enterprises = {
            e.credit_code: e
            for e in Enterprise.objects.filter(
                credit_code__in={c[ent_col].strip() for _n, c in records if ent_col is not None}
            )
        }
        users = {
            u.username: u
            for u in User.objects.filter(
                username__in={c[index["用户名"]].strip() for _n, c in records}
            ).select_related("expert")
        }
        by_label = {str(label): code for code, label in FIELD_CHOICES}
        seen = set()
        ready = []
        for number, cells in records:

            def cell(header, cells=cells):
                n = index.get(header)
                return (cells[n] if n is not None and n < len(cells) else "").strip()

            errors = []
            username, name = cell("用户名"), cell("姓名")
            if not username or not name:
                errors.append(_("用户名和姓名必填。"))
            if username in seen:
                errors.append(_("用户名在文件中重复。"))
            seen.add(username)
            union = unions.get(cell("所在工会代码"))
            if union is None:
                errors.append(_("所在工会代码“%(code)s”不存在。") % {"code": cell("所在工会代码")})
            enterprise = None
            if cell("企业统一社会信用代码"):
                enterprise = enterprises.get(cell("企业统一社会信用代码"))
                if enterprise is None:
                    errors.append(
                        _("企业统一社会信用代码“%(code)s”不存在。") % {"code": cell("企业统一社会信用代码")}
                    )
            fields = []
            for label in filter(None, (x.strip() for x in cell("专业领域").replace(",", "、").split("、"))):
                if label in by_label:
                    fields.append(by_label[label])
                elif label in FIELD_LABELS:
                    fields.append(label)
                else:
                    errors.append(_("专业领域“%(label)s”不在可选范围内。") % {"label": label})
            if (
                len(cell("职称职务")) > 80
                or len(cell("工作单位")) > 200
                or len(name) > 60
                or len(username) > 150
            ):
                errors.append(_("内容过长。"))
            user = users.get(username)
            status = (
                RowStatus.ERROR
                if errors
                else (RowStatus.CHANGED if user is not None and hasattr(user, "expert") else RowStatus.NEW)
            )
            outcome.add_row(row=number, status=status, summary=f"{username} {name}", messages=errors)
            if not errors:
                ready.append(
                    (
                        username,
                        name,
                        user,
                        {
                            "union": union,
                            "enterprise": enterprise,
                            "employer": cell("工作单位"),
                            "title": cell("职称职务"),
                            "fields": fields,
                            "is_active": True,
                        },
                    )
                )
        outcome.total = len(records)
        if not records:
            outcome.file_errors.append(_("文件中没有数据行。"))
        return outcome, ready

    def check(self, tables, *, on_progress=None) -> Outcome:
        outcome, _ready = self._parse(tables[""])
        return outcome

    def write(self, tables, *, on_progress=None) -> Outcome:
        from . import services

        outcome, ready = self._parse(tables[""])
        if outcome.has_errors:
            raise ImportRejected(outcome)
        with transaction.atomic():
            for n, (username, name, user, values) in enumerate(ready, start=1):
                if user is None:
                    user = User(username=username, name=name)
                    user.set_unusable_password()
                    user.save()
                elif user.name != name:
                    user.name = name
                    user.save(update_fields=["name"])
                try:
                    services.expert_save(actor=self.user, user=user, values=values)
                except services.ReviewError as error:
                    outcome.file_errors.append(f"{username}: {error.message}")
                    raise ImportRejected(outcome) from None
                if on_progress:
                    on_progress(n)
        return outcome

    def template_xlsx(self) -> bytes:
        from unionportal.imports.files import import_sheet_xlsx

        allowed = "、".join(str(label) for _c, label in FIELD_CHOICES)
        return import_sheet_xlsx(
            _("评审专家"),
            [header for _k, header, _r in POOL_COLUMNS],
            [["zhang_expert", "张明", "420100", "", "武汉理工大学", "教授", "创新驱动、制造业"]],
            [("专业领域", _("可填多项，用顿号分隔；可选：%(allowed)s") % {"allowed": allowed})],
        )
