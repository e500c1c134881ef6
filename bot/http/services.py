"""What the HTTP endpoints share: settings, the corpus and the engine (built once, on first use)."""

from __future__ import annotations

import asyncio
import contextvars
import functools
import logging
import threading
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from typing import Any, Protocol

import orjson
from fastapi import Request
from fastapi.responses import Response

from bot.http.clients import client_key
from bot.http.errors import ApiError
from bot.packs.corpus import Corpus
from bot.packs.loader import load_packs
from bot.records.recording import deferred_commits, request_client
from bot.sessions.store import Lookup, Session
from bot.settings import Settings


class Engine(Protocol):
    """What the API needs from `bot.build_engine(settings)` (contract in the engine issue)."""

    retriever: Any
    corpus: Corpus

    def ask(
        self, text: str, session_id: str | None = None, history: Sequence[str] = (), **kwargs: Any
    ) -> Any: ...


log = logging.getLogger("policybot.api")


class JsonResponse(Response):
    """JSON via orjson: non-ASCII kept as UTF-8, Decimal and other odd values as strings."""

    media_type = "application/json"

    def render(self, content: Any) -> bytes:
        return orjson.dumps(content, default=str)


class Services:
    """What the endpoints share: settings, the corpus, and the engine (built once, on first use)."""

    def __init__(self, settings: Settings, engine: Engine | None = None):
        self.settings = settings
        self.packs = load_packs(settings.corpus_dir, settings.extra_packs)
        self.corpus: Corpus = self.packs.corpus
        self._engine = engine
        self._lock = threading.Lock()
        self._error: str | None = None
        self._wrappers: list[Callable[[Engine], Engine]] = []
        # Deterministic answers are pure CPU under the GIL: two workers, first come first served, keep the tail
        # short. An LLM call waits on the network, so more of them may wait at once.
        workers = 2 if settings.llm_base_url is None else 16
        self._ask_pool = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="policybot-ask")
        # Without a model or PostgreSQL an answer is about a millisecond of CPU and never waits on another
        # machine: it runs on the event loop itself. Handing it to a thread only adds GIL hand-offs (measured:
        # a fifth fewer requests per second; with Redis sessions, whose round trips release the GIL in the
        # thread, 3.8 → 2.4 ms of server CPU per answer). Sessions in Redis are opened and saved with the
        # async client around it, so the loop never waits on Redis. A model or a database write may wait, so
        # then it runs on the pool and the loop keeps serving.
        self._inline = settings.llm_base_url is None and not settings.database_url

    @property
    def examples(self) -> list[str]:
        """Example questions for the primary document (from its pack's vocabulary)."""
        vocab = self.packs.primary.vocabulary
        return list(vocab.document.examples) if vocab else []

    @property
    def engine_ready(self) -> bool:
        return self._engine is not None

    def wrap_engine(self, wrapper: Callable[[Engine], Engine]) -> None:
        """Decorate the engine (e.g. record every ask); applied now if built, else right after building."""
        with self._lock:
            self._wrappers.append(wrapper)
            if self._engine is not None:
                self._engine = wrapper(self._engine)

    def engine(self) -> Engine:
        """The engine, building it (and its index) on first call; 503 if that fails."""
        if self._engine is None:
            with self._lock:
                if self._engine is None:
                    self._engine = self._build()
        return self._engine

    def _build(self) -> Engine:
        from bot import build_engine

        try:
            engine: Engine = build_engine(self.settings)
        except Exception as exc:  # the index or a model may be missing; report it, keep serving the rest
            log.exception("engine build failed")
            self._error = str(exc)
            raise ApiError(503, "engine_unavailable", f"问答引擎暂不可用：{exc}") from exc
        self._error = None
        for wrapper in self._wrappers:
            engine = wrapper(engine)
        return engine

    def ask(
        self,
        text: str,
        session_id: str | None,
        history: Sequence[str] = (),
        *,
        channel: str = "api",
        client: str | None = None,
    ) -> dict[str, Any]:
        """Run the engine in the channel's session namespace and return Answer.to_dict(); with history, in a
        throw-away replayed session. `client` keys the per-client session quota; by default the address of
        the HTTP request being served."""
        who = client if client is not None else client_key(request_client())
        engine = self.engine()
        if history:
            return engine.ask(text, history=tuple(history), channel=channel, client=who).to_dict()  # type: ignore[no-any-return]
        answer = engine.ask(text, session_id=session_id or None, channel=channel, client=who)
        return answer.to_dict()  # type: ignore[no-any-return]

    async def ask_async(
        self, text: str, session_id: str | None, history: Sequence[str] = (), *, channel: str = "api"
    ) -> dict[str, Any]:
        """`ask` on the engine worker pool, so the event loop keeps serving while the engine waits; inline when
        nothing it does can wait (see __init__)."""
        if self._inline and self._engine is not None:  # never the first build: that may index for minutes
            return await self._ask_inline(text, session_id, history, channel)
        loop = asyncio.get_running_loop()
        # Carry the request's context (client, path: set by bot.http.guards for the conversation record).
        context = contextvars.copy_context()
        call = functools.partial(self.ask, text, session_id, history, channel=channel)
        return await loop.run_in_executor(self._ask_pool, context.run, call)

    async def _ask_inline(
        self, text: str, session_id: str | None, history: Sequence[str], channel: str
    ) -> dict[str, Any]:
        """`ask` on the loop, which never waits in it: a session store with async I/O (Redis) is opened and
        settled here, and the record's commit (bot.records.commit) is awaited before the reply."""
        with deferred_commits() as commits:
            result = await self._ask_in_session(text, session_id, history, channel)
        for committed in commits:
            await asyncio.wrap_future(committed)
        return result

    async def _ask_in_session(
        self, text: str, session_id: str | None, history: Sequence[str], channel: str
    ) -> dict[str, Any]:
        sessions = getattr(self._engine, "sessions", None)
        if history or not hasattr(sessions, "open_async"):
            return self.ask(text, session_id, history, channel=channel)
        assert sessions is not None
        who = client_key(request_client())
        try:
            lookup = await sessions.open_async(session_id or None, channel=channel, client=who)
        except Exception:  # as Engine.ask: an unreachable store answers without a session
            log.exception("session store failed")
            lookup, opened = Lookup(Session(id="", last_seen=0), expired=False), False
        else:
            opened = True
        try:
            answer = self.engine().ask(
                text, session_id=session_id, channel=channel, client=who, lookup=lookup
            )
        finally:
            if opened:
                await self._settle(sessions, lookup)
        return answer.to_dict()  # type: ignore[no-any-return]

    @staticmethod
    async def _settle(sessions: Any, lookup: Lookup) -> None:
        try:
            await sessions.settle_async(lookup)
        except Exception:  # the answer stands; only this turn is not kept for the next one
            log.exception("session save failed")

    def warm_in_background(self) -> None:
        """Start building the engine without blocking the caller (used by /readyz)."""
        if self._engine is None and not self._lock.locked():
            threading.Thread(target=self._warm, name="policybot-warm", daemon=True).start()

    def _warm(self) -> None:
        try:
            engine = self.engine()
        except ApiError:
            return
        # The first search loads jieba's dictionary; do it now rather than in someone's first lookup.
        warm = getattr(getattr(engine, "retriever", None), "warm", None)
        if callable(warm):
            warm()

    @property
    def last_error(self) -> str | None:
        return self._error


async def services(request: Request) -> Services:
    """FastAPI dependency: the Services object of the running app."""
    return request.app.state.services  # type: ignore[no-any-return]
