"""Commands find a deployed stage's user pool, app client and API URL in `cdk deploy --outputs-file` JSON."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from local.target import OUTPUT_PREFIXES, aws_target, stack_outputs

OUTPUTS = {
    "rp-dev-stateful": {
        "DirectoryUserPoolIdBBD32F19": "eu-west-1_AbC",
        "DirectoryUserPoolClientId7EFAEE4B": "client123",
        "ExportsOutputFnGetAttStorageKeyArn": "arn:aws:kms:...",
    },
    "rp-dev-stateless": {"ApiApiUrlF2D81078": "https://abc.execute-api.eu-west-1.amazonaws.com/"},
}


def test_outputs_file_names_the_pool_the_client_and_the_api(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "outputs.json"
    path.write_text(json.dumps(OUTPUTS))
    assert stack_outputs([str(path)])["DirectoryUserPoolIdBBD32F19"] == "eu-west-1_AbC"
    monkeypatch.setenv("AWS_DEFAULT_REGION", "eu-west-1")
    with aws_target([str(path)]) as target:
        assert (target.kind, target.user_pool_id, target.client_id) == ("deployed", "eu-west-1_AbC", "client123")
        assert target.api_url == "https://abc.execute-api.eu-west-1.amazonaws.com/"
    assert set(OUTPUT_PREFIXES) == {"user_pool_id", "client_id", "api_url"}


def test_a_deployed_target_without_a_region_is_refused_before_any_call(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    for name in ("AWS_DEFAULT_REGION", "AWS_REGION", "AWS_PROFILE", "AWS_CONFIG_FILE"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("AWS_CONFIG_FILE", str(tmp_path / "none"))
    with pytest.raises(SystemExit, match="needs a region: set AWS_REGION"), aws_target(["rp-dev-stateful"]):
        pass
