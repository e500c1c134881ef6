"""政策体检: an enterprise enters its year once and sees every measure it may claim, at most how much, what it
still lacks and whom to call (bot.selfcheck.run.SelfCheck)."""

from bot.selfcheck.request import SelfCheckError
from bot.selfcheck.run import SelfCheck

__all__ = ["SelfCheck", "SelfCheckError"]
