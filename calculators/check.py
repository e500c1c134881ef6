"""Checks for whoever adds a policy pack: its parameters, its registrations and its quotes, read statically.

`check_calculators(corpus/policies/<doc_id>, clause_ids)` reads the pack's parameters.yaml, clauses.json and
the sources of calculators/<doc_id with - → _>/ without importing them, and returns Chinese messages naming
the file and the field; an empty list means the pack is consistent.
"""

from __future__ import annotations

import ast
import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from calculators.params import PARAMETERS_FILE, ParameterFileError, ParameterSet, load_parameters
from calculators.trace import PARAMETER_READERS

CALCULATORS_DIR = Path(__file__).resolve().parent
QUOTE_SUFFIX = "_QUOTE"
_SPACE = re.compile(r"\s+")


@dataclass(frozen=True)
class Read:
    """A parameter name a pack's module passes to a Calculation reader, and where."""

    name: str | None  # None: the name is not a literal the check can see
    file: Path
    line: int


@dataclass(frozen=True)
class Registration:
    """One Calculator(...) in the pack's CALCULATORS tuple."""

    name: str | None
    clause_id: str | None
    line: int


def check_calculators(pack_dir: Path, clause_ids: set[str], *, code_dir: Path | None = None) -> list[str]:
    """Every problem of the pack in `pack_dir` (its corpus folder) and its calculator modules, in Chinese."""
    doc_id, errors = _doc_id(pack_dir)
    if doc_id is None:
        return errors
    code = code_dir or CALCULATORS_DIR / doc_id.replace("-", "_")
    modules = sorted(code.glob("*.py")) if code.is_dir() else []
    declared = _declared(pack_dir / PARAMETERS_FILE, clause_ids, errors)
    trees = _parse(modules, errors)
    reads = [read for path, tree in trees.items() for read in _reads(path, tree)]
    errors += _check_reads(reads, declared, pack_dir / PARAMETERS_FILE)
    if modules:
        init = code / "__init__.py"
        errors += _check_registrations(init, trees.get(init), clause_ids, _other_packs_names(doc_id))
    texts = _clause_texts(pack_dir / "clauses.json", clause_ids, errors)
    for path, tree in trees.items():
        errors += _check_quotes(path, tree, texts)
    return errors


def _parse(modules: list[Path], errors: list[str]) -> dict[Path, ast.Module]:
    trees: dict[Path, ast.Module] = {}
    for path in modules:
        try:
            trees[path] = ast.parse(path.read_text(encoding="utf-8"), str(path))
        except SyntaxError as exc:
            errors.append(f"{path}:{exc.lineno}：语法错误，无法检查（{exc.msg}）")
    return trees


def _doc_id(pack_dir: Path) -> tuple[str | None, list[str]]:
    document = pack_dir / "document.json"
    try:
        doc_id = json.loads(document.read_text(encoding="utf-8")).get("doc_id")
    except (OSError, ValueError) as exc:
        return None, [f"{document}：无法读取政策文件元数据（{exc}）"]
    if not isinstance(doc_id, str) or not doc_id:
        return None, [f"{document}：缺少字段 doc_id"]
    return doc_id, []


def _declared(path: Path, clause_ids: set[str], errors: list[str]) -> ParameterSet | None:
    if not path.exists():
        return None
    try:
        declared = load_parameters(path)
    except ParameterFileError as exc:
        errors.append(str(exc))
        return None
    for param in declared.parameters.values():
        if param.reference not in clause_ids:
            errors.append(
                f"{path}：参数“{param.name}”的字段 reference“{param.reference}”不是本政策的条款编号"
            )
    return declared


def _module_constants(tree: ast.Module) -> dict[str, ast.expr]:
    """Module-level NAME = literal assignments, to follow a reader's argument through a constant."""
    out: dict[str, ast.expr] = {}
    for node in tree.body:
        if isinstance(node, ast.Assign) and len(node.targets) == 1 and isinstance(node.targets[0], ast.Name):
            out[node.targets[0].id] = node.value
        elif isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name) and node.value is not None:
            out[node.target.id] = node.value
    return out


def _names(node: ast.expr, constants: dict[str, ast.expr]) -> list[str] | None:
    """The parameter names an argument can be: a literal, either arm of `a if c else b`, any value of a
    literal table indexed (`{1: "x", 2: "y"}[tier]`, `TABLE[key]`), or a module-level constant; None otherwise."""
    if isinstance(node, ast.Constant):
        return [node.value] if isinstance(node.value, str) else None
    if isinstance(node, ast.Name) and isinstance(constants.get(node.id), ast.Constant):
        return _names(constants[node.id], {})
    if isinstance(node, ast.IfExp):
        arms = [_names(node.body, constants), _names(node.orelse, constants)]
        return None if None in arms else [n for arm in arms for n in arm or []]
    if isinstance(node, ast.Subscript):
        table = constants.get(node.value.id) if isinstance(node.value, ast.Name) else node.value
        if isinstance(table, ast.Dict):
            values = [_names(v, {}) for v in table.values]
            return None if None in values or not values else [n for v in values for n in v or []]
    return None


