"""One settings object, read once at start-up (env prefix POLICYBOT_) and passed down explicitly.

Values come from, in order of precedence: keyword arguments, the environment (POLICYBOT_<NAME>, any case),
a `.env` file in the working directory, the defaults. Lists are written as JSON (POLICYBOT_CORS_ORIGINS=
'["https://a.example"]'). Read here rather than through pydantic-settings, whose import alone costs about a
tenth of a second of every command's start.
"""

from __future__ import annotations

import json
import os
import typing
from pathlib import Path
from typing import Any, Literal
from urllib.parse import urlsplit

from pydantic import BaseModel, ConfigDict, Field, SecretStr, ValidationError, field_validator

PROJECT_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_CORPUS_DIR = PROJECT_ROOT / "corpus"
ENV_PREFIX = "POLICYBOT_"
ENV_FILE = ".env"


def _dotenv(path: Path) -> dict[str, str]:
    """KEY=VALUE lines of a .env file (comments, blank lines and `export ` allowed; quotes stripped)."""
    out: dict[str, str] = {}
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except OSError:
        return out
    for line in lines:
        line = line.strip().removeprefix("export ").strip()
        if not line or line.startswith("#") or "=" not in line:
            continue
        key, _, value = line.partition("=")
        value = value.strip()
        if len(value) >= 2 and value[0] == value[-1] and value[0] in "\"'":
            value = value[1:-1]
        out[key.strip().upper()] = value
    return out


def _is_collection(annotation: Any) -> bool:
    kinds = {typing.get_origin(a) for a in (annotation, *typing.get_args(annotation))}
    return bool(kinds & {list, dict, tuple, set})


def _from_environment(model: type[BaseModel]) -> dict[str, Any]:
    """The fields set in the environment or the .env file, lists and dicts parsed as JSON."""
    found = _dotenv(Path(ENV_FILE)) | {k.upper(): v for k, v in os.environ.items()}
    values: dict[str, Any] = {}
    for name, field in model.model_fields.items():
        key = ENV_PREFIX + name.upper()
        if key not in found:
            continue
        raw = found[key]
        if _is_collection(field.annotation):
            try:
                values[name] = json.loads(raw)
            except ValueError as exc:
                raise ValueError(f'{key} 应为 JSON，如 ["a", "b"]（{exc}）') from exc
        else:
            values[name] = raw
    return values


class SettingsError(ValueError):
    """A configuration value that cannot be used, explained in Chinese (which POLICYBOT_* and why)."""


_WHY = {
    "int_parsing": "应为整数",
    "float_parsing": "应为数字",
    "bool_parsing": "应为 true 或 false",
    "greater_than_equal": "应不小于 {ge}",
    "greater_than": "应大于 {gt}",
    "less_than_equal": "应不大于 {le}",
    "less_than": "应小于 {lt}",
    "list_type": "应为 JSON 列表",
    "string_type": "应为文字",
}


def _explained(exc: ValidationError) -> str:
    lines = []
    for err in exc.errors():
        name = ENV_PREFIX + ".".join(str(p) for p in err["loc"][:1]).upper()
        why = _WHY.get(err["type"], "").format(**(err.get("ctx") or {})) or str(err["msg"]).removeprefix(
            "Value error, "
        )
        lines.append(f"{name}：值“{err.get('input')}”无效，{why}")
    return "；".join(lines)


