"""What the CLI tests share: a shell's environment for this test's database and sandbox."""

from __future__ import annotations

import os

import pytest

from tests.support.zoho_fixtures import CREDENTIALS
from worker.store.mongo import Database, with_database
from zoho_sandbox import RunningSandbox


@pytest.fixture
def shell_env(
    mongodb_uri: str, mongo_db: Database, sandbox: RunningSandbox, secret_key: str
) -> dict[str, str]:
    """A shell's settings for this test's database and sandbox (no other ``ZBSYNC_`` variable)."""
    base = {k: v for k, v in os.environ.items() if not k.startswith("ZBSYNC_")}
    return base | {
        "ZBSYNC_MONGODB_URI": with_database(mongodb_uri, mongo_db.name),
        "ZBSYNC_ZOHO_CLIENT_ID": CREDENTIALS.client_id,
        "ZBSYNC_ZOHO_CLIENT_SECRET": CREDENTIALS.client_secret,
        "ZBSYNC_ZOHO_ACCOUNTS_URL": sandbox.accounts_url,
        "ZBSYNC_ZOHO_API_URL": sandbox.api_url,
        "ZBSYNC_SECRET_KEY": secret_key,
        "ZBSYNC_LOG_FORMAT": "json",
    }
