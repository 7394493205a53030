"""Operations of the campaign SFTP area (calls-campaigns.md §2.19-2.23)."""

from __future__ import annotations

from ..models.sftp import SftpConfig, SftpImportJob, SftpTestResult
from . import Operation, register

__all__: list[str] = []

_BASE = "/campaigns/{campaign_id}/sftp"

CAMPAIGN_SFTP_CREATE = register(
    Operation(
        "campaigns.sftp.create",
        "POST",
        _BASE,
        False,
        SftpConfig,
        summary="Create the campaign's SFTP link (starts disabled)",
    )
)
CAMPAIGN_SFTP_GET = register(
    Operation(
        "campaigns.sftp.get",
        "GET",
        _BASE,
        True,
        SftpConfig,
        summary="Get the SFTP link (no secrets)",
    )
)
CAMPAIGN_SFTP_UPDATE = register(
    Operation(
        "campaigns.sftp.update",
        "PUT",
        _BASE,
        True,
        SftpConfig,
        summary="Update the SFTP link (422 `SFTP_TEST_REQUIRED` to enable untested)",
    )
)
CAMPAIGN_SFTP_TEST = register(
    Operation(
        "campaigns.sftp.test_connection",
        "POST",
        _BASE + "/test-connection",
        True,
        SftpTestResult,
        allow_failure=True,
        summary="Test the SFTP connection; a failure (`success: false`) is a result",
    )
)
CAMPAIGN_SFTP_IMPORT = register(
    Operation(
        "campaigns.sftp.trigger_import",
        "POST",
        _BASE + "/trigger-import",
        False,
        SftpImportJob,
        summary="Import contact files now (409 `SFTP_IMPORT_IN_PROGRESS`)",
    )
)
