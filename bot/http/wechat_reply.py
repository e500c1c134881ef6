"""What a WeChat follower gets back: each message answered once, within WeChat's reply window or pushed later.

WeChat resends a message (same MsgId) when a reply is slow; the resend waits for the same answer instead of
asking the engine again ("再加一笔300万" must be added once). A slow answer is either pushed as a
customer-service message (when the account allows it) or kept for the follower's next identical question.
"""

from __future__ import annotations

import contextvars
import functools
import logging
import threading
import time
from collections import OrderedDict
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from concurrent.futures import TimeoutError as FutureTimeout
from dataclasses import dataclass
from typing import Any

from bot.http.errors import ApiError
from bot.http.services import Services
from bot.http.text import clause_label
from bot.http.wechat_push import CustomerService, PushError

log = logging.getLogger("policybot.wechat")

# WeChat drops text replies above 2048 bytes; leave room for the ellipsis note.
MAX_REPLY_BYTES = 2000
PENDING_MAX = 1000
PENDING_TTL_SECONDS = 120.0
# WeChat retries a message three times within about 15 s; keep the answers well beyond that.
SEEN_TTL_SECONDS = 600.0

NON_TEXT = "目前只能回答文字问题，请直接输入您想咨询的政策问题。"
STILL_WORKING = "问题正在查询中，请几秒后再次发送同一问题获取答复。"
PUSHING = "正在查询，答复稍后发送给您；如一分钟内未收到，请再次发送同一问题。"
TRUNCATED = "……（内容较长，完整答复请在网页版查看）"


def welcome(corpus: Any, examples: list[str]) -> str:
    """The greeting a new follower gets: which document this account answers about, two example questions."""
    doc = corpus.primary
    asks = "".join(f"“{e}”" for e in examples[:2])
    return f"您好，这里是政策通，可解答{doc.doc_number}《{doc.title}》相关问题。" + (
        f"例如：{asks}" if asks else ""
    )


def clip_bytes(text: str, limit: int = MAX_REPLY_BYTES) -> str:
    """Cut text so its UTF-8 form fits WeChat's limit, marking the cut."""
    if len(text.encode("utf-8")) <= limit:
        return text
    room = limit - len(TRUNCATED.encode("utf-8"))
    return text.encode("utf-8")[:room].decode("utf-8", errors="ignore") + TRUNCATED


def format_answer(result: dict[str, Any], svc: Services) -> str:
    """Answer text plus short citation labels (no full quotes: WeChat replies are small)."""
    text = str(result.get("answer", "")).strip()
    by_doc: dict[str, list[str]] = {}
    for cite in result.get("citations") or []:
        clause = svc.corpus.clause(str(cite.get("clause_id")), cite.get("doc_id") or None)
        if clause is not None:
            doc = svc.corpus.document_of(clause).doc_number
            by_doc.setdefault(doc, []).append(clause_label(svc.corpus, clause))
    if by_doc:
        text += "\n\n依据：" + "；".join(
            f"{doc} {'、'.join(dict.fromkeys(ls))}" for doc, ls in by_doc.items()
        )
    return clip_bytes(text)


@dataclass
class Job:
    """One question being answered: the engine's future and whether its answer goes out as a push."""

    future: Future[dict[str, Any]]
    started: float
    pushed: bool = False


class _Expiring:
    """Bounded, time-limited map (insertion order = age), guarded by the caller's lock."""

    def __init__(self, ttl: float, size: int) -> None:
        self.ttl, self.size = ttl, size
        self.items: OrderedDict[Any, Job] = OrderedDict()

    def sweep(self, now: float) -> None:
        while self.items and now - next(iter(self.items.values())).started > self.ttl:
            self.items.popitem(last=False)
        while len(self.items) > self.size:
            self.items.popitem(last=False)


class Responder:
    """Answers within a deadline; a message is computed once however often WeChat resends it."""

    def __init__(self, svc: Services, push: CustomerService | None = None):
        self.svc = svc
        self.push = push
        self._pool = ThreadPoolExecutor(max_workers=4, thread_name_prefix="policybot-wechat")
        self._pending = _Expiring(PENDING_TTL_SECONDS, PENDING_MAX)  # (user, question) until delivered
        self._seen = _Expiring(SEEN_TTL_SECONDS, 10 * PENDING_MAX)  # message key → its job
        self._lock = threading.Lock()
        from bot.http.shared_state import make_claims  # other instances' claims on a MsgId, via Redis

        self.claims = make_claims(svc.settings, SEEN_TTL_SECONDS)

    def answer(self, user: str, question: str, message_key: Any = None) -> str:
        if message_key is not None and not self._known(message_key) and not self.claims.claim(message_key):
            return self._elsewhere(message_key)  # another instance got this message first
        job = self._job(user, question, message_key)
        if job.pushed:
            return PUSHING  # a resend of a message whose answer is already on its way
        settings = self.svc.settings
        wait = settings.wechat_push_wait_seconds if self.push else settings.wechat_reply_deadline_seconds
        try:
            result = job.future.result(timeout=wait)
        except FutureTimeout:
            return self._later(user, question, job)
        except ApiError as exc:
            self._forget(user, question)
            return exc.message
        self._forget(user, question)
        text = format_answer(result, self.svc)
        if message_key is not None:
            self.claims.publish(message_key, text)
        return text

    def _known(self, message_key: Any) -> bool:
        with self._lock:
            return message_key in self._seen.items

    def _elsewhere(self, message_key: Any) -> str:
        settings = self.svc.settings
        wait = settings.wechat_push_wait_seconds if self.push else settings.wechat_reply_deadline_seconds
        text = self.claims.wait(message_key, wait)
        return text if text is not None else (PUSHING if self.push else STILL_WORKING)

    def _job(self, user: str, question: str, message_key: Any) -> Job:
        now = time.monotonic()
        with self._lock:
            self._pending.sweep(now)
            self._seen.sweep(now)
            job = self._seen.items.get(message_key) if message_key is not None else None
            job = job or self._pending.items.get((user, question))
            if job is None:
                context = contextvars.copy_context()  # keeps the request's client/path for the records
                # The signed openid names the session, in WeChat's own namespace; it is its own quota key.
                ask = functools.partial(
                    self.svc.ask, question, f"wx-{user}", channel="wechat", client=f"wx:{user}"
                )
                future = self._pool.submit(context.run, ask)
                job = Job(future, now)
                self._pending.items[(user, question)] = job
            if message_key is not None:
                self._seen.items.setdefault(message_key, job)
            return job

    def _later(self, user: str, question: str, job: Job) -> str:
        push = self.push
        if push is None:
            return STILL_WORKING
        with self._lock:
            if job.pushed:
                return PUSHING
            job.pushed = True
        job.future.add_done_callback(self._pusher(push, user, question, job))
        return PUSHING

    def _pusher(
        self, push: CustomerService, user: str, question: str, job: Job
    ) -> Callable[[Future[Any]], None]:
        def send(future: Future[dict[str, Any]]) -> None:
            try:
                text = format_answer(future.result(), self.svc)
            except ApiError as exc:
                text = exc.message
            except Exception:  # the engine itself never raises; a wrapper might
                log.exception("wechat answer failed")
                return
            try:
                push.send_text(user, text)
            except PushError as exc:
                # The answer stays pending: the follower's resend of the same question gets it at once.
                log.warning("%s", exc)
                with self._lock:
                    job.pushed = False
                return
            self._forget(user, question)

        return send

    def _forget(self, user: str, question: str) -> None:
        with self._lock:
            self._pending.items.pop((user, question), None)
