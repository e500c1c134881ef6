"""The conversation engine, one path for every message: normalize → read and decide (a plan of tool calls,
from the rule router or the optional LLM) → one executor runs the calls → composition reads the outcomes."""

from __future__ import annotations

import logging
import re
from collections.abc import Sequence
from typing import Any

from bot.compose import answer as C
from bot.compose.compose import compose
from bot.decide import plan as P
from bot.decide.plan import Plan
from bot.decide.router import Router
from bot.nlu.normalize import normalize
from bot.packs.corpus import Corpus
from bot.packs.loader import Packs, load_packs
from bot.sessions.backends import open_sessions
from bot.sessions.store import Lookup, Pending, Session
from bot.settings import Settings
from bot.tools import builtin as B
from bot.tools.calls import ToolOutcome
from bot.tools.executor import Executor

log = logging.getLogger(__name__)

# Control characters other than tab/newline are dropped before anything else sees the text.
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u200b-\u200f\u2028-\u202e\ufeff]")
EXPIRED = "会话已过期（超过{minutes}分钟未活动），之前的对话内容已清除。"
# Plans a model may word: anything but declines (injections and out-of-scope questions stay with the guard).
_LLM_KINDS = (P.CALCULATE, P.LOOKUP, P.RULE_ONLY)


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
        self.executor = Executor(self.packs.registry, lambda cid: self.corpus.resolve(cid) is not None)
        self.sessions = open_sessions(settings)
        self.llm = llm

    def ask(
        self,
        text: str,
        session_id: str | None = None,
        history: Sequence[str] = (),
        *,
        channel: str = "local",
        client: str | None = None,
        lookup: Lookup | None = None,
    ) -> Answer:
        """Answer one message; never raises for any input.

        With `history` (the earlier user turns a client sent along), those turns are the conversation: they
        are replayed into a fresh session that is thrown away afterwards, so the same history always gives
        the same answer. Replayed turns never reach the LLM; only `text` may.

        `channel` names the session namespace ("api", "web", "wechat"; "local" for this process) and
        `client` who is asking, for the per-client session quota. Outside "local" and "wechat" a session
        id the server did not issue starts a new session, whose id the answer carries.

        `lookup` is a session the caller already opened in `self.sessions` (on its event loop) and settles
        itself after the turn.
        """
        if history:
            return self._ask_after(history, text)
        if lookup is not None:
            return self._answer_in(lookup.session, text, expired=lookup.expired)
        try:
            lookup = self.sessions.open(session_id or None, channel=channel, client=client)
        except Exception:  # pragma: no cover - the store only fails on a programming error
            log.exception("session store failed")
            lookup = None
        session = lookup.session if lookup else Session(id="", last_seen=0)
        return self._answer_in(session, text, expired=bool(lookup and lookup.expired), lookup=lookup)

    def _ask_after(self, history: Sequence[str], text: str) -> Answer:
        session = Session(id="", last_seen=0)  # never stored: nothing can continue it but the history
        with session.lock:
            for turn in history:
                try:
                    self._ask(turn, session, expired=False, use_llm=False)
                except Exception:
                    log.exception("replaying %r failed", turn[:200])
        return self._answer_in(session, text, expired=False)

    def _answer_in(self, session: Session, text: str, expired: bool, lookup: Lookup | None = None) -> Answer:
        try:
            with session.lock:
                try:
                    answer = self._ask(text, session, expired=expired)
                finally:
                    if lookup is not None:
                        self.sessions.settle(lookup)  # under the lock: no other turn is changing it
        except Exception:
            log.exception("engine failed on %r", text[:200])
            answer = C.Answer(
                C.NOT_COVERED, "抱歉，系统处理这个问题时出错了，请换个说法再试，或联系主管部门咨询。"
            )
        answer.session_id = session.id
        return answer

    def _ask(self, raw: str, session: Session, expired: bool, use_llm: bool = True) -> Answer:
        problem = self._check_input(raw)
        if problem is not None:
            return problem
        text = normalize(_CONTROL.sub("", raw))
        plan = self.router.decide(text, session)
        wording, reason = None, None
        outcomes: list[ToolOutcome] | None = None
        if use_llm and self.llm is not None and plan.kind in _LLM_KINDS:
            llm_plan, outcomes, wording, reason = self.llm.decide(
                text, plan, session, self.executor, self.corpus
            )
            plan = llm_plan or plan
        if outcomes is None:
            outcomes = self.executor.run_all(plan.calls)
        answer = compose(plan, outcomes, self.packs, text)
        if wording is not None and self.llm is not None:
            reason = self.llm.adopt(answer, wording, outcomes)
        answer.fallback_reason = reason
        self._remember(plan, outcomes, session)
        if expired:
            answer = self._expired(answer, plan)
        session.remember(text, answer.status)
        return answer

    def _check_input(self, raw: object) -> Answer | None:
        if not isinstance(raw, str):
            return C.Answer(C.NEED_MORE_INFO, "请用文字输入您的问题。")
        cleaned = _CONTROL.sub("", raw).strip()
        if not cleaned:
            return C.Answer(C.NEED_MORE_INFO, "请输入您想咨询的问题" + self._example() + "。")
        limit = self.settings.max_message_chars
        if len(raw) > limit:
            return C.Answer(C.NEED_MORE_INFO, f"问题太长了（{len(raw)}字，上限{limit}字），请精简后再问。")
        return None

    def _example(self) -> str:
        """ "，例如“…”" with the primary pack's first example question, if it has one."""
        vocab = self.packs.primary.vocabulary
        return f"，例如“{vocab.document.examples[0]}”" if vocab and vocab.document.examples else ""

    def _remember(self, plan: Plan, outcomes: list[ToolOutcome], session: Session) -> None:
        """What the next message may build on: a pending calculation, or the last one computed."""
        kind = plan.kind
        session.doc_id = plan.doc_id
        if kind in (P.LOOKUP, P.CALCULATE, P.RULE_ONLY, P.EXPLAIN) and plan.clause_ids:
            session.clause = plan.clause_ids[0]
        if kind == P.LOOKUP:
            # After "流片补贴怎么算" a bare "1200万" fills that rule's calculation; a question about the rule
            # of the last calculation keeps that calculation for the next follow-up instead.
            pending = self._context(plan)
            same = pending is not None and session.last is not None and session.last.tool == pending.tool
            session.pending = None if same else pending
            return
        calcs = [o for o in outcomes if o.call.name not in B.BY_NAME]
        if kind not in (P.CALCULATE, P.CLARIFY) or not calcs:
            return
        clause_id = self._clause(calcs[0].call.name) or (plan.clause_ids[0] if plan.clause_ids else "")
        open_call = next((o for o in calcs if o.missing or not o.ok), None)
        if kind == P.CLARIFY or open_call is not None:
            call = (open_call or calcs[0]).call
            names = [m.name for m in open_call.missing] if open_call else []
            args = dict(call.args) if open_call is not None and open_call.missing else {}
            session.pending = Pending(call.name, args, names, clause_id)
            return
        session.pending = None
        session.batch = [
            Pending(o.call.name, dict(o.call.args), [], o.result.clause_id, o.call.year) for o in calcs
        ]
        if plan.keep:
            session.batch = [
                Pending(c.name, dict(c.args), [], self._clause(c.name) or clause_id, c.year)
                for c in plan.keep
            ]
        session.last = session.batch[-1]

    def _clause(self, tool: str) -> str | None:
        found = self.packs.rule_for_tool(tool)
        return found[1].clause if found else None

    def _context(self, plan: Plan) -> Pending | None:
        """The rule a lookup was about, so that a bare "1200万" next fills its calculation."""
        if plan.overview or not plan.clause_ids:
            return None
        vocab = self.packs.primary.vocabulary
        tool = plan.topic.tool if plan.topic is not None else None
        if tool is None and vocab is not None:
            tools = vocab.tools_of(plan.clause_ids[0])
            tool = tools[0] if len(tools) == 1 else None
        return Pending(tool, {}, [], plan.clause_ids[0]) if tool else None

    def _expired(self, answer: Answer, plan: Plan) -> Answer:
        note = EXPIRED.format(minutes=int(self.settings.session_ttl_seconds // 60))
        if plan.kind == P.NOT_COVERED or answer.status == C.NEED_MORE_INFO:
            # A bare "1200万" means nothing without the lost context: ask for the whole question again.
            return C.Answer(C.NEED_MORE_INFO, note + "请重新完整地描述您的问题" + self._example() + "。")
        answer.answer = note + "已为您开启新的会话。\n" + answer.answer
        return answer


Answer = C.Answer


def _homophones(packs: Packs, settings: Settings) -> Any:
    from bot.nlu.lang import language
    from bot.nlu.typos import load_homophones

    words: list[str] = []
    for vocab in packs.vocabularies:
        words += vocab.document.domain
        for rule in vocab.rules:
            words += rule.names
            words += [m for s in rule.slots.values() for m in s.markers if m.isalnum()]
    return load_homophones(words, settings.index_dir, language().everyday_words)


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
