"""The channel and report-source registries are filled by name on first use (issue 16): an entry is the class its
`module:class` names, and an unknown name is a 400 naming every registered one, loaded or not."""

from __future__ import annotations

import pytest

from shared.delivery import registry
from shared.delivery.channels.sftp import SftpChannel
from shared.errors import InvalidInput
from shared.pipeline import sources
from shared.plugins import LazyRegistry
from shared.reports.pipeline_source import SavedReport


def test_a_channel_is_built_from_its_module_on_first_use_and_kept() -> None:
    channel = registry.channel_for("sftp")
    assert isinstance(channel, SftpChannel)
    assert registry.CHANNELS["sftp"] is channel
    assert channel.name == "sftp"


def test_every_registered_channel_loads_under_its_own_name() -> None:
    for name in registry.CHANNEL_CLASSES:
        assert registry.channel_for(name).name == name


def test_an_unknown_channel_names_all_seven_even_before_they_are_loaded(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(registry, "CHANNELS", LazyRegistry(registry.CHANNEL_CLASSES))
    with pytest.raises(InvalidInput) as raised:
        registry.channel_for("fax")
    assert "email, inbox, push, s3, sftp, slack, webhook" in str(raised.value)
    assert dict(registry.CHANNELS) == {}


def test_a_report_source_is_built_on_first_use_and_an_unknown_type_names_the_known(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(sources, "SOURCES", LazyRegistry(sources.SOURCE_CLASSES))
    with pytest.raises(InvalidInput, match="known report types: clinical_weekly, report"):
        sources.source_for("weekly")
    report = sources.source_for("report")
    assert isinstance(report, SavedReport)
    assert sources.SOURCES["report"] is report
    assert sources.source_for("clinical_weekly").report_type == "clinical_weekly"
