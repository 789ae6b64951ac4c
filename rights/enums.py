from django.db import models
from django.utils.translation import gettext_lazy as _


class RequestKind(models.TextChoices):
    WAGES = "wages", _("欠薪")
    CONTRACT = "contract", _("劳动合同")
    SOCIAL_INSURANCE = "social_insurance", _("社会保险")
    INJURY = "injury", _("工伤")
    DISMISSAL = "dismissal", _("解除劳动关系")
    SAFETY = "safety", _("安全隐患")
    OTHER = "other", _("其他")


class RequestState(models.TextChoices):
    SUBMITTED = "submitted", _("待受理")
    ACCEPTED = "accepted", _("已受理")
    IN_PROGRESS = "in_progress", _("办理中")
    CONCLUDED = "concluded", _("已办结")


OPEN_STATES = (RequestState.SUBMITTED, RequestState.ACCEPTED, RequestState.IN_PROGRESS)
HANDLING_STATES = (RequestState.ACCEPTED, RequestState.IN_PROGRESS)


class StepKind(models.TextChoices):
    CONSULTATION = "consultation", _("咨询答复")
    LEGAL_AID = "legal_aid", _("转介法律援助")
    MEDIATION = "mediation", _("调解")
    LABOUR_INSPECTION = "labour_inspection", _("移送劳动监察")
    ARBITRATION = "arbitration", _("引导申请仲裁")


class Outcome(models.TextChoices):
    RESOLVED = "resolved", _("诉求已解决")
    PARTLY = "partly", _("部分解决")
    REFERRED = "referred", _("已移交有关部门处理")
    NOT_SUPPORTED = "not_supported", _("诉求依法不予支持")


class OverdueStage(models.TextChoices):
    ACCEPT = "accept", _("逾期未受理")
    CONCLUDE = "conclude", _("逾期未办结")
