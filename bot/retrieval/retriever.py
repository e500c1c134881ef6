"""Hybrid clause retrieval: direct references, BM25 (bm25s) over jieba tokens with the lexicon, optional dense.

Why BM25 and the fusion are done here and not in chromadb: chromadb 1.5 does ship sparse vectors (BM25,
SPLADE) and a hybrid `Collection.search(Search().rank(Rrf(...)))` API, but for the local PersistentClient
`search` raises NotImplementedError("Search is not implemented for Local Chroma") (chromadb/api/rust.py
`_search`; the docs place the Search API and sparse indexes under Chroma Cloud), and its BM25 embedding
function tokenizes with an English stemmer, which is useless for Chinese. So the lexical side is BM25 over
jieba tokens (built with bm25s, queried from its saved postings without importing it), chroma stores and queries the dense vectors (with explicit embeddings, never its default
embedding function), and this module fuses the two.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from bot.nlu.normalize import normalize
from bot.nlu.references import References
from bot.retrieval import store
from bot.retrieval.bm25 import Postings
from bot.retrieval.lexicon import Lexicon, load_lexicon
from bot.retrieval.tokenize import PolicyTokenizer, build_dictionary

if TYPE_CHECKING:
    from bot.packs.corpus import Corpus
    from bot.retrieval.dense import DenseIndex
    from bot.settings import Settings

log = logging.getLogger(__name__)

# Weight of the policy words the lexicon adds, relative to the question's own words.
EXPANSION_WEIGHT = 1.0
# Weight of the literal tokens of a colloquial phrase that the lexicon translates into policy words.
LITERAL_WEIGHT = 0.5
# BM25 parameters: clauses differ 10x in length, and a long clause that repeats the asked-about term
# (m2 says "EDA 工具" four times) should not lose to a short one that names it once in a list.
BM25_K1 = 1.2
BM25_B = 0.5


@dataclass(frozen=True)
class Hit:
    """One ranked clause: its id, short title and score (BM25 units; higher is better), and its document."""

    clause_id: str
    title: str
    score: float
    doc_id: str = ""

    @property
    def key(self) -> str:
        return f"{self.doc_id}:{self.clause_id}" if self.doc_id else self.clause_id

    def to_dict(self) -> dict[str, object]:
        return {
            "clause_id": self.clause_id,
            "doc_id": self.doc_id,
            "title": self.title,
            "score": round(self.score, 4),
        }


class Retriever:
    """Finds the clauses a Chinese question is about; `search` is thread-safe once loaded."""

    def __init__(
        self,
        *,
        ids: list[str],
        titles: dict[str, str],
        bm25: Postings,
        tokenizer: PolicyTokenizer,
        lexicon: Lexicon,
        dense: DenseIndex | None = None,
        dense_weight: float = 0.3,
        note: str = "",
        policy_phrases: frozenset[str] = frozenset(),
        references: References | None = None,
    ) -> None:
        self._ids = ids
        self._titles = titles
        # "第3条" and bare clause ids name the primary document's clauses.
        self.references = references or References([])
        self._primary_doc = ids[0].rpartition(":")[0] if ids else ""
        self._bm25 = bm25
        self._tokenizer = tokenizer
        self._lexicon = lexicon
        self._dense = dense
        self._dense_weight = dense_weight
        self._term_tokens: dict[str, list[str]] = {}
        self.note = note
        # Lexicon phrases the policy itself uses (公共算力, 场租费): their literal tokens keep full weight.
        self._policy_phrases = policy_phrases

    # ---- construction -------------------------------------------------------------------------------

    @classmethod
    def load(cls, settings: Settings, corpus: Corpus) -> Retriever:
        """Open the index under settings.index_dir, building it when missing, stale or corrupt."""
        lexicon = load_lexicon(settings.corpus_dir, settings.extra_packs)
        model, note = _dense_model(settings)
        with store.locked(settings.index_dir):
            try:
                return cls._open(settings, corpus, lexicon, model, note)
            except store.IndexStateError as exc:
                log.warning("%s，正在构建检索索引", exc)
                return cls._build(settings, corpus, lexicon, model, note, progress=False)

    @classmethod
    def build(cls, settings: Settings, corpus: Corpus, progress: bool = False) -> Retriever:
        """Rebuild the whole index (BM25, jieba dictionary, dense vectors when a model loads)."""
        lexicon = load_lexicon(settings.corpus_dir, settings.extra_packs)
        model, note = _dense_model(settings)
        with store.locked(settings.index_dir):
            return cls._build(settings, corpus, lexicon, model, note, progress=progress)

    @classmethod
    def _build(
        cls, settings: Settings, corpus: Corpus, lexicon: Lexicon, model: Any, note: str, progress: bool
    ) -> Retriever:
        import bm25s

        logging.getLogger("bm25s").setLevel(logging.WARNING)  # "Building index from tokens" is noise
        index_dir = settings.index_dir
        store.clear_lexical(index_dir)
        clauses = corpus.clauses
        extras = store.metadata_lines(corpus)
        documents = [store.clause_document(c, extras.get(c.key, [])) for c in clauses]
        build_dictionary(index_dir / store.DICTIONARY, documents, lexicon.terms)
        tokenizer = PolicyTokenizer(index_dir / store.DICTIONARY, index_dir / store.JIEBA_CACHE)
        built = bm25s.BM25(k1=BM25_K1, b=BM25_B)
        built.index([tokenizer.tokens(d) for d in documents], show_progress=False)
        bm25 = Postings.from_bm25s(built)
        bm25.save(index_dir / store.POSTINGS)
        ids = [c.key for c in clauses]
        dense, trust = None, 0.0
        if model is not None:
            from bot.retrieval.dense import DenseIndex, reliability

            dense = DenseIndex.build(index_dir / store.CHROMA_DIR, model, ids, documents, progress)
            trust = reliability(dense, store.lexicon_probes(corpus, lexicon), len(ids))
        store.write_manifest(
            index_dir,
            {
                "fingerprint": store.fingerprint(corpus, lexicon),
                "clause_ids": ids,
                "modes": ["bm25"] + (["dense"] if dense else []),
                "embedding_model": settings.embedding_model if dense else None,
                "dense_reliability": round(trust, 4),
            },
        )
        return cls._assemble(settings, corpus, bm25, tokenizer, lexicon, dense, trust, note)

    @classmethod
    def _assemble(
        cls,
        settings: Settings,
        corpus: Corpus,
        bm25: Any,
        tokenizer: PolicyTokenizer,
        lexicon: Lexicon,
        dense: DenseIndex | None,
        trust: float,
        note: str,
    ) -> Retriever:
        weight = settings.dense_weight * trust
        if dense is not None:
            note = f"{note}（模型可靠度 {trust:.2f}，有效权重 {weight:.3f}）"
            log.info(note)
        return cls(
            ids=[c.key for c in corpus.clauses],
            titles={c.key: c.title for c in corpus.clauses},
            references=References(corpus.primary.clauses, _named_parts(settings)),
            bm25=bm25,
            tokenizer=tokenizer,
            lexicon=lexicon,
            dense=dense,
            dense_weight=weight,
            note=note,
            policy_phrases=_policy_phrases(corpus, lexicon),
        )

    @classmethod
    def _open(cls, settings: Settings, corpus: Corpus, lexicon: Lexicon, model: Any, note: str) -> Retriever:
        index_dir = settings.index_dir
        manifest = store.read_manifest(index_dir)
        ids = [c.key for c in corpus.clauses]
        if manifest["fingerprint"] != store.fingerprint(corpus, lexicon) or manifest["clause_ids"] != ids:
            raise store.IndexStateError("语料、词典或索引格式已更新")
        if (model is not None) != ("dense" in manifest["modes"]):
            raise store.IndexStateError("向量模型设置已变更")
        if model is not None and manifest.get("embedding_model") != settings.embedding_model:
            raise store.IndexStateError("向量模型已更换")
        bm25, tokenizer = _open_lexical(index_dir, len(ids))
        dense = None
        if model is not None:
            from bot.retrieval.dense import DenseIndex

            try:
                dense = DenseIndex.open(index_dir / store.CHROMA_DIR, model, ids)
            except Exception as exc:  # chroma raises many types for a damaged store; all mean "rebuild"
                raise store.IndexStateError(f"向量索引无法打开（{exc}）") from exc
        trust = float(manifest.get("dense_reliability", 0.0))
        return cls._assemble(settings, corpus, bm25, tokenizer, lexicon, dense, trust, note)

    # ---- queries ------------------------------------------------------------------------------------

    @property
    def primary_doc(self) -> str:
        """The document whose clauses bare ids and "第3条" name."""
        return self._primary_doc

    @property
    def modes(self) -> list[str]:
        """Active retrieval modes: ["bm25"] or ["bm25", "dense"]."""
        return ["bm25"] + (["dense"] if self._dense is not None else [])

    def direct_reference(self, query: str) -> str | None:
        """The clause id a question names explicitly ("第3条", "附则第2条", a bare id), else None."""
        return self.references.find(normalize(query))

    def search(self, query: str, k: int = 5, doc_id: str | None = None) -> list[Hit]:
        """Rank clauses for a question, best first; a directly referenced clause always comes first.
        With `doc_id`, only that document's clauses (one answer never mixes two documents)."""
        text = normalize(query)
        if not text or k <= 0:
            return []
        lexical = self.lexical_scores(text)
        scores = self._fuse(lexical, text)
        order = sorted(range(len(self._ids)), key=lambda i: (-scores[i], -lexical[i], i))
        prefix = f"{doc_id}:" if doc_id else ""
        ref = self.references.find(text) if doc_id in (None, self._primary_doc) else None
        ref_key = f"{self._primary_doc}:{ref}" if ref else None
        hits = [self._hit(ref_key, float(max(scores)) + 1.0)] if ref_key in self._titles else []
        for i in order:
            if len(hits) >= k or scores[i] <= 0:
                break
            if self._ids[i] != ref_key and self._ids[i].startswith(prefix):
                hits.append(self._hit(self._ids[i], float(scores[i])))
        return hits

    def _hit(self, key: str | None, score: float) -> Hit:
        doc_id, _, clause_id = str(key).rpartition(":")
        return Hit(clause_id, self._titles[str(key)], score, doc_id)

    def lexical_scores(self, text: str) -> list[float]:
        """BM25 score of every clause for normalized text, the query expanded with the lexicon."""
        return self._bm25.scores(self.query_weights(text))

    def query_weights(self, text: str) -> dict[int, float]:
        """Vocabulary id → weight of the question's tokens and of the policy words the lexicon adds.

        A colloquial phrase (one the policy itself never uses) keeps its literal tokens at LITERAL_WEIGHT and adds
        the policy words at EXPANSION_WEIGHT when the policy word is one token; the pieces of a term
        jieba cuts up share that weight, so that they do not outweigh the question. Other tokens weigh 1.
        """
        vocab = self._bm25.vocab
        weights: dict[int, float] = {}

        def add(tokens: list[str], weight: float) -> None:
            for tok in tokens:
                if tok in vocab:
                    weights[vocab[tok]] = max(weights.get(vocab[tok], 0.0), weight)

        for piece, is_word in self._lexicon.segments(text):
            targets = self._lexicon.expansions.get(piece, ()) if is_word else ()
            translated = targets and piece not in self._policy_phrases
            add(self._tokenizer.tokens(piece), LITERAL_WEIGHT if translated else 1.0)
            for term in targets:
                toks = [t for t in self._tokens_of_term(term) if t in vocab]
                whole = [t for t in toks if t == term.lower()]
                add(whole, EXPANSION_WEIGHT)
                add([t for t in toks if t not in whole], EXPANSION_WEIGHT / max(len(toks), 1) ** 0.5)
        return weights

    def warm(self) -> None:
        """Load what the first search would otherwise load (jieba's dictionary)."""
        self._tokenizer.warm()

    def _tokens_of_term(self, term: str) -> list[str]:
        cached = self._term_tokens.get(term)
        if cached is None:
            # A racing thread computes the same list; dict assignment is atomic, so no lock is needed.
            cached = self._term_tokens[term] = self._tokenizer.tokens(term)
        return cached

    def _fuse(self, lexical: list[float], text: str) -> Any:
        """Lexical score plus weight x top lexical score x min-max dense similarity.

        weight is settings.dense_weight scaled by the model's measured reliability. A clause whose
        lexical score leads the next by at least weight x top score cannot be overtaken, so a model can
        reorder near-ties but never demote a clear lexical winner; an English-only model, whose
        reliability on Chinese is near zero, barely moves anything. With no lexical match at all,
        dense similarity alone ranks.
        """
        if self._dense is None or self._dense_weight <= 0:
            return lexical
        import numpy as np

        scores = np.asarray(lexical, dtype=np.float32)
        dense = self._dense.scores(text)
        spread = float(dense.max() - dense.min())
        unit = (dense - dense.min()) / spread if spread > 0 else dense * 0
        top = float(scores.max())
        return scores + self._dense_weight * (top if top > 0 else 1.0) * unit