def _reads(path: Path, tree: ast.Module) -> Iterator[Read]:
    """The parameter names passed to Calculation.param / param_entry / param_note / parameter / mention."""
    constants = _module_constants(tree)
    for node in ast.walk(tree):
        if not isinstance(node, ast.Call):
            continue
        func = node.func
        called = (
            func.attr if isinstance(func, ast.Attribute) else func.id if isinstance(func, ast.Name) else ""
        )
        if called not in PARAMETER_READERS:
            continue
        arg = node.args[0] if node.args else next((k.value for k in node.keywords if k.arg == "name"), None)
        names = sorted(set(_names(arg, constants) or [])) if arg is not None else []
        if not names:
            yield Read(None, path, node.lineno)
        for name in names:
            yield Read(name, path, node.lineno)


def _check_reads(reads: list[Read], declared: ParameterSet | None, params_path: Path) -> list[str]:
    errors = [
        f"{r.file}:{r.line}：读取参数时参数名不是字符串字面量（或模块级常量），无法核对它是否已声明"
        for r in reads
        if r.name is None
    ]
    named: dict[str, Read] = {}
    for read in reads:
        if read.name is not None:
            named.setdefault(read.name, read)
    if declared is None:
        return errors + [
            f"{r.file}:{r.line}：读取参数“{r.name}”，但 {params_path} 不存在或无法使用"
            for r in named.values()
        ]
    errors += [
        f"{r.file}:{r.line}：读取的参数“{r.name}”未在 {params_path} 中声明"
        for name, r in named.items()
        if name not in declared.parameters
    ]
    errors += [
        f"{params_path}：参数“{name}”已声明，但本政策的计算器没有读取它"
        for name in declared.parameters
        if name not in named
    ]
    return errors


def _registrations(tree: ast.Module) -> list[Registration] | None:
    """The Calculator(...) calls in CALCULATORS = (...); None when there is no such tuple."""
    for node in tree.body:
        target = node.targets[0] if isinstance(node, ast.Assign) and len(node.targets) == 1 else None
        target = node.target if isinstance(node, ast.AnnAssign) else target
        value = node.value if isinstance(node, ast.Assign | ast.AnnAssign) else None
        if isinstance(target, ast.Name) and target.id == "CALCULATORS" and isinstance(value, ast.Tuple):
            return [_registration(e) for e in value.elts]
    return None


def _registration(node: ast.expr) -> Registration:
    if not isinstance(node, ast.Call):
        return Registration(None, None, getattr(node, "lineno", 0))
    fields = dict(
        zip(("name", "title", "description", "input_model", "func", "clause_id"), node.args, strict=False)
    )
    fields.update({k.arg: k.value for k in node.keywords if k.arg})

    def literal(key: str) -> str | None:
        value = fields.get(key)
        return value.value if isinstance(value, ast.Constant) and isinstance(value.value, str) else None

    return Registration(literal("name"), literal("clause_id"), node.lineno)


def _other_packs_names(doc_id: str) -> dict[str, str]:
    """Calculator name → pack, for the built-in packs other than this one (names are global)."""
    from calculators import CALCULATORS

    return {c.name: c.doc_id for c in CALCULATORS if c.doc_id != doc_id}


def _check_registrations(
    init: Path, tree: ast.Module | None, clause_ids: set[str], taken: dict[str, str]
) -> list[str]:
    regs = _registrations(tree) if tree is not None else None
    if regs is None:
        return [f"{init}：没有登记元组 CALCULATORS = (Calculator(...), ...)"]
    errors: list[str] = []
    seen: dict[str, int] = {}
    for reg in regs:
        if reg.name is None:
            errors.append(
                f'{init}:{reg.line}：登记项应为 Calculator("名称", …, "条款编号", DOC_ID)，名称须为字面量'
            )
            continue
        if reg.name in seen:
            errors.append(f"{init}:{reg.line}：计算器名称“{reg.name}”重复登记（第{seen[reg.name]}行已登记）")
        if reg.name in taken:
            errors.append(
                f"{init}:{reg.line}：计算器名称“{reg.name}”已被政策包 {taken[reg.name]} 使用，名称须全局唯一"
            )
        seen.setdefault(reg.name, reg.line)
        if reg.clause_id not in clause_ids:
            errors.append(
                f"{init}:{reg.line}：计算器“{reg.name}”的字段 clause_id“{reg.clause_id}”不是本政策的条款编号"
            )
    return errors


def _clause_texts(path: Path, clause_ids: set[str], errors: list[str]) -> dict[str, str]:
    try:
        clauses = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        errors.append(f"{path}：无法读取条款（{exc}），引文无法核对")
        return {}
    return {c["id"]: _SPACE.sub("", c["text"]) for c in clauses if c.get("id") in clause_ids}


def _check_quotes(path: Path, tree: ast.Module, texts: dict[str, str]) -> list[str]:
    errors = []
    for name, value in _module_constants(tree).items():
        if not name.endswith(QUOTE_SUFFIX):
            continue
        if not (isinstance(value, ast.Constant) and isinstance(value.value, str)):
            errors.append(f"{path}:{value.lineno}：引文常量 {name} 应为一段字符串")
        elif not any(_SPACE.sub("", value.value) in text for text in texts.values()):
            errors.append(
                f"{path}:{value.lineno}：引文常量 {name} 不是本政策任何条款的原文（去掉空格后比较）"
            )
    return errors
