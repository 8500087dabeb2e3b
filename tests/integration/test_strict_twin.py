"""The strict twin itself: a function sees only its synthesized environment, and its calls, from any thread it
starts, are checked against its own role's policy."""

from __future__ import annotations

import os
import threading

import pytest
from botocore.exceptions import ClientError

from local import function_env
from local.runtime import LocalRuntime
from shared.aws import client, presigning_client
from shared.catalog import HEALTH_API
from shared.catalog.pipeline import EXPORT_DOWNLOAD_API, JOBS, PIPELINE_START
from shared.catalog.platform import REPORTS_BUCKET
from shared.settings import get_settings
from tests.support.twin import expect_denied


def test_a_function_sees_only_its_own_environment(clean: LocalRuntime) -> None:
    assert JOBS.env_var in os.environ
    with function_env.running(HEALTH_API.name):
        assert JOBS.env_var not in os.environ
        assert os.environ["AWS_LAMBDA_FUNCTION_NAME"] == HEALTH_API.name
        assert os.environ["CATALOG_FUNCTION"] == HEALTH_API.name
        assert os.environ["STAGE"] == "local"
    with function_env.running(PIPELINE_START.name):
        assert os.environ[JOBS.env_var] == get_settings().name_of(JOBS)
        assert os.environ["AWS_ACCESS_KEY_ID"] == function_env.access_key_of(PIPELINE_START.name)


def test_a_thread_a_handler_starts_calls_with_the_handler_s_role(clean: LocalRuntime) -> None:
    table = get_settings().name_of(JOBS)
    errors: list[BaseException] = []

    def read_a_job() -> None:
        try:
            client("dynamodb").get_item(TableName=table, Key={"tenantId": {"S": "acme"}, "jobId": {"S": "j"}})
        except ClientError as error:
            errors.append(error)

    with expect_denied() as denied, function_env.running(HEALTH_API.name):
        worker = threading.Thread(target=read_a_job)
        worker.start()
        worker.join()
    assert [e.response["Error"]["Code"] for e in errors if isinstance(e, ClientError)] == ["AccessDeniedException"]
    assert [(principal, action) for principal, action, _ in denied] == [(HEALTH_API.name, "dynamodb:GetItem")]
    with function_env.running(PIPELINE_START.name):
        read_a_job()
    assert len(errors) == 1, "pipeline-start's role may read the jobs table"


def test_a_client_made_for_one_function_keeps_its_principal(clean: LocalRuntime) -> None:
    with function_env.running(HEALTH_API.name):
        health_client = client("dynamodb")
    with pytest.raises(ClientError, match="health-api is not authorized"), expect_denied():
        health_client.describe_table(TableName=get_settings().name_of(JOBS))


def test_a_presigned_url_is_checked_when_it_is_made(clean: LocalRuntime) -> None:
    params = {"Bucket": get_settings().name_of(REPORTS_BUCKET), "Key": "exports/acme/j/report.pdf"}
    with function_env.running(HEALTH_API.name):
        presigner = presigning_client("s3", "us-east-1")
    with pytest.raises(ClientError, match="s3:GetObject"), expect_denied() as denied:
        presigner.generate_presigned_url("get_object", Params=params)
    assert [action for _, action, _ in denied] == ["s3:GetObject"]
    with function_env.running(EXPORT_DOWNLOAD_API.name):
        url = presigning_client("s3", "us-east-1").generate_presigned_url("get_object", Params=params)
    assert "X-Amz-Signature=" in url
