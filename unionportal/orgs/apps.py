from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

# The cached-fragment topic of accounts, roles and unions (unionportal.fragments).
ACCOUNT_TOPIC = "account"


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