def index_status(settings: Settings, corpus: Corpus) -> dict[str, Any]:
    """State of the stored index for doctor and `index --if-missing`: ok, state, modes, note (Chinese)."""
    model = settings.embedding_model
    note = (
        f"混合检索：BM25 + 向量模型“{model}”"
        if model
        else "未配置向量模型（POLICYBOT_EMBEDDING_MODEL），仅词法（BM25）检索"
    )
    try:
        manifest = store.read_manifest(settings.index_dir)
    except store.IndexStateError as exc:
        missing = "不存在" in str(exc)
        hint = "运行 policybot index 构建" if missing else "下次加载时自动重建，或运行 policybot index"
        return {"ok": False, "state": f"{exc}；{hint}", "reason": str(exc), "modes": [], "note": note}
    modes = list(manifest["modes"])
    if model and "dense" not in modes:
        note = f"已配置向量模型“{model}”，但构建索引时无法加载，仅词法（BM25）检索"
    stale = _stale_reason(manifest, settings, corpus)
    if stale:
        state = f"{stale}；下次加载时自动重建"
        return {"ok": False, "state": state, "reason": stale, "modes": modes, "note": note}
    state = f"已构建（{manifest.get('built_at', '?')}，{len(manifest['clause_ids'])} 条条款）"
    return {"ok": True, "state": state, "modes": modes, "note": note}


