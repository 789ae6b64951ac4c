"""The trades (工种) a craftsman is recommended in, as the national occupation classification names them:
the list the data migration seeds and the demo makes sure of; staff keep it in the admin afterwards."""

# code, name, English name, category
TRADES = [
    ("lathe_operator", "车工", "Lathe operator", "机械加工"),
    ("milling_operator", "铣工", "Milling machine operator", "机械加工"),
    ("grinder", "磨工", "Grinder", "机械加工"),
    ("cnc_operator", "数控机床操作工", "CNC machine tool operator", "机械加工"),
    ("fitter", "钳工", "Fitter", "机械加工"),
    ("tool_fitter", "工具钳工", "Tool fitter", "机械加工"),
    ("maintenance_fitter", "机修钳工", "Maintenance fitter", "机械加工"),
    ("mould_maker", "模具工", "Mould maker", "机械加工"),
    ("welder", "焊工", "Welder", "机械加工"),
    ("caster", "铸造工", "Foundry worker", "机械加工"),
    ("vehicle_assembler", "汽车装调工", "Vehicle assembly and adjustment worker", "装备制造"),
    ("vehicle_mechanic", "汽车维修工", "Motor vehicle mechanic", "装备制造"),
    ("machine_tool_fitter", "机床装调维修工", "Machine tool assembly and repair worker", "装备制造"),
    ("electronic_assembler", "电子设备装接工", "Electronic equipment assembler", "电子信息"),
    ("optical_fibre", "光纤光缆制造工", "Optical fibre and cable maker", "电子信息"),
    ("electrician", "电工", "Electrician", "电力能源"),
    ("power_line", "送配电线路工", "Power transmission and distribution line worker", "电力能源"),
    ("substation", "变电设备检修工", "Substation equipment repairer", "电力能源"),
    ("boiler_operator", "锅炉运行值班员", "Boiler operator", "电力能源"),
    ("instrument_repairer", "仪器仪表维修工", "Instrument repairer", "电力能源"),
    ("chemical_operator", "化工总控工", "Chemical process control operator", "化工冶金"),
    ("steelmaker", "炼钢工", "Steelmaker", "化工冶金"),
    ("underground_miner", "井下采矿工", "Underground miner", "采矿"),
    ("mineral_processing", "选矿工", "Mineral processing worker", "采矿"),
    ("hoist_operator", "提升机操作工", "Mine hoist operator", "采矿"),
    ("crane_operator", "起重装卸机械操作工", "Crane and handling machinery operator", "交通运输"),
    ("rail_driver", "铁路机车司机", "Railway locomotive driver", "交通运输"),
    ("bridge_builder", "桥隧工", "Bridge and tunnel worker", "建筑施工"),
    ("rebar_worker", "钢筋工", "Steel fixer", "建筑施工"),
    ("bricklayer", "砌筑工", "Bricklayer", "建筑施工"),
    ("meat_processing", "肉制品加工工", "Meat products processor", "轻工食品"),
    ("tea_processing", "茶叶加工工", "Tea processor", "轻工食品"),
    ("brewer", "酿酒师", "Brewer", "轻工食品"),
    ("chinese_cook", "中式烹调师", "Chinese cuisine chef", "服务业"),
    ("pastry_cook", "中式面点师", "Chinese pastry cook", "服务业"),
    ("embroiderer", "刺绣工（汉绣）", "Embroiderer (Han embroidery)", "传统技艺"),
    ("lacquer_worker", "漆器制作工", "Lacquerware maker", "传统技艺"),
    ("wood_carver", "木雕工", "Wood carver", "传统技艺"),
    ("agri_technician", "农业技术员", "Agricultural technician", "农业"),
    ("quality_inspector", "质检员", "Quality inspector", "通用"),
]


def trades_ensure(trade_model) -> int:
    """Add the trades of TRADES that ``trade_model``'s table lacks (by code); staff edits are kept.
    ``trade_model``: ``Trade``, or the migration's historical model. Returns how many were added."""
    present = set(trade_model.objects.values_list("code", flat=True))
    missing = [
        trade_model(code=code, name=name, name_en=name_en, category=category, position=position)
        for position, (code, name, name_en, category) in enumerate(TRADES, start=1)
        if code not in present
    ]
    trade_model.objects.bulk_create(missing)
    return len(missing)
