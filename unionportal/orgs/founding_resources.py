"""The founding drive's target list as an export (``orgs.founding_targets``): active enterprises without a
union in the user's scope (the matrix's "enterprise" / "export" row), by township, with the state of an
open founding application. No personal data. A fixed number of queries whatever the number of rows."""

from django.db.models import OuterRef, Subquery
from import_export.fields import Field

from unionportal.imports.resources import ExportOnlyResource
from unionportal.imports.widgets import ChoiceWidget, IntWidget, TextWidget

from .enums import Industry, Ownership
from .models import Enterprise
from .models_founding import FoundingApplication, FoundingState


class FoundingTargetResource(ExportOnlyResource):
    township = Field(attribute="township__name", column_name="所在乡镇街道", widget=TextWidget())
    township_code = Field(attribute="township__code", column_name="乡镇街道代码", widget=TextWidget())
    name = Field(attribute="name", column_name="企业名称", widget=TextWidget())
    credit_code = Field(attribute="credit_code", column_name="统一社会信用代码", widget=TextWidget())
    industry = Field(attribute="industry", column_name="行业", widget=ChoiceWidget(Industry))
    ownership = Field(attribute="ownership", column_name="经济类型", widget=ChoiceWidget(Ownership))
    employees = Field(attribute="employees", column_name="职工人数", widget=IntWidget())
    founding_state = Field(
        attribute="founding_state", column_name="建会申请", widget=ChoiceWidget(FoundingState)
    )

    class Meta:
        model = Enterprise
        fields = (
            "township",
            "township_code",
            "name",
            "credit_code",
            "industry",
            "ownership",
            "employees",
            "founding_state",
        )
        export_order = fields

    @classmethod
    def access_kind(cls) -> str:
        return "enterprise"

    def export_queryset(self):
        open_state = FoundingApplication.objects.open().filter(enterprise=OuterRef("pk")).values("state")[:1]
        return (
            self.get_queryset()
            .filter(union__isnull=True, is_active=True)
            .select_related("township")
            .annotate(founding_state=Subquery(open_state))
            .order_by("township__path", "name", "id")
        )