def _stale_reason(manifest: dict[str, Any], settings: Settings, corpus: Corpus) -> str | None:
    if manifest["fingerprint"] != store.fingerprint(
        corpus, load_lexicon(settings.corpus_dir, settings.extra_packs)
    ):
        return "索引已过期（语料、词典或格式已更新）"
    model = settings.embedding_model
    if model and "dense" in manifest["modes"] and manifest.get("embedding_model") != model:
        return "索引使用的向量模型与配置不同"
    return None


def _dense_model(settings: Settings) -> tuple[Any, str]:
    """Load the configured embedding model; return (model or None, Chinese note on the active modes).

    Note that dense_weight is scaled at build time by the model's measured reliability on lexicon probes
    (see `bot.retrieval.dense.reliability`), so an English-only model gets almost no say on Chinese questions.
    """
    if not settings.embedding_model:
        note = "未配置向量模型（POLICYBOT_EMBEDDING_MODEL），检索仅使用词法（BM25）模式"
        log.info(note)
        return None, note
    from bot.retrieval.dense import (
        load_model,  # imports torch and sentence-transformers: only when configured
    )

    model = load_model(settings.embedding_model)  # logs its own warning once when it fails
    if model is None:
        return None, f"向量模型“{settings.embedding_model}”无法加载，检索仅使用词法（BM25）模式"
    return model, f"混合检索：BM25 + 向量模型“{settings.embedding_model}”"


