"""Regenerate corpus/policies/hzgx-2024-7/clauses.json from the PDF-converted source text.

Run once by hand when the source changes; the JSON it writes is the corpus the bot reads.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DOC_DIR = ROOT / "corpus" / "policies" / "hzgx-2024-7"

# a4 names the implementing bodies in prose: 经信局牵头，发改局、科技局、商务局、市场监管局、高新金投集团会同财政局实施。
A4_UNITS = ["经信局", "发改局", "科技局", "商务局", "市场监管局", "高新金投集团", "财政局"]
TITLES_A = {1: "适用范围", 2: "从高从优不重复", 3: "新型产业创新组织适用范围", 4: "施行日期与废止"}


def repaired_lines(text: str) -> list[str]:
    """Join sentences the PDF split across a page break ("自主" / blank / "研发投入")."""
    raw = [ln.rstrip() for ln in text.splitlines()]
    out: list[str] = []
    for ln in raw:
        if ln.strip() == "":
            out.append("")
            continue
        prev = next((i for i in range(len(out) - 1, -1, -1) if out[i] != ""), None)
        if (
            prev is not None
            and prev < len(out) - 1  # a page break leaves blank lines between the halves
            and not re.match(r"^(#|\d+\.|（|---)", ln)
            and not re.search(r"[。：；）\)]$", out[prev])
            and not out[prev].startswith("#")
            and re.search(r"[\u4e00-\u9fff]$", out[prev])
        ):
            out[prev] = out[prev] + ln.strip()
            del out[prev + 1 :]
            continue
        out.append(ln)
    return out


def units_of(text: str) -> list[str]:
    m = re.search(r"（责任单位：([^）]*)）", text)
    if not m:
        return []
    body = re.sub(r"。?列第一位的为牵头单位，下同。?", "", m.group(1))
    return [u for u in re.split(r"[、，]", body.strip("。")) if u]


def main() -> None:
    lines = repaired_lines((DOC_DIR / "source.txt").read_text(encoding="utf-8"))
    text = "\n".join(lines)
    header_end = text.index("## 一、发展目标")
    header = "\n".join(
        re.sub(r"^#+ *", "", ln).rstrip() for ln in text[:header_end].splitlines() if ln.strip()
    )
    clauses = [
        {"id": "header", "number": "", "title": "文件头", "section": "", "units": [], "text": header.strip()},
    ]
    body = text[header_end:]
    goals = body[: body.index("## 二、政策举措")].replace("## 一、发展目标", "").strip()
    goals = "\n".join(ln for ln in goals.splitlines() if ln.strip())
    clauses.append(
        {
            "id": "goals",
            "number": "一",
            "title": "发展目标",
            "section": "一、发展目标",
            "units": [],
            "text": goals,
        }
    )
    measures = body[body.index("## 二、政策举措") : body.index("### 三、实施附则")]
    section = ""
    for ln in measures.splitlines():
        ln = ln.strip()
        sm = re.match(r"^#+ *(（[一二三四五六七八九十]+）.*)$", ln)
        if sm:
            section = sm.group(1)
            continue
        mm = re.match(r"^(\d+)\.\s*(\S+?)。(.*)$", ln)
        if mm:
            n = int(mm.group(1))
            clauses.append(
                {
                    "id": f"m{n}",
                    "number": str(n),
                    "title": mm.group(2),
                    "section": section,
                    "units": units_of(ln),
                    "text": ln,
                }
            )
    annex = body[body.index("### 三、实施附则") : body.index("---")]
    for ln in annex.splitlines():
        ln = ln.strip()
        mm = re.match(r"^(\d+)\.\s*(.*)$", ln)
        if mm:
            n = int(mm.group(1))
            clauses.append(
                {
                    "id": f"a{n}",
                    "number": str(n),
                    "title": TITLES_A[n],
                    "section": "三、实施附则",
                    "units": A4_UNITS if n == 4 else [],
                    "text": ln,
                }
            )
    assert [c["id"] for c in clauses] == ["header", "goals"] + [f"m{i}" for i in range(1, 20)] + [
        f"a{i}" for i in range(1, 5)
    ]
    (DOC_DIR / "clauses.json").write_text(
        json.dumps(clauses, ensure_ascii=False, indent=1) + "\n", encoding="utf-8"
    )


if __name__ == "__main__":
    main()
