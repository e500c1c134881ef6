"""杭高新〔2024〕7号 (hzgx-2024-7): one typed function per numeric rule, registered explicitly.

Clauses m1, m5, m10, m13 and m14 set no number, so they have no calculator: the engine explains them.
"""

from __future__ import annotations

DOC_ID = "hzgx-2024-7"  # defined before the rule modules are imported: they read it

from calculators.base import Calculator  # noqa: E402
from calculators.hzgx_2024_7 import chips, data, ecosystem, finance, talent  # noqa: E402

CALCULATORS: tuple[Calculator, ...] = (
    Calculator("eda_rnd_subsidy", "EDA 工具攻关补贴", "第2条：EDA 工具技术攻关，年度自主研发投入1000万元以上且有销售的，按15%补贴，最高2000万元",
               chips.EdaRndInput, chips.eda_rnd_subsidy, "m2", DOC_ID),
    Calculator("eda_purchase_subsidy", "EDA 工具购买补贴", "第2条：集成电路企业购买EDA工具按费用20%补贴（每年最高100万元），签核中心企业研发的EDA按50%（每年最高250万元），从高取一",
               chips.EdaPurchaseInput, chips.eda_purchase_subsidy, "m2", DOC_ID),
    Calculator("ip_purchase_subsidy", "IP 购买补贴", "第2条：购买IP开展关键芯片、先进或特色工艺研发，按IP直接费用20%补贴，每家企业每年最高200万元",
               chips.IpPurchaseInput, chips.ip_purchase_subsidy, "m2", DOC_ID),
    Calculator("first_tapeout_subsidy", "首次流片补贴", "第3条：关键芯片首次流片，费用1000万元以上按15%（每年最高2000万元），1000万元以下按30%（每年最高300万元）",
               chips.FirstTapeoutInput, chips.first_tapeout_subsidy, "m3", DOC_ID),
    Calculator("equipment_rnd_subsidy", "核心设备、关键材料研发补贴", "第4条：集成电路核心设备、关键材料自主研发投入5000万元以上且有销售的，按年度研发投入15%补贴，最高5000万元",
               chips.EquipmentRndInput, chips.equipment_rnd_subsidy, "m4", DOC_ID),
    Calculator("compute_voucher_subsidy", "算力补贴", "第6条：使用杭州人工智能计算中心算力，按服务合同金额50%补贴，单个主体每年最高100万元",
               data.ComputeInput, data.compute_voucher_subsidy, "m6", DOC_ID),
    Calculator("data_trading_subsidy", "数据交易平台运营补贴", "第7条：数据交易平台按年交易额（不含关联企业交易额）1%给予运营补贴，每年最高500万元",
               data.DataTradingInput, data.data_trading_subsidy, "m7", DOC_ID),
    Calculator("dataset_circulation_reward", "数据集流通奖励", "第8条：数据集、资源库被区内超过3家非关联企业调用，按单次流通收益10%奖励，每年最高100万元",
               data.DatasetInput, data.dataset_circulation_reward, "m8", DOC_ID),
    Calculator("cyber_insurance_subsidy", "网络安全保险补偿", "第9条：网络安全服务企业投保网络安全保险，2024年按保费70%补偿，之后每年减10个百分点，每年最高100万元",
               data.CyberInsuranceInput, data.cyber_insurance_subsidy, "m9", DOC_ID),
    Calculator("ic_platform_subsidy", "集成电路公共技术平台补贴", "第11条：经认定的集成电路公共技术平台，按研发设备、软件投入30%补贴，最高2000万元",
               ecosystem.IcPlatformInput, ecosystem.ic_platform_subsidy, "m11", DOC_ID),
    Calculator("innovation_voucher_subsidy", "创新券补贴", "第11条：公共服务平台为区内集成电路企业提供服务，按技术服务合同金额30%补贴，每家企业每年最高50万元，双方须无投资关联",
               ecosystem.InnovationVoucherInput, ecosystem.innovation_voucher_subsidy, "m11", DOC_ID),
    Calculator("chip_machine_equipment_subsidy", "芯机联动（设备、材料）补贴", "第12条：试用非关联企业首次上市的设备、材料，当年累计采购500万元以上，每满500万元补10万元，最高100万元",
               ecosystem.ChipMachineInput, ecosystem.chip_machine_equipment_subsidy, "m12", DOC_ID),
    Calculator("chip_machine_chip_subsidy", "芯机联动（芯片、模组）补贴", "第12条：试用非关联企业首次上市的芯片、模组，当年累计采购300万元以上，按30%补贴，最高150万元",
               ecosystem.ChipMachineInput, ecosystem.chip_machine_chip_subsidy, "m12", DOC_ID),
    Calculator("ai_scene_platform_subsidy", "人工智能场景化开放服务平台补贴", "第15条：场景化开放服务平台对外服务50家（含）以上企业，按项目投资额20%支持，最高300万元",
               ecosystem.AiPlatformInput, ecosystem.ai_scene_platform_subsidy, "m15", DOC_ID),
    Calculator("ai_achievement_award", "人工智能应用成果奖励", "第15条：实际落地并推广的人工智能应用成果，经认定分档一次性奖励最高50万、30万、10万元",
               ecosystem.AiAwardInput, ecosystem.ai_achievement_award, "m15", DOC_ID),
    Calculator("high_level_platform_subsidy", "高能级平台专项支持", "第16条：国家级、省级高能级平台按实际支出给予支持，每年最高500万元",
               ecosystem.HighPlatformInput, ecosystem.high_level_platform_subsidy, "m16", DOC_ID),
    Calculator("event_venue_subsidy", "交流活动场租补贴", "第16条：事前报批、在区内举办的集成电路、人工智能交流活动，按场租费50%补贴，每次不超过100万元",
               ecosystem.EventInput, ecosystem.event_venue_subsidy, "m16", DOC_ID),
    Calculator("lpr_interest_subsidy", "贷款贴息", "第17条：集成电路企业设立或引进三年内的银行贷款，按同期LPR贴息，贷款额度最高按500万元计",
               finance.LprLoanInput, finance.lpr_interest_subsidy, "m17", DOC_ID),
    Calculator("talent_award", "人才引进奖励", "第18条：新引进人才入选各级人才计划的，给予人才最高520万元奖励",
               talent.TalentInput, talent.talent_award, "m18", DOC_ID),
    Calculator("standards_award", "标准制定奖励", "第19条：主导/参与国际标准100万/50万元，参与国家、行业标准20万/10万元，浙江制造标准主导/参与10万/5万元",
               talent.StandardsInput, talent.standards_award, "m19", DOC_ID),
    Calculator("quality_award", "政府质量奖奖励", "第19条：新获得或提名国家、省、市、区政府质量奖的，最高奖励200万元",
               talent.QualityAwardInput, talent.quality_award, "m19", DOC_ID),
)  # fmt: skip
