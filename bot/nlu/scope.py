"""Messages that must not be answered as asked: attempts to change rules, rates or caps, to reveal the
configuration or to extract a promise — and greetings. Whether a question is about a policy at all is read
from its subject (bot.decide.router), not from lists of banned words.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from bot.nlu.spans import Layout

if TYPE_CHECKING:
    from bot.nlu.reading import Reading

_INJECTION = re.compile(
    "|".join(
        [
            r"(忽略|无视|忘记|忘掉|不要管|跳过)(之前|以上|前面|上面|所有|你的|全部)?.{0,6}(规则|指令|设定|提示|限制|要求)",
            r"ignore (all |any )?(the )?(previous|prior|above|earlier)",
            r"forget (all |your |the )?(rules|instructions)",
            r"disregard (all |the |your )?(previous|prior|rules|instructions)",
            # "系统提示需要上传合同" is the application website speaking: only the assistant's own prompt is asked for.
            r"系统提示词|(显示|告诉我|输出|打印|泄露|给我看|发给我|忽略|无视).{0,4}系统提示|系统提示(的内容|原文|是什么)",
            r"提示词|system ?prompt|api ?key|API密钥|密钥|环境变量|配置文件|token|password|密码",
            r"你现在是|你是管理员|我是管理员|开发者模式|developer mode|\bDAN\b|pretend|扮演|假装|jailbreak|越狱",
            r"^(系统|system)\s*[:：]",
            r"(保证|承诺|担保|确保)(我们|我|公司)?.{0,8}(一定|肯定|必须)?.{0,6}(拿到|获得|能拿|给)",
        ]
    ),
    re.I,
)
# Instructions that change a rule's rate or cap: never in someone else's words or in a question ("听说平台补贴
# 没有上限？按投入能补多少" asks).
_RULE_CHANGE = re.compile(
    "|".join(
        [
            r"(比例|比率|费率|标准|上限|rate|cap)\s*(现在)?\s*(改为|改成|调整为|已调整为|变成|变为|is now|=)\s*\d+(\.\d+)?\s*(%|万)",
            r"(最新规定|新规定|最新政策|新政策规定|现在规定|已经调整|从现在开始).{0,12}(比例|比率|费率|标准|上限)\s*(是|为)\s*\d+(\.\d+)?\s*(%|万)",
            r"(上限|比例)(改|调)",
            r"(?<!有)没有上限|无上限|不设上限|no cap|unlimited|without (a )?cap",
        ]
    ),
    re.I,
)
# "按60%算": a rate given as an instruction — unless it is the user's own arithmetic ("按20%算是80万", "按15%算就是
# 9000万了吧") or asked or put up for checking later in the sentence ("…，是25万吗", "…，帮忙确认下").
_RATE_ORDER = re.compile(r"(?<!是)按\s*\d+(\.\d+)?\s*%\s*(算|计算|来算|補|补)")
_RATE_CHECKED = re.compile(
    r"\s*(下来|的话|出来)?\s*(就|应该|大概)?\s*(是|为|得|等于|有)\s*\d"
    r"|[^。！!\n]*([吗么嘛吧？?]|多少|几|能拿|能补|封顶|上限|确认|核对|核实|对不对|对吗|是不是|帮我看|帮忙看|才对|才是对的)"
)
_GREETING = re.compile(r"^(你好|您好|嗨|哈喽|hello|hi|谢谢|多谢|感谢|在吗|再见)[呀啊！!。，,？?~\s]*$", re.I)
_QUESTIONED = re.compile(r"(能|可以|可否|是否|能不能)\s*按")


def is_injection(reading: Reading | str) -> bool:
    """An attempt to override rules or extract secrets; figures that fill a rule's slot (a stated LPR) and
    questions ("能按50%补吗") are facts and questions, not instructions."""
    text = reading if isinstance(reading, str) else _masked(reading)
    if _QUESTIONED.search(text):
        text = _QUESTIONED.sub("", text)
        text = re.sub(r"按\s*\d+(\.\d+)?\s*%\s*(算|计算|来算|補|补)", "", text)
    if _INJECTION.search(text):
        return True
    said = text if isinstance(reading, str) else _reported_or_asked(reading, text)
    if _RULE_CHANGE.search(said):
        return True
    return any(
        not _RATE_CHECKED.match(text, m.end()) and said[m.start()] != " " for m in _RATE_ORDER.finditer(text)
    )


def _reported_or_asked(reading: Reading, text: str) -> str:
    """The text with someone else's words (from the hearsay marker) and question clauses blanked out."""
    layout = Layout.of(reading.text)
    out = list(text)
    for start in layout.clause_starts:
        _, end = layout.clause_span(start)
        marker = reading.lang.hearsay.search(reading.text, start, end)
        tail = reading.text[end : end + 1]
        asked = tail in ("？", "?") or reading.text[start:end].rstrip().endswith(("吗", "么", "嘛"))
        lo = start if asked else marker.start() if marker else end
        out[lo:end] = " " * (end - lo)
    return "".join(out)


def _masked(reading: Reading) -> str:
    """The text with every percent that is a rule's input (an LPR) or someone else's words blanked out."""
    text = reading.text
    for f in reading.figures:
        if f.mention.kind == "percent" and f.role in ("input", "hearsay"):
            text = text[: f.start] + " " * (f.end - f.start) + text[f.end :]
    return text


def is_greeting(text: str) -> bool:
    return bool(_GREETING.match(text))
