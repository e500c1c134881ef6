"""The conversation engine: normalize → read → decide → execute tools → compose, for every question."""

from __future__ import annotations

import logging
import re
from typing import Any

from bot.compose import answer as C
from bot.compose.calc import compose_calculation, compose_cases, compose_not_applicable
from bot.compose.lookup import lookup_answer, overview_answer
from bot.decide.router import (
    CALCULATE,
    CLARIFY,
    INJECTION,
    LOOKUP,
    NOT_APPLICABLE,
    NOT_COVERED,
    RULE_ONLY,
    Decision,
    Router,
)
from bot.nlu.normalize import normalize
from bot.nlu.scope import is_greeting
from bot.packs.corpus import Corpus
from bot.packs.loader import Packs, load_packs
from bot.sessions.store import Pending, Session, SessionStore
from bot.settings import Settings
from bot.tools.executor import ToolOutcome, execute_all

log = logging.getLogger(__name__)

# Control characters other than tab/newline are dropped before anything else sees the text.
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u200b-\u200f\u2028-\u202e\ufeff]")
EXPIRED = "会话已过期（超过{minutes}分钟未活动），之前的对话内容已清除。"


class Engine:
    """Answers questions about the policies; safe to call from many threads at once."""

    def __init__(
        self, settings: Settings, corpus: Corpus, retriever: Any, llm: Any = None, packs: Packs | None = None
    ):
        self.settings = settings
        self.packs = packs or load_packs(settings.corpus_dir, settings.extra_packs)
        self.corpus = corpus
        self.retriever = retriever
        self.points = self.packs.primary.points
        self.router = Router(retriever, self.packs, _homophones(self.packs, settings))
        self.sessions = SessionStore(settings.session_max, settings.session_ttl_seconds)
        self.llm = llm

    def ask(self, text: str, session_id: str | None = None) -> Answer:
        """Answer one message; never raises for any input."""
        try:
            lookup = self.sessions.open(session_id or None)
        except Exception:  # pragma: no cover - the store only fails on a programming error
            log.exception("session store failed")
            lookup = None
        session = lookup.session if lookup else Session(id=session_id or "", last_seen=0)
        try:
            with session.lock:
                answer = self._ask(text, session, expired=bool(lookup and lookup.expired))
        except Exception:
            log.exception("engine failed on %r", text[:200])
            answer = C.Answer(
                C.NOT_COVERED, "抱歉，系统处理这个问题时出错了，请换个说法再试，或联系主管部门咨询。"
            )
        answer.session_id = session.id
        return answer

    def _ask(self, raw: str, session: Session, expired: bool) -> Answer:
        problem = self._check_input(raw)
        if problem is not None:
            return problem
        text = normalize(_CONTROL.sub("", raw))
        decision = self.router.decide(text, session)
        answer, reason = None, None
        # Injection and out-of-scope messages never reach a model: the guard decides those alone.
        if self.llm is not None and decision.kind in (CALCULATE, LOOKUP, RULE_ONLY):
            answer, reason = self.llm.answer(text, decision, session, self)
        if answer is None:
            answer = self.run_decision(decision, text, session)
            answer.fallback_reason = reason
        if expired:
            answer = self._expired(answer, decision)
        session.remember(text, answer.status)
        return answer

    def _check_input(self, raw: object) -> Answer | None:
        if not isinstance(raw, str):
            return C.Answer(C.NEED_MORE_INFO, "请用文字输入您的问题。")
        cleaned = _CONTROL.sub("", raw).strip()
        if not cleaned:
            return C.Answer(C.NEED_MORE_INFO, "请输入您想咨询的问题，例如“首次流片费用1200万元能补多少？”")
        limit = self.settings.max_message_chars
        if len(raw) > limit:
            return C.Answer(C.NEED_MORE_INFO, f"问题太长了（{len(raw)}字，上限{limit}字），请精简后再问。")
        return None

    def run_decision(self, decision: Decision, text: str, session: Session) -> Answer:
        """Execute the decision's tool calls and compose; one path whichever step decided."""
        pack = self.packs.primary
        if decision.kind == INJECTION:
            return C.compose_not_covered(pack, injection=True)
        if decision.kind == NOT_COVERED:
            return C.compose_not_covered(pack, greeting=is_greeting(text), place=decision.place)
        if decision.kind == RULE_ONLY:
            return C.compose_rule_only(self.corpus, decision.clause_ids[0])
        if decision.kind == LOOKUP:
            # After "流片补贴怎么算" a bare "1200万" fills that rule's calculation; a question about the rule
            # of the last calculation keeps that calculation for the next follow-up instead.
            pending = self._context(decision)
            same = pending is not None and session.last is not None and session.last.tool == pending.tool
            session.pending = None if same else pending
            if decision.overview:
                return overview_answer(self.corpus, self.points, decision.clause_ids)
            topic = decision.topic.id if decision.topic else None
            return lookup_answer(self.corpus, self.points, decision.clause_ids, text, topic)
        outcomes = execute_all(decision.calls)
        if decision.kind == NOT_APPLICABLE:
            return compose_not_applicable(self.corpus, pack, decision, outcomes)
        if decision.kind == CLARIFY and all(o.ok for o in outcomes):
            session.pending = Pending(decision.calls[0].name, {}, [], decision.clause_ids[0])
            return compose_cases(outcomes, self.corpus, decision)
        return self.finish_calculation(decision, outcomes, session, text)

    def finish_calculation(
        self, decision: Decision, outcomes: list[ToolOutcome], session: Session, text: str
    ) -> Answer:
        """Turn tool outcomes into an answer and remember what is pending or was last computed."""
        clause_id = decision.clause_ids[0]
        missing = next((o for o in outcomes if o.missing), None)
        if missing is not None:
            session.pending = Pending(
                missing.call.name, dict(missing.call.args), [m.name for m in missing.missing], clause_id
            )
            return C.compose_missing(missing, self.corpus, clause_id)
        failed = next((o for o in outcomes if not o.ok), None)
        if failed is not None:
            session.pending = Pending(failed.call.name, {}, [], clause_id)
            return C.compose_tool_error(failed, self.corpus, clause_id)
        session.pending = None
        session.batch = [Pending(o.call.name, dict(o.call.args), [], o.result.clause_id) for o in outcomes]
        session.last = session.batch[-1]
        extra = ["a2"] if any(o.result.chosen_rule for o in outcomes) else []
        return compose_calculation(outcomes, self.corpus, extra, decision)

    def _context(self, decision: Decision) -> Pending | None:
        """After "流片补贴怎么算" a bare "1200万" fills that rule's calculation: remember the rule asked about."""
        if decision.overview or not decision.clause_ids:
            return None
        vocab = self.packs.primary.vocabulary
        tool = decision.topic.tool if decision.topic else None
        if tool is None and vocab is not None:
            tools = vocab.tools_of(decision.clause_ids[0])
            tool = tools[0] if len(tools) == 1 else None
        return Pending(tool, {}, [], decision.clause_ids[0]) if tool else None

    def _expired(self, answer: Answer, decision: Decision) -> Answer:
        note = EXPIRED.format(minutes=int(self.settings.session_ttl_seconds // 60))
        if decision.kind == NOT_COVERED or answer.status == C.NEED_MORE_INFO:
            # A bare "1200万" means nothing without the lost context: ask for the whole question again.
            return C.Answer(
                C.NEED_MORE_INFO, note + "请重新完整地描述您的问题，例如“首次流片费用1200万元能补多少？”"
            )
        answer.answer = note + "已为您开启新的会话。\n" + answer.answer
        return answer


Answer = C.Answer


def _homophones(packs: Packs, settings: Settings) -> Any:
    from bot.nlu.typos import load_homophones

    words: list[str] = []
    for vocab in packs.vocabularies:
        words += vocab.document.domain
        for rule in vocab.rules:
            words += rule.names
            words += [m for s in rule.slots.values() for m in s.markers if m.isalnum()]
    return load_homophones(words, settings.index_dir)


def build_engine(settings: Settings, corpus: Corpus | None = None, retriever: Any = None) -> Engine:
    """Build the engine from settings: packs, retrieval index, and the LLM step when configured."""
    packs = load_packs(settings.corpus_dir, settings.extra_packs)
    corpus = corpus or packs.corpus
    if retriever is None:
        from bot.retrieval.retriever import Retriever

        retriever = Retriever.load(settings, corpus)
    llm = None
    if settings.llm_base_url and settings.llm_model:
        from bot.decide.llm import LlmDecider

        llm = LlmDecider.from_settings(settings)
    return Engine(settings, corpus, retriever, llm, packs)
