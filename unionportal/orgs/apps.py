from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

# The cached-fragment topic of accounts, roles and unions (unionportal.fragments).
ACCOUNT_TOPIC = "account"
# Join and founding applications: the fragment-cache topic their home-page to-dos are kept under.
APPLICATION_TOPIC = "membership_application"


class OrgsConfig(AppConfig):
    name = "unionportal.orgs"
    label = "orgs"
    verbose_name = _("工会组织")

    def ready(self):
        from treebeard.mp_tree import path_updated

        from unionportal.audit.presenting import register_action_labels
        from unionportal.reports.registry import register_todo_provider

        from .admin_scoping import install_permitted_links
        from .models import Organisation
        from .paths import follow_tree_rewrites
        from .todos import accounts_never_signed_in

        install_permitted_links()
        from unionportal import fragments
        from unionportal.accounts.models import User

        from .models import Membership

        # Accounts, roles and unions: what the home page's account to-dos count (a sign-in included).
        for model in (User, Membership, Organisation):
            fragments.follow_all(ACCOUNT_TOPIC, model)
        register_todo_provider(
            "orgs.accounts_never_signed_in", accounts_never_signed_in, topics=(ACCOUNT_TOPIC,)
        )
        register_action_labels({"orgs.organisation.move": _("调整上级组织")})
        # Every rewrite of a branch's paths (a move, or siblings shifted by a sorted insert) is followed
        # by the columns that copy paths (paths.register_path_copy).
        path_updated.connect(follow_tree_rewrites, sender=Organisation, dispatch_uid="orgs.path_copies")
        self._ready_registry()
        self._ready_founding()
        from . import dashboard  # the founding figures of the six-function dashboard

        dashboard.register()

    def _ready_registry(self):
        """The member registry, sign-up and joining: path copies, labels, to-dos, the import, the demo."""
        from unionportal import demo
        from unionportal.audit.presenting import register_action_labels
        from unionportal.imports.registry import register_resource
        from unionportal.reports.registry import register_todo_provider

        from . import joining  # noqa: F401 - declares the joining workflow
        from .member_demo import seed_members_demo
        from .member_resources import MemberResource
        from .member_todos import joining_todos, worker_todos
        from .models import JoinApplication, Member
        from .paths import register_path_copy

        register_path_copy(Member, "org_path")
        register_path_copy(JoinApplication, "org_path")
        register_action_labels(
            {
                "accounts.signup": _("职工注册"),
                "orgs.worker_profile.create": _("填写实名信息"),
                "orgs.worker_profile.update": _("修改实名信息"),
                "orgs.member.add": _("登记会员"),
                "orgs.member.update": _("修改会员信息"),
                "orgs.member.transfer_out": _("转出"),
                "orgs.member.transfer_in": _("转入"),
                "orgs.member.leave": _("退会"),
                "orgs.join_application.submit": _("提交入会申请"),
            }
        )
        from unionportal import fragments

        # The join applications' to-do counts are kept under a topic their saves, deletes and moves bump.
        fragments.follow(APPLICATION_TOPIC, JoinApplication, lambda a: [a.org_path])
        register_todo_provider("orgs.worker", worker_todos)
        register_todo_provider("orgs.joining", joining_todos, topics=(APPLICATION_TOPIC,))
        register_resource("orgs.member", MemberResource, _("会员名册"))
        demo.register("orgs.members", seed_members_demo)

    def _ready_founding(self):
        """Founding a union: the workflow, the path copy, labels, to-dos, the target list export, the demo."""
        from unionportal import demo
        from unionportal.audit.presenting import register_action_labels
        from unionportal.imports.registry import register_resource
        from unionportal.reports.registry import register_todo_provider

        from . import founding  # noqa: F401 - declares the founding workflow
        from .founding_demo import seed_founding_demo
        from .founding_resources import FoundingTargetResource
        from .founding_todos import founding_applicant_todos, founding_todos
        from .models import FoundingApplication
        from .paths import register_path_copy

        register_path_copy(FoundingApplication, "org_path")
        register_action_labels(
            {
                "orgs.founding_application.create": _("填写建会申请"),
                "orgs.founding_application.update": _("修改建会申请"),
                "orgs.organisation.found": _("批准成立基层工会"),
            }
        )
        from unionportal import fragments

        # As the join applications (_ready_members): the founding applications' to-dos under one topic.
        fragments.follow(APPLICATION_TOPIC, FoundingApplication, lambda a: [a.org_path])
        register_todo_provider("orgs.founding", founding_todos, topics=(APPLICATION_TOPIC,))
        register_todo_provider(
            "orgs.founding_applicant", founding_applicant_todos, topics=(APPLICATION_TOPIC,)
        )
        register_resource("orgs.founding_targets", FoundingTargetResource, _("未建会企业（建会目标）"))
        demo.register("orgs.founding", seed_founding_demo)
