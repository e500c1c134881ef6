"""Shared test set-up: offline by construction, each test gets its own data directory."""

from __future__ import annotations

import os

# Nothing in the tests may reach a model hub or a telemetry host.
os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")
os.environ.setdefault("ANONYMIZED_TELEMETRY", "False")

pytest_plugins = ["tests.fixtures", "tests.scale.services"]
