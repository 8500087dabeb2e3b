"""Settings read from the environment: defaults, and values refused with the reason."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from shared.catalog import FUNCTIONS, function_named
from shared.delivery.channels.http_post import check_peer_url
from shared.delivery.channels.sftp import SftpConfig
from shared.errors import ConfigurationError
from shared.settings import (
    Settings,
    check_environment,
    grant_env_var,
    required_variables,
    reset_settings,
)


def test_defaults_keep_export_links_within_the_bucket_lifecycle() -> None:
    assert Settings.from_environ({}).export_ttl_days == 30
    assert Settings.from_environ({"EXPORT_TTL_DAYS": "7"}).export_ttl_days == 7


def test_export_links_may_not_outlive_their_files() -> None:
    with pytest.raises(ValidationError, match="the reports bucket deletes exports after 30 days"):
        Settings.from_environ({"EXPORT_TTL_DAYS": "31"})


def test_an_unset_or_unknown_stage_is_never_local() -> None:
    assert Settings.from_environ({}).stage != "local"
    assert Settings.from_environ({"STAGE": "Local "}).stage != "local"
    assert Settings.from_environ({"STAGE": "local"}).stage == "local"


def test_loopback_targets_are_refused_when_the_stage_is_missing(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("STAGE", raising=False)
    reset_settings()
    try:
        with pytest.raises(ValueError, match="only in the local stage"):
            check_peer_url("http://127.0.0.1:8080/hook")
        with pytest.raises(ValueError, match="only in the local stage"):
            SftpConfig.model_validate(
                {
                    "host": "127.0.0.1",
                    "username": "u",
                    "private_key_secret": "report-platform/sftp/x",
                    "known_host_key": "ssh-ed25519 AAAA",
                }
            )
    finally:
        reset_settings()


def test_a_function_names_every_required_setting_it_misses_at_cold_start() -> None:
    deliver = function_named("pipeline-deliver")
    complete = {variable: "x" for variable in required_variables(deliver)}
    check_environment({**complete, "CATALOG_FUNCTION": deliver.name})
    missing = {k: v for k, v in complete.items() if k not in ("STAGE", "JOBS_TABLE")}
    with pytest.raises(ConfigurationError, match="pipeline-deliver cannot start: STAGE, JOBS_TABLE not set"):
        check_environment({**missing, "CATALOG_FUNCTION": deliver.name})
    with pytest.raises(ConfigurationError, match="CATALOG_FUNCTION names no catalogued function"):
        check_environment({"STAGE": "prod", "CATALOG_FUNCTION": "no-such-function"})
    with pytest.raises(ConfigurationError, match="STAGE not set"):
        check_environment({})


def test_required_settings_follow_the_catalog_grants() -> None:
    for function in FUNCTIONS:
        required = required_variables(function)
        assert required[0] == "STAGE"
        for grant in function.grants:
            assert grant_env_var(grant) in required, (function.name, grant)
