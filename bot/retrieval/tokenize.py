"""jieba tokenization for retrieval, with a small per-index dictionary so a cold start loads in milliseconds."""

from __future__ import annotations

import logging
import re
import threading
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from bot.nlu.normalize import normalize

# Words that carry the shape of a question, not its subject; they only add noise to BM25.
STOPWORDS = frozenset(
    """的 了 吗 呢 啊 吧 呀 嘛 么 是 在 有 和 与 及 或 也 都 就 还 又 很 再 给 被 把 对 从 到 向 为 以 等
    本 这 那 这个 那个 这些 那些 这份 这条 哪 哪个 哪些 哪里 哪儿 什么 啥 怎么 怎样 怎么样 如何 多少 几 几成
    能 能不能 可以 可不可以 是不是 会 会不会 要 需要 想 应该 我 我们 我司 咱们 你 你们 他们 它 其 请问 一下
    一个 个 一些 没有 不 吗? 呢? 嗯 哦 那么 这么 比如 或者 还是 以及 如果 已经 刚 刚好 现在 里 里面 上 下 中
    讲 说 讲的 是否 算 算不算 够不够 条件 政策 区里 这边 一条 内容 万 元 块 块钱 按 多 大 一""".split()
)
_PUNCT_ONLY = re.compile(r"^[\W_]+$", re.UNICODE)
# Keeps 〔2024〕-style document numbers apart and drops everything jieba would emit as punctuation.
_SEPARATORS = re.compile(r"[\s，。、；：？！“”‘’《》（）()\[\]【】〔〕,.;:?!\"'<>/\\|-]+")
# A word absent from every corpus text can never match a document token; keeping the most frequent
# general words too keeps query segmentation close to what the full jieba dictionary gives.
TOP_GENERAL_WORDS = 30000
# Unused private-use word that carries the pruned words' frequency mass, so jieba's total is unchanged
# and word choices on the kept words are exactly those of the full dictionary.
_FILLER = "\ue000"


MAX_WORD_LEN = 12


def _quiet(jieba: object) -> None:
    """jieba logs "Building prefix dict..." at DEBUG on every start; keep only its warnings."""
    jieba.setLogLevel(logging.WARNING)  # type: ignore[attr-defined]


def _substrings(text: str, max_len: int) -> set[str]:
    return {text[i : i + n] for i in range(len(text)) for n in range(1, max_len + 1) if i + n <= len(text)}


def build_dictionary(path: Path, texts: Iterable[str], terms: Iterable[str]) -> int:
    """Write a pruned jieba dictionary for these texts plus lexicon terms to path; return its size."""
    import jieba

    _quiet(jieba)
    full = jieba.Tokenizer()
    full.initialize()
    substrings = _substrings("\n".join(normalize(t).lower() for t in texts), MAX_WORD_LEN)
    kept: dict[str, int] = {}
    ranked: list[tuple[int, str]] = []
    with jieba.get_dict_file() as fh:
        for raw in fh:
            word, freq_text = raw.decode("utf-8").split(" ")[:2]
            freq = int(freq_text)
            ranked.append((freq, word))
            if word in substrings:
                kept[word] = freq
    for freq, word in sorted(ranked, reverse=True)[:TOP_GENERAL_WORDS]:
        kept[word] = freq
    for term in terms:
        term = term.strip().lower()
        if term and " " not in term:
            # The frequency jieba itself suggests for keeping the term whole against the full dictionary.
            kept[term] = max(kept.get(term, 0), int(full.suggest_freq(term, tune=False)))
    filler = max(full.total - sum(kept.values()), 1)
    lines = [f"{w} {f}" for w, f in kept.items()] + [f"{_FILLER} {filler}"]
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return len(kept)


def config_digest() -> str:
    """Hash of what shapes document tokens besides the lexicon; part of the index fingerprint."""
    import hashlib

    spec = f"{sorted(STOPWORDS)}|{_SEPARATORS.pattern}|{TOP_GENERAL_WORDS}|{MAX_WORD_LEN}"
    return hashlib.sha256(spec.encode("utf-8")).hexdigest()[:12]


class PolicyTokenizer:
    """Normalize, cut with jieba (policy dictionary), drop stopwords and punctuation; thread-safe.

    jieba's dictionary is loaded on the first cut (about 0.1 s), not at construction: a calculation question
    never searches, so `policybot ask` about an amount does not pay for it. Servers call `warm()`.
    """

    def __init__(self, dictionary: Path | None = None, cache_file: Path | None = None) -> None:
        self._dictionary, self._cache_file = dictionary, cache_file
        self._jieba: Any = None
        self._lock = threading.Lock()

    def warm(self) -> None:
        """Load jieba and its dictionary now (idempotent)."""
        self._cutter()

    def _cutter(self) -> Any:
        if self._jieba is not None:
            return self._jieba
        with self._lock:
            if self._jieba is None:
                import jieba

                _quiet(jieba)
                cutter = (
                    jieba.Tokenizer(dictionary=str(self._dictionary))
                    if self._dictionary
                    else jieba.Tokenizer()
                )
                if self._cache_file is not None:
                    # jieba joins tmp_dir with cache_file; only an absolute cache_file wins inside os.path.join
                    # (a relative data dir would otherwise land under /tmp).
                    cutter.cache_file = str(Path(self._cache_file).resolve())
                cutter.initialize()
                self._jieba = cutter
        return self._jieba

    def tokens(self, text: str) -> list[str]:
        """Return the search tokens of text (normalized, lower-case, sub-words of long words included)."""
        out: list[str] = []
        cut = self._cutter().cut_for_search
        for piece in _SEPARATORS.split(normalize(text).lower()):
            if not piece:
                continue
            for tok in cut(piece, HMM=True):
                tok = tok.strip()
                if tok and tok not in STOPWORDS and not _PUNCT_ONLY.match(tok):
                    out.append(tok)
        return out


class PlainTokenizer:
    """The baseline: default jieba `lcut` on the raw text, only whitespace and punctuation dropped."""

    def __init__(self) -> None:
        import jieba

        _quiet(jieba)
        self._jieba = jieba.Tokenizer()
        self._jieba.initialize()

    def tokens(self, text: str) -> list[str]:
        """Return jieba tokens of text without any normalization, lexicon or stopword list."""
        return [t for t in self._jieba.lcut(text) if t.strip() and not _PUNCT_ONLY.match(t.strip())]