class Settings(BaseModel):
    """All configuration of policybot; every field can be set as POLICYBOT_<NAME>."""

    model_config = ConfigDict(extra="ignore")

    def __init__(self, **values: Any) -> None:
        try:
            super().__init__(**{**_from_environment(type(self)), **values})
        except ValidationError as exc:
            raise SettingsError(_explained(exc)) from None

    # Data and corpus
    data_dir: Path = Field(Path("data"), description="数据目录：索引、会话记录等")
    corpus_dir: Path = Field(DEFAULT_CORPUS_DIR, description="语料目录（内置政策包在 policies/ 下）")
    policy_dirs: list[Path] = Field(
        [], description="另外加载的政策包目录（JSON 列表），每个目录含 document.json 和条款文件"
    )

    # Retrieval
    embedding_model: str | None = Field(
        None,
        description="sentence-transformers 模型名或本地路径，如 BAAI/bge-small-zh-v1.5；为空则仅用词法检索",
    )
    dense_weight: float = Field(0.3, ge=0, le=1, description="稠密向量得分在混合检索中的权重")

    # Optional LLM (OpenAI-compatible)
    llm_base_url: str | None = None
    llm_model: str | None = None
    llm_api_key: str | None = None
    llm_timeout_seconds: float = Field(20.0, gt=0, le=300)
    llm_max_steps: int = Field(
        4, ge=1, le=10, description="大模型单次问答最多调用工具的轮数，超出则回退到规则路由"
    )

    # Conversation engine (bot/engine.py, bot/sessions.py)
    session_max: int = Field(10000, ge=1, description="内存中最多保留的会话数，超出按最久未用淘汰")
    session_ttl_seconds: float = Field(
        1800, gt=0, description="会话空闲多少秒后过期（过期后回复“会话已过期”）"
    )
    session_max_per_client: int = Field(
        500,
        ge=1,
        description="每个客户端（IPv4 地址或 IPv6 /64）最多同时保留的会话数，超出淘汰它自己最久未用的",
    )
    session_max_bytes: int = Field(
        128 * 1024 * 1024,
        ge=65536,
        description="全部会话占用内存的上限（字节，估算），超出先淘汰占用最多的客户端的会话",
    )

    # Serving
    host: str = "127.0.0.1"
    port: int = Field(7860, ge=1, le=65535)
    serve_ui: bool = Field(True, description="是否在同一服务上挂载 Gradio 网页（/ui）；纯 API 部署可关闭")
    wechat_token: SecretStr | None = Field(
        None, description="微信公众号/客服消息推送令牌；为空则 /wechat 关闭（404）"
    )
    wechat_reply_deadline_seconds: float = Field(
        4.0, gt=0, le=4.8, description="微信被动回复的最长等待秒数（微信 5 秒内未收到回复会重试）"
    )
    wechat_app_id: str | None = Field(
        None, max_length=64, description="公众号 AppID：安全模式/兼容模式解密与客服消息需要"
    )
    wechat_aes_key: SecretStr | None = Field(
        None, description="消息加解密密钥 EncodingAESKey（43 位）；设置后支持安全模式与兼容模式"
    )
    wechat_app_secret: SecretStr | None = Field(
        None, description="公众号 AppSecret；设置后，超时的答复通过客服消息接口推送（需客服消息权限）"
    )
    wechat_api_base_url: str = Field(
        "https://api.weixin.qq.com", description="微信接口地址（测试时指向本地）"
    )
    wechat_push_wait_seconds: float = Field(
        1.0, gt=0, le=4.8, description="可推送客服消息时，被动回复前等待答案的秒数，超时先回复“正在查询”"
    )

    # Reliability and security (bot/guards.py, bot/records.py, bot/admin.py)
    max_message_chars: int = Field(2000, ge=1, description="单条消息最大字数（超出返回 422）")
    max_body_bytes: int = Field(65536, ge=1024, description="请求体最大字节数（超出返回 413）")
    max_json_depth: int = Field(16, ge=2, description="请求 JSON 最大嵌套层数（超出返回 422）")
    max_json_items: int = Field(256, ge=8, description="请求 JSON 中数组/对象元素总数上限（超出返回 422）")
    max_query_chars: int = Field(4096, ge=256, description="URL 查询串最大长度（超出返回 422）")
    rate_limit_per_minute: int = Field(60, ge=0, description="每个客户端每分钟请求数（0 表示不限流）")
    rate_limit_burst: int = Field(20, ge=1, description="每个客户端可瞬时突发的请求数")
    rate_limit_exempt: list[str] = Field(
        ["127.0.0.1", "::1"], description="不限流的客户端地址（默认本机，便于压测与运维）"
    )
    rate_limit_page_per_minute: int = Field(
        600, ge=0, description="每个客户端每分钟可请求的网页、静态文件和网页长连接数（0 表示不限）"
    )
    rate_limit_page_burst: int = Field(
        240, ge=1, description="网页类请求可瞬时突发的数量（打开一次页面约 80 个）"
    )
    max_connections_per_client: int = Field(
        128,
        ge=1,
        description="每个客户端同时进行中的请求（含 SSE 长连接）上限，超出返回 429；本机地址同样适用",
    )
    trusted_proxies: list[str] = Field(
        [],
        description="可信反向代理的地址或网段（如 10.0.0.0/8）；只有来自它们的 X-Forwarded-* 请求头才被采用",
    )
    trust_forwarded_for: bool = Field(
        False,
        description="已由 trusted_proxies 取代；单独设为 true 时等同于只信任本机（127.0.0.1、::1）上的代理",
    )
    public_base_url: str | None = Field(
        None, description="对外访问地址，如 https://zc.example.gov.cn；设置后网页不再按请求的 Host 头生成地址"
    )
    frame_ancestors: list[str] = Field(
        ["'self'"],
        description="允许以 iframe 嵌入网页的来源（CSP frame-ancestors），如小程序 web-view 或政务门户的域名",
    )
    referrer_policy: str = Field("same-origin", description="Referrer-Policy 响应头")
    admin_token: SecretStr | None = Field(None, description="管理接口令牌；为空则管理接口关闭（404）")
    cors_origins: list[str] = Field([], description="允许跨域访问的来源；默认为空即不开放跨域")
    records_retention_days: int = Field(180, ge=1, description="问答记录保留天数，超期由 purge 删除")
    ip_hash_salt: SecretStr | None = Field(
        None, description="客户端 IP 哈希盐；为空则在数据目录生成并保存（ip_salt 文件）"
    )
    wechat_replay_window_seconds: int = Field(
        300, ge=1, description="微信推送时间戳允许偏差（秒），超出视为重放，返回 403"
    )

    # Scale-out (bot/sessions/redis_store.py, bot/records/postgres.py, bot/http/metrics.py)
    redis_url: SecretStr | None = Field(
        None,
        description="Redis 地址（redis://host:6379/0）；设置后会话、限流、微信去重与防重放状态存于 Redis，多实例共享",
    )
    database_url: SecretStr | None = Field(
        None, description="问答记录数据库；postgresql://user:pass@host/db 时用 PostgreSQL，为空时用 SQLite"
    )
    workers: int = Field(
        1, ge=1, le=64, description="serve 的工作进程数（也读 WEB_CONCURRENCY）；大于 1 时需要 Redis"
    )
    log_format: Literal["text", "json"] = Field("text", description="日志格式：text 或 json（每行一个 JSON）")
    metrics_enabled: bool = Field(True, description="是否提供 GET /metrics（Prometheus 文本格式）")

    @field_validator("database_url")
    @classmethod
    def _database_scheme(cls, value: SecretStr | None) -> SecretStr | None:
        url = value.get_secret_value().strip() if value is not None else ""
        if not url:
            return None
        if urlsplit(url).scheme not in ("postgresql", "postgres"):
            raise ValueError(
                "POLICYBOT_DATABASE_URL 应形如 postgresql://用户:密码@主机:5432/库名（为空则用 SQLite）"
            )
        return value

    @field_validator("redis_url")
    @classmethod
    def _redis_scheme(cls, value: SecretStr | None) -> SecretStr | None:
        url = value.get_secret_value().strip() if value is not None else ""
        if not url:
            return None
        if urlsplit(url).scheme not in ("redis", "rediss", "unix"):
            raise ValueError("POLICYBOT_REDIS_URL 应形如 redis://主机:6379/0（为空则用进程内存储）")
        return value

    @field_validator("wechat_aes_key")
    @classmethod
    def _aes_key_shape(cls, value: SecretStr | None) -> SecretStr | None:
        key = value.get_secret_value() if value is not None else ""
        if key and not (len(key) == 43 and key.isascii() and key.isalnum()):
            raise ValueError("POLICYBOT_WECHAT_AES_KEY 应为公众号后台的 43 位 EncodingAESKey（字母和数字）")
        return value

    @property
    def extra_packs(self) -> tuple[Path, ...]:
        return tuple(Path(p) for p in self.policy_dirs)

    @field_validator("public_base_url")
    @classmethod
    def _origin_only(cls, value: str | None) -> str | None:
        if not value:
            return None
        parts = urlsplit(value.strip())
        if parts.scheme not in ("http", "https") or not parts.netloc or parts.path.strip("/") or parts.query:
            raise ValueError(
                "public_base_url 应形如 https://zc.example.gov.cn（协议加域名，可带端口，不带路径）"
            )
        return f"{parts.scheme}://{parts.netloc}"

    @property
    def index_dir(self) -> Path:
        return self.data_dir / "index"
