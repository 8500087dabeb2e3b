"""ReportsConstruct: the builder's API and the pipeline's Fetch step (the `report` source) query the report lake
tables with Athena (AnalyticsConstruct.grant_query: the workgroup, the Glue definitions of exactly those tables and
their prefixes in the lake; the Glue tables themselves are created by the analytics construct)."""

from __future__ import annotations

from constructs import Construct

from cdk.platform import Platform
from shared.catalog.pipeline import PIPELINE_FETCH
from shared.catalog.reports import LAKE_TABLES, REPORTS_API


class ReportsConstruct(Construct):
    def __init__(self, scope: Construct, construct_id: str, platform: Platform) -> None:
        super().__init__(scope, construct_id)
        self.platform = platform
        for name in (REPORTS_API.name, PIPELINE_FETCH.name):
            platform.analytics.grant_query(platform.functions[name], list(LAKE_TABLES))
