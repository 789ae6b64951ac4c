from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


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
        register_todo_provider("orgs.accounts_never_signed_in", accounts_never_signed_in)
        register_action_labels({"orgs.organisation.move": _("调整上级组织")})
        # Every rewrite of a branch's paths (a move, or siblings shifted by a sorted insert) is followed
        # by the columns that copy paths (paths.register_path_copy).
        path_updated.connect(follow_tree_rewrites, sender=Organisation, dispatch_uid="orgs.path_copies")
