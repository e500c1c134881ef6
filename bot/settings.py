"""One settings object, read once at start-up (env prefix POLICYBOT_) and passed down explicitly."""

from __future__ import annotations

from pathlib import Path

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

PROJECT_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_CORPUS_DIR = PROJECT_ROOT / "corpus"


class Settings(BaseSettings):
    """All configuration of policybot; every field can be set as POLICYBOT_<NAME>."""

    model_config = SettingsConfigDict(env_prefix="POLICYBOT_", env_file=".env", extra="ignore")

    # Data and corpus
    data_dir: Path = Field(Path("data"), description="数据目录：索引、会话记录等")
    corpus_dir: Path = Field(DEFAULT_CORPUS_DIR, description="语料目录（政策原文、条款、词典）")

    # Retrieval
    embedding_model: str | None = Field(
        None, description="sentence-transformers 模型名或本地路径，如 BAAI/bge-small-zh-v1.5；为空则仅用词法检索"
    )
    dense_weight: float = Field(0.3, ge=0, le=1, description="稠密向量得分在混合检索中的权重")

    # Optional LLM (OpenAI-compatible)
    llm_base_url: str | None = None
    llm_model: str | None = None
    llm_api_key: str | None = None
    llm_timeout_seconds: float = Field(20.0, gt=0, le=300)

    # Serving
    host: str = "127.0.0.1"
    port: int = Field(7860, ge=1, le=65535)

    @property
    def index_dir(self) -> Path:
        return self.data_dir / "index"
