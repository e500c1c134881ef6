"""Customer-service messages (客服消息): push an answer that took longer than WeChat's 5-second reply window.

wechatpy's WeChatClient gets, caches and refreshes the access_token (and retries once when WeChat says it
expired); this subclass only makes the API host configurable, so tests can point it at a local fake server.
"""

from __future__ import annotations

import logging
from typing import Any

from wechatpy import WeChatClient
from wechatpy.exceptions import WeChatClientException

from bot.settings import Settings

log = logging.getLogger("policybot.wechat")

PUSH_TIMEOUT_SECONDS = 10.0


class PushError(Exception):
    """A push that WeChat refused (no customer-service permission, user silent for 48 h…) or never reached."""


class _Client(WeChatClient):  # type: ignore[misc]
    def __init__(self, api_base_url: str, appid: str, secret: str) -> None:
        self.API_BASE_URL = api_base_url.rstrip("/") + "/cgi-bin/"
        super().__init__(appid, secret, timeout=PUSH_TIMEOUT_SECONDS)

    def fetch_access_token(self) -> Any:
        return self._fetch_access_token(
            url=self.API_BASE_URL + "token",
            params={"grant_type": "client_credential", "appid": self.appid, "secret": self.secret},
        )


class CustomerService:
    """Sends text to one follower through the customer-service API of the configured official account."""

    def __init__(self, api_base_url: str, app_id: str, app_secret: str) -> None:
        self._client = _Client(api_base_url, app_id, app_secret)

    @classmethod
    def from_settings(cls, settings: Settings) -> CustomerService | None:
        """None unless the account's app id and secret are configured."""
        if not settings.wechat_app_id or settings.wechat_app_secret is None:
            return None
        secret = settings.wechat_app_secret.get_secret_value()
        return cls(settings.wechat_api_base_url, settings.wechat_app_id, secret) if secret else None

    def send_text(self, openid: str, content: str) -> None:
        try:
            self._client.message.send_text(openid, content)
        except WeChatClientException as exc:
            raise PushError(f"客服消息发送失败（errcode={exc.errcode}）：{exc.errmsg}") from exc
        except Exception as exc:  # network errors from requests, bad JSON…
            raise PushError(f"客服消息发送失败：{type(exc).__name__}") from exc
