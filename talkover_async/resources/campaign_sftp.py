"""`client.campaigns.sftp`: SFTP contact import (calls-campaigns.md §2.19-2.23).

Lifecycle: `create` (stored disabled) -> `test_connection` -> `update(is_enabled=True)`
(422 `SFTP_TEST_REQUIRED` without a successful test) -> imports on `import_schedule` or
`trigger_import`. There is no documented delete or log listing.

`password`, `private_key` and `private_key_passphrase` are registered with the client's
redactor before anything is sent, so no log line or error message can show them.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Unpack

import attrs

from .. import _json
from ..envelope import parse
from ..errors import APIStatusError, InvalidRequestError
from ..models.campaign_sftp import (
    SftpAuthType,
    SftpConfig,
    SftpImportJob,
    SftpImportSchedule,
    SftpTestResult,
)
from ..operations import Operation
from ..options import RequestOptions
from ..serde import structure
from ..validation import check_bool, check_choice, check_int, check_str
from .base import Resource, drop_none, require_fields

if TYPE_CHECKING:
    from ..redaction import Redactor

__all__ = ["CampaignSftpResource"]

AUTH_TYPES = frozenset(x.value for x in SftpAuthType)
SCHEDULES = frozenset(x.value for x in SftpImportSchedule)
#: Statuses that never carry a connection-test result.
_NOT_A_TEST_RESULT = frozenset({401, 403, 404, 429})


class CampaignSftpResource(Resource):
    """A campaign's SFTP link: `client.campaigns.sftp`."""

    __slots__ = ()

    _CREATE = Operation(
        "campaigns.sftp.create",
        "POST",
        "/campaigns/{campaign_id}/sftp",
        SftpConfig,
        side_effect=True,
        summary="Create the campaign's SFTP link (starts disabled)",
    )

    async def create(
        self,
        campaign_id: str,
        *,
        host: str,
        username: str,
        auth_type: SftpAuthType | str,
        password: str | None = None,
        private_key: str | None = None,
        private_key_passphrase: str | None = None,
        port: int | None = None,
        import_path: str | None = None,
        export_path: str | None = None,
        import_schedule: SftpImportSchedule | str | None = None,
        **options: Unpack[RequestOptions],
    ) -> SftpConfig:
        """`POST /campaigns/{campaign_id}/sftp`: store the link, always disabled
        (`is_enabled: false`) until a successful `test_connection`.

        `auth_type` `password` needs `password`; `private_key` needs `private_key` (PEM text,
        not a file path) and optionally `private_key_passphrase`. `port` 1-65535 (default 22);
        `import_schedule` manual/hourly/daily (default manual). Secrets are redacted from
        logs and errors and never returned. Not retried once it may have reached the server.
        """
        body = _sftp_body(
            self._client._redactor,
            creating=True,
            host=host,
            username=username,
            auth_type=auth_type,
            password=password,
            private_key=private_key,
            private_key_passphrase=private_key_passphrase,
            port=port,
            import_path=import_path,
            export_path=export_path,
            import_schedule=import_schedule,
        )
        result: SftpConfig = await self._client._execute(
            self._CREATE, {"campaign_id": campaign_id}, body=body, options=options
        )
        return result

    _GET = Operation(
        "campaigns.sftp.get",
        "GET",
        "/campaigns/{campaign_id}/sftp",
        SftpConfig,
        side_effect=False,
        summary="Get the SFTP link (no secrets)",
    )

    async def get(self, campaign_id: str, **options: Unpack[RequestOptions]) -> SftpConfig:
        """`GET /campaigns/{campaign_id}/sftp`: the link with `last_test_at` and
        `last_test_success` (never the secrets)."""
        result: SftpConfig = await self._client._execute(
            self._GET, {"campaign_id": campaign_id}, options=options
        )
        return result

    _UPDATE = Operation(
        "campaigns.sftp.update",
        "PUT",
        "/campaigns/{campaign_id}/sftp",
        SftpConfig,
        side_effect=False,
        summary="Update the SFTP link (422 `SFTP_TEST_REQUIRED` to enable untested)",
    )

    async def update(
        self,
        campaign_id: str,
        *,
        host: str | None = None,
        username: str | None = None,
        auth_type: SftpAuthType | str | None = None,
        password: str | None = None,
        private_key: str | None = None,
        private_key_passphrase: str | None = None,
        port: int | None = None,
        import_path: str | None = None,
        export_path: str | None = None,
        import_schedule: SftpImportSchedule | str | None = None,
        is_enabled: bool | None = None,
        **options: Unpack[RequestOptions],
    ) -> SftpConfig:
        """`PUT /campaigns/{campaign_id}/sftp`: partial update, same rules as `create`, plus
        `is_enabled`. Enabling without a stored successful test answers 422
        `SFTP_TEST_REQUIRED` (`ValidationError`). Returns `{id, import_schedule, is_enabled,
        updated_at}`. At least one field (or `extra_body`) is required."""
        body = _sftp_body(
            self._client._redactor,
            creating=False,
            host=host,
            username=username,
            auth_type=auth_type,
            password=password,
            private_key=private_key,
            private_key_passphrase=private_key_passphrase,
            port=port,
            import_path=import_path,
            export_path=export_path,
            import_schedule=import_schedule,
        )
        if is_enabled is not None:
            body["is_enabled"] = check_bool("is_enabled", is_enabled)
        require_fields(body, options)
        result: SftpConfig = await self._client._execute(
            self._UPDATE, {"campaign_id": campaign_id}, body=body, options=options
        )
        return result

    _TEST_CONNECTION = Operation(
        "campaigns.sftp.test_connection",
        "POST",
        "/campaigns/{campaign_id}/sftp/test-connection",
        SftpTestResult,
        side_effect=False,
        allow_failure=True,
        summary="Test the SFTP connection; a failure (`success: false`) is a result",
    )

    async def test_connection(
        self, campaign_id: str, **options: Unpack[RequestOptions]
    ) -> SftpTestResult:
        """`POST /campaigns/{campaign_id}/sftp/test-connection`: try the stored link.

        A failed connection is a result, not an exception: check `result.ok` (`error` says
        why, e.g. `Authentication failed`). The failure body `{success: false, message,
        data: {tested_at, error}}` has no documented HTTP status, so it is read as a result
        whether it comes with a 2xx or an error status. Safe to repeat (it only re-tests and
        stores `last_test_at`/`last_test_success`).
        """
        try:
            raw = await self._client.request(
                self._TEST_CONNECTION, {"campaign_id": campaign_id}, options=options
            )
        except APIStatusError as exc:
            failed = _failed_test(exc)
            if failed is None:
                raise
            return failed
        result: SftpTestResult = raw.parsed
        env = parse(raw.http, allow_failure=True)
        return attrs.evolve(result, success=env.success, message=env.message)

    _TRIGGER_IMPORT = Operation(
        "campaigns.sftp.trigger_import",
        "POST",
        "/campaigns/{campaign_id}/sftp/trigger-import",
        SftpImportJob,
        side_effect=True,
        summary="Import contact files now (409 `SFTP_IMPORT_IN_PROGRESS`)",
    )

    async def trigger_import(
        self, campaign_id: str, **options: Unpack[RequestOptions]
    ) -> SftpImportJob:
        """`POST /campaigns/{campaign_id}/sftp/trigger-import`: scan `import_path` now and
        queue new contacts; returns `{job_id, queued_at}`. 409 `SFTP_IMPORT_IN_PROGRESS`
        (`ConflictError`) while another import runs. Not retried once it may have reached
        the server."""
        result: SftpImportJob = await self._client._execute(
            self._TRIGGER_IMPORT, {"campaign_id": campaign_id}, options=options
        )
        return result


