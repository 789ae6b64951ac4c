"""The campaign plan's five competition themes and the three titles a competition confers, as data.

The migrations load them; ``seed_demo`` loads any that are missing (a database flushed by a test run or
restored without them) and leaves rows staff have edited in the admin as they are.
"""

THEMES = [
    ("major-projects", "重大项目建设"),
    ("skills-contest", "职工技能大赛"),
    ("energy-saving", "我为节能减排作贡献"),
    ("skills-quality-service", "学习技能、提升质量、创优服务"),
    ("non-public", "非公企业"),
]
TITLES = [
    ("advanced-unit", "先进集体", "unit"),
    ("advanced-team", "先进班组", "team"),
    ("outstanding-builder", "优秀建设者", "individual"),
]
TITLES_EN = {
    "advanced-unit": "Advanced collective",
    "advanced-team": "Advanced team",
    "outstanding-builder": "Outstanding builder",
}


def ensure(theme_model, title_model) -> None:
    """Create the themes and titles the models lack (current models: the English names included)."""
    for order, (code, name) in enumerate(THEMES):
        theme_model.objects.get_or_create(code=code, defaults={"name": name, "order": order})
    for order, (code, name, kind) in enumerate(TITLES):
        title_model.objects.get_or_create(
            code=code,
            defaults={"name": name, "entrant_kind": kind, "order": order, "name_en": TITLES_EN[code]},
        )
