"""Campaign SFTP link (bulk contact import, calls-campaigns.md §2.19-2.23).

A config starts disabled; a successful `test_connection` is needed before
`update(is_enabled=True)` (else 422 `SFTP_TEST_REQUIRED`). The API never returns
`password`, `private_key` or `private_key_passphrase`; should a server echo them they are kept
out of `repr`.
"""

from __future__ import annotations

import enum
from datetime import datetime
from typing import Any

import attrs

__all__ = [
    "SftpAuthType",
    "SftpConfig",
    "SftpImportJob",
    "SftpImportSchedule",
    "SftpTestResult",
]


class SftpAuthType(enum.StrEnum):
    """How Talkover logs in to your SFTP server (`password` or `private_key`, PEM)."""

    PASSWORD = "password"  # noqa: S105 - an enum value, not a secret
    PRIVATE_KEY = "private_key"


class SftpImportSchedule(enum.StrEnum):
    """How often contact files are imported (default `manual`)."""

    MANUAL = "manual"
    HOURLY = "hourly"
    DAILY = "daily"


@attrs.frozen(kw_only=True)
class SftpConfig:
    """A campaign's SFTP link. Create answers `{id, campaign_id, host, is_enabled,
    created_at}`, update `{id, import_schedule, is_enabled, updated_at}`; get is the full
    form with `last_test_at` / `last_test_success`."""

    id: str
    campaign_id: str | None = None
    host: str | None = None
    port: int | None = None
    username: str | None = None
    auth_type: SftpAuthType | str | None = None
    import_path: str | None = None
    export_path: str | None = None
    import_schedule: SftpImportSchedule | str | None = None
    is_enabled: bool | None = None
    last_test_at: datetime | None = None
    last_test_success: bool | None = None
    password: str | None = attrs.field(default=None, repr=False)
    private_key: str | None = attrs.field(default=None, repr=False)
    private_key_passphrase: str | None = attrs.field(default=None, repr=False)
    created_at: datetime | None = None
    updated_at: datetime | None = None
    extra: dict[str, Any] = attrs.field(factory=dict, repr=False)


@attrs.frozen(kw_only=True)
class SftpTestResult:
    """`POST .../sftp/test-connection`. A failed connection is a result, not an exception:
    `{success: false, message: "SFTP connection failed", data: {tested_at, error}}`.

    `success` and `message` come from the envelope (the client fills them); `ok` is the
    verdict (from `success`, or from `error` when the envelope was not seen, e.g. `decode`).
    """

    success: bool | None = None
    message: str | None = None
    tested_at: datetime | None = None
    import_path_accessible: bool | None = None
    export_path_accessible: bool | None = None
    error: str | None = None
    extra: dict[str, Any] = attrs.field(factory=dict, repr=False)

    @property
    def ok(self) -> bool:
        """True when the connection test succeeded."""
        if self.success is not None:
            return self.success
        return self.error is None


@attrs.frozen(kw_only=True)
class SftpImportJob:
    """`POST .../sftp/trigger-import`: the queued import `{job_id, queued_at}`."""

    job_id: str | None = None
    queued_at: datetime | None = None
    extra: dict[str, Any] = attrs.field(factory=dict, repr=False)
