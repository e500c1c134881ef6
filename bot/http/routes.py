"""Read-only and calculator endpoints: health, readiness, clauses, search, calculators."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Body, Depends, Query

from bot.http.errors import ApiError
from bot.http.services import Services, services
from bot.packs.corpus import Clause

router = APIRouter()


@router.get("/healthz", tags=["运维"], summary="存活检查")
def healthz() -> dict[str, str]:
    return {"status": "ok"}


@router.get("/readyz", tags=["运维"], summary="就绪检查（引擎与索引已加载）")
def readyz(svc: Services = Depends(services)) -> Any:
    if svc.engine_ready:
        engine = svc.engine()
        return {"status": "ready", "modes": list(getattr(engine.retriever, "modes", []))}
    svc.warm_in_background()
    detail = f"：{svc.last_error}" if svc.last_error else "，请稍候"
    raise ApiError(503, "not_ready", f"索引尚未加载完成{detail}")


def _clause_summary(svc: Services, clause: Clause) -> dict[str, Any]:
    """The clause's metadata without its text (the list endpoint stays small), with its document."""
    row = {k: v for k, v in clause.to_dict().items() if k != "text"}
    return {**row, "doc_number": svc.corpus.document_of(clause).doc_number}


def _document(svc: Services, doc: Any) -> dict[str, Any]:
    repealer = svc.packs.repeal_of(doc.doc_id)
    return {
        "doc_id": doc.doc_id,
        "doc_number": doc.doc_number,
        "title": doc.title,
        **{k: doc.meta.get(k) for k in ("issued_date", "effective_date") if doc.meta.get(k)},
        "repealed_by": repealer.doc_number if repealer else None,
    }


@router.get("/v1/clauses", tags=["条款"], summary="条款列表（可按文件、所属部分、责任单位筛选）")
def list_clauses(
    section: str | None = Query(None, max_length=100, description="所属部分（条款列表中的 section）"),
    unit: str | None = Query(None, max_length=50, description="责任单位，如“经信局”"),
    doc_id: str | None = Query(None, max_length=80, description="只列该文件的条款（documents 中的 doc_id）"),
    svc: Services = Depends(services),
) -> Any:
    doc = svc.corpus.primary
    clauses = [
        _clause_summary(svc, c)
        for c in svc.corpus.clauses
        if (not section or c.section == section)
        and (not unit or unit in c.units)
        and doc_id in (None, c.doc_id)
    ]
    documents = [_document(svc, d) for d in svc.corpus.documents]
    return {"doc_number": doc.doc_number, "title": doc.title, "documents": documents, "clauses": clauses}


@router.get(
    "/v1/clauses/{clause_id}", tags=["条款"], summary="单条条款：元数据与原文（可写 doc_id:条款编号）"
)
def get_clause(clause_id: str, svc: Services = Depends(services)) -> Any:
    clause = svc.corpus.resolve(clause_id[:120])
    if clause is None:
        known = "、".join(c.id for c in svc.corpus.primary.clauses)
        raise ApiError(
            404,
            "unknown_clause",
            f"未找到条款“{clause_id[:40]}”。可用编号：{known}（其他文件写成 doc_id:编号）",
        )
    doc = svc.corpus.document_of(clause)
    meta = {k: doc.meta.get(k) for k in ("title", "issued_date", "effective_date")}
    return {**clause.to_dict(), "doc_number": doc.doc_number, "document": {**meta, **_document(svc, doc)}}


@router.get("/v1/search", tags=["检索"], summary="按问题检索最相关的条款")
def search(
    q: str = Query(..., min_length=1, max_length=500, description="检索词或问题"),
    k: int = Query(5, ge=1, le=25, description="返回条数"),
    svc: Services = Depends(services),
) -> Any:
    if not q.strip():
        raise ApiError(422, "invalid_request", "字段“q”不能为空")
    retriever = svc.engine().retriever
    hits = retriever.search(q, k=k)
    rows = []
    for hit in hits:
        clause = svc.corpus.clause(hit.clause_id, getattr(hit, "doc_id", None) or None)
        row = {"clause_id": hit.clause_id, "title": hit.title, "score": round(float(hit.score), 6)}
        if clause is not None:
            doc = svc.corpus.document_of(clause)
            row.update(
                number=clause.number, section=clause.section, doc_id=doc.doc_id, doc_number=doc.doc_number
            )
        rows.append(row)
    return {
        "query": q,
        "direct_reference": retriever.direct_reference(q),
        "modes": list(retriever.modes),
        "hits": rows,
    }


def _calculator_entry(calc: Any) -> dict[str, Any]:
    return {
        "name": calc.name,
        "title": calc.title,
        "description": calc.description,
        "clause_id": calc.clause_id,
        "parameters": calc.input_model.model_json_schema(),
    }


@router.get("/v1/calculators", tags=["测算"], summary="补贴测算器列表及其参数（JSON Schema）")
def list_calculators() -> Any:
    import calculators

    return {"calculators": [_calculator_entry(c) for c in calculators.CALCULATORS]}


def _find_calculator(name: str) -> Any:
    import calculators

    for calc in calculators.CALCULATORS:
        if calc.name == name:
            return calc
    known = "、".join(c.name for c in calculators.CALCULATORS)
    raise ApiError(404, "unknown_calculator", f"未找到测算器“{name[:60]}”。可用：{known}")


@router.get("/v1/calculators/{name}", tags=["测算"], summary="单个测算器及其参数")
def get_calculator(name: str) -> Any:
    return _calculator_entry(_find_calculator(name))


@router.post("/v1/calculators/{name}", tags=["测算"], summary="按参数测算补贴上限")
def run_calculator(
    name: str,
    args: dict[str, Any] = Body(..., description="测算参数，字段见 GET /v1/calculators 中的 parameters"),
) -> Any:
    import calculators

    _find_calculator(name)
    try:
        result = calculators.run_calculator(name, args)
    except calculators.CalculatorInputError as exc:
        details = [
            {"field": str(e.get("field", "")), "message": str(e.get("message", ""))} for e in exc.errors
        ]
        raise ApiError(422, "invalid_arguments", str(exc), details) from exc
    return result.to_dict()