def _failed_test(exc: APIStatusError) -> SftpTestResult | None:
    """The failed-test result an error response carries (`data: {tested_at, error}`)."""
    details = exc.details
    if exc.status_code in _NOT_A_TEST_RESULT or "tested_at" not in details:
        return None
    try:
        result: SftpTestResult = structure(dict(details), SftpTestResult)
    except Exception:  # not the documented shape: keep the original error
        return None
    return attrs.evolve(result, success=False, message=exc.message)


def _secret(redactor: Redactor, field: str, value: object) -> str:
    """A secret argument, remembered by the redactor in every form it may be echoed in: as
    is, JSON-escaped (a multi-line key inside a JSON error body), and line by line."""
    text = check_str(field, value, min_len=1)
    redactor.add(text)
    redactor.add(_json.dumps(text).decode()[1:-1])
    for raw_line in text.splitlines():
        line = raw_line.strip()
        if len(line) >= 16 and not line.startswith("-----"):
            redactor.add(line)
    return text


def _sftp_body(
    redactor: Redactor,
    *,
    creating: bool,
    host: str | None,
    username: str | None,
    auth_type: SftpAuthType | str | None,
    password: str | None,
    private_key: str | None,
    private_key_passphrase: str | None,
    port: int | None,
    import_path: str | None,
    export_path: str | None,
    import_schedule: SftpImportSchedule | str | None,
) -> dict[str, Any]:
    """The checked create/update body; secrets are registered with `redactor` first, so even
    a rejected argument cannot show them later."""
    secrets = {
        "password": None if password is None else _secret(redactor, "password", password),
        "private_key": None
        if private_key is None
        else _secret(redactor, "private_key", private_key),
        "private_key_passphrase": None
        if private_key_passphrase is None
        else _secret(redactor, "private_key_passphrase", private_key_passphrase),
    }
    if creating:
        for field, value in (("host", host), ("username", username), ("auth_type", auth_type)):
            if value is None:
                raise InvalidRequestError(field, "is required")
    kind = None if auth_type is None else check_choice("auth_type", auth_type, AUTH_TYPES)
    if creating and kind == SftpAuthType.PASSWORD and secrets["password"] is None:
        raise InvalidRequestError("password", "is required when auth_type is password")
    if creating and kind == SftpAuthType.PRIVATE_KEY and secrets["private_key"] is None:
        raise InvalidRequestError("private_key", "is required when auth_type is private_key")
    key = secrets["private_key"]
    if key is not None and not key.lstrip().startswith("-----BEGIN"):
        raise InvalidRequestError("private_key", "must be the PEM text of the key, not a path")
    return drop_none(
        {
            "host": None if host is None else _host(host),
            "port": None if port is None else check_int("port", port, 1, 65535),
            "username": None if username is None else check_str("username", username, min_len=1),
            "auth_type": kind,
            **secrets,
            "import_path": None
            if import_path is None
            else check_str("import_path", import_path, min_len=1),
            "export_path": None
            if export_path is None
            else check_str("export_path", export_path, min_len=1),
            "import_schedule": None
            if import_schedule is None
            else check_choice("import_schedule", import_schedule, SCHEDULES),
        }
    )


def _host(value: object) -> str:
    """A hostname: no scheme, no whitespace."""
    text = check_str("host", value, min_len=1, max_len=255)
    if "://" in text or any(c.isspace() for c in text):
        raise InvalidRequestError("host", "must be a bare hostname (no scheme, no spaces)")
    return text
