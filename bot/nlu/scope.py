"""Is a question about this policy at all? Instruction-override attempts, off-topic and gibberish detection."""

from __future__ import annotations

import re

# Attempts to change rules, rates or caps, reveal configuration, or extract a promise of money.
_INJECTION = re.compile(
    "|".join(
        [
            r"(忽略|无视|忘记|忘掉|不要管|跳过)(之前|以上|前面|上面|所有|你的|全部)?.{0,6}(规则|指令|设定|提示|限制|要求)",
            r"ignore (all |any )?(the )?(previous|prior|above|earlier)",
            r"forget (all |your |the )?(rules|instructions)",
            r"disregard (all |the |your )?(previous|prior|rules|instructions)",
            r"系统提示|提示词|system ?prompt|api ?key|API密钥|密钥|环境变量|配置文件|token|password|密码",
            r"你现在是|你是管理员|我是管理员|开发者模式|developer mode|\bDAN\b|pretend|扮演|假装|jailbreak|越狱",
            r"^(系统|system)\s*[:：]",
            r"(比例|比率|费率|标准|上限|rate|cap)\s*(现在)?\s*(改为|改成|调整为|变成|变为|是|为|按|is now|=)\s*\d+(\.\d+)?\s*(%|万)",
            r"按\s*\d+(\.\d+)?\s*%\s*(算|计算|来算|補|补)",
            r"(上限|比例)(改|调)",
            r"(?<!有)没有上限|无上限|不设上限|no cap|unlimited|without (a )?cap",
            r"(保证|承诺|担保|确保)(我们|我|公司)?.{0,8}(一定|肯定|必须)?.{0,6}(拿到|获得|能拿|给)",
        ]
    ),
    re.I,
)

# Topics plainly outside this policy: other places, other industries, other public services, chit-chat.
_OFF_TOPIC = re.compile(
    "|".join(
        [
            r"天气|下雨|气温|诗|笑话|翻译|餐厅|好吃|吃什么|电影|股票|基金净值|彩票|世界杯|比赛|游戏",
            r"个人所得税|个税|所得税|增值税|发票|报税|汇算|社保|公积金|医保|学区房|户口|落户积分|驾照|签证",
            r"上海|北京|深圳|广州|苏州|南京|合肥|无锡|成都|武汉|西安|重庆|天津|宁波|中关村|南山|工业园区|"
            r"余杭|萧山|西湖区|拱墅|上城|临平|钱塘|富阳",
            r"生物医药|新能源汽车|光伏|农业|种粮|纺织|房地产|餐饮|旅游|养老|教育培训|外卖",
            r"注册(一家)?公司|写(一段|一个)?.{0,6}代码|python|weather|poem|joke",
        ]
    ),
    re.I,
)

# Words that show a question is about this policy's subject (industry, subsidies, the document).
_DOMAIN = re.compile(
    "|".join(
        [
            r"集成电路|芯片|半导体|流片|tape-?out|(?<![a-z])(EDA|IP)(?![a-z])|签核|模组|封测|晶圆|芯火|芯机",
            r"算力|智算|计算中心|人工智能|(?<![a-z])AI(?![a-z])|大模型|模型|数据|数商|网络安全|网安|鸿蒙|鲲鹏|昇腾|欧拉|昇思",
            r"补贴|补助|奖励|资助|扶持|支持|贴息|补偿|配套|资金|政策|条款|第.{1,3}条|附则|文号|施行|废止|印发|发文",
            r"平台|创新券|算力券|模型券|房租|场租|交流活动|论坛|展会|人才|标准|质量奖|知识产权|专利|贷款|LPR|保险",
            r"滨江|高新区|高新开发区|经信局|发改局|科技局|目标|适用|从高|不重复|杭高新",
            r"有效期|截止日期|失效|外地|外区|注册地",
        ]
    ),
    re.I,
)


def is_injection(text: str) -> bool:
    return bool(_INJECTION.search(text))


_GREETING = re.compile(r"^(你好|您好|嗨|哈喽|hello|hi|谢谢|多谢|感谢|在吗|再见)[呀啊！!。，,？?~\s]*$", re.I)


def is_greeting(text: str) -> bool:
    return bool(_GREETING.match(text))


def names_outside(text: str) -> bool:
    """Names a subject outside this policy (another city, industry, tax, chit-chat)."""
    return bool(_OFF_TOPIC.search(text))


def in_domain(text: str) -> bool:
    """Mentions anything of this policy's subject at all."""
    return bool(_DOMAIN.search(text))


def is_off_topic(text: str) -> bool:
    """Off-topic when it names an outside subject, or names nothing of this policy's subject at all."""
    return names_outside(text) or not in_domain(text)