def _policy_phrases(corpus: Corpus, lexicon: Lexicon) -> frozenset[str]:
    """Lexicon phrases that occur verbatim in the policy text (after normalization, spaces removed)."""
    text = "".join(normalize(c.text).replace(" ", "").lower() for c in corpus.clauses)
    return frozenset(p for p in lexicon.expansions if p.replace(" ", "") in text)


def _named_parts(settings: Settings) -> list[Any]:
    """The primary pack's named parts ("发展目标", "文号"…), which a question may name directly."""
    from bot.packs.loader import load_packs

    vocab = load_packs(settings.corpus_dir, settings.extra_packs).primary.vocabulary
    return list(vocab.spec.named_parts) if vocab else []


def _open_lexical(index_dir: Any, n_docs: int) -> tuple[Postings, PolicyTokenizer]:
    dictionary = index_dir / store.DICTIONARY
    if not dictionary.is_file():
        raise store.IndexStateError("分词词典缺失")
    try:
        bm25 = Postings.load(index_dir / store.POSTINGS)
        docs = bm25.num_docs
    except Exception as exc:  # json/OS errors and an old format all mean "rebuild"
        raise store.IndexStateError(f"BM25 索引无法读取（{type(exc).__name__}: {exc}）") from exc
    if docs != n_docs:
        raise store.IndexStateError(f"BM25 索引条款数（{docs}）与语料（{n_docs}）不一致")
    return bm25, PolicyTokenizer(dictionary, index_dir / store.JIEBA_CACHE)
