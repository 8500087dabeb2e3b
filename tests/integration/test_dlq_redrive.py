"""DLQ redrive against the local AWS: moto has no StartMessageMoveTask, so the documented fallback moves them."""

from __future__ import annotations

import json

import pytest

from local.__main__ import main
from local.resources import create_queue
from local.runtime import LocalRuntime
from shared import catalog
from shared.aws import client
from shared.delivery.redrive import redrive
from shared.settings import reset_settings

PARKED = catalog.Queue(id="redrive-test", env_var="REDRIVE_TEST_QUEUE", dlq_env_var="REDRIVE_TEST_DLQ")


def park_messages(dlq_url: str, count: int) -> None:
    sqs = client("sqs")
    for number in range(count):
        sqs.send_message(
            QueueUrl=dlq_url,
            MessageBody=json.dumps({"n": number}),
            MessageAttributes={"cause": {"DataType": "String", "StringValue": f"boom {number}"}},
        )


def drain(url: str) -> list[dict[str, object]]:
    sqs = client("sqs")
    messages: list[dict[str, object]] = []
    while batch := sqs.receive_message(
        QueueUrl=url, MaxNumberOfMessages=10, WaitTimeSeconds=0, MessageAttributeNames=["All"]
    ).get("Messages", []):
        messages += batch
    return messages


def test_redrive_moves_every_message_back_with_its_attributes(clean: LocalRuntime) -> None:
    urls = create_queue(PARKED)
    park_messages(urls["REDRIVE_TEST_DLQ"], 23)
    result = redrive(urls["REDRIVE_TEST_DLQ"], urls["REDRIVE_TEST_QUEUE"])
    assert (result.method, result.status, result.moved, result.failed) == ("receive-send-delete", "COMPLETED", 23, 0)
    back = drain(urls["REDRIVE_TEST_QUEUE"])
    assert sorted(json.loads(str(m["Body"]))["n"] for m in back) == list(range(23))
    assert {m["MessageAttributes"]["cause"]["StringValue"] for m in back} == {f"boom {n}" for n in range(23)}  # type: ignore[index]
    assert drain(urls["REDRIVE_TEST_DLQ"]) == []


def test_the_command_redrives_a_catalogued_queue(
    clean: LocalRuntime, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr(catalog, "QUEUES", (*catalog.QUEUES, PARKED))
    urls = create_queue(PARKED)
    park_messages(urls["REDRIVE_TEST_DLQ"], 3)
    for name, url in urls.items():
        monkeypatch.setenv(name, url)
    reset_settings()
    try:
        assert main(["redrive-dlq", "--queue", "redrive-test"]) == 0
    finally:
        monkeypatch.undo()
        reset_settings()
    assert "redrive-test: COMPLETED by receive-send-delete; moved 3, failed 0" in capsys.readouterr().out
    assert len(drain(urls["REDRIVE_TEST_QUEUE"])) == 3


def test_the_command_names_unknown_queues() -> None:
    with pytest.raises(SystemExit, match="no queue 'nope' in the catalog"):
        main(["redrive-dlq", "--queue", "nope"])
