"""The live stream in the stateless stack: a WebSocket API whose $connect carries the Lambda authorizer, a stage the
publisher may manage connections of (and nothing else), and the jobs and deliveries streams feeding the publisher."""

from __future__ import annotations

from typing import Any

from aws_cdk.assertions import Match

from shared.catalog.stream import STREAM_CONNECTIONS
from tests.infra.conftest import Synth


def _function_logical_id(synth: Synth, handler: str) -> str:
    (logical_id,) = synth.stateless.find_resources("AWS::Lambda::Function", {"Properties": {"Handler": handler}})
    return str(logical_id)


def test_connect_is_authorised_by_the_token_query_parameter(synth: Synth) -> None:
    synth.stateless.has_resource_properties("AWS::ApiGatewayV2::Api", {"ProtocolType": "WEBSOCKET"})
    synth.stateless.has_resource_properties(
        "AWS::ApiGatewayV2::Authorizer",
        {"AuthorizerType": "REQUEST", "IdentitySource": ["route.request.querystring.token"]},
    )
    routes = synth.stateless.find_resources("AWS::ApiGatewayV2::Route", {"Properties": {"RouteKey": "$connect"}})
    (connect,) = routes.values()
    assert connect["Properties"]["AuthorizationType"] == "CUSTOM"
    authorizer = _function_logical_id(synth, "functions.stream_authorizer.handler")
    environment = synth.stateless.to_json()["Resources"][authorizer]["Properties"]["Environment"]["Variables"]
    assert {"JWT_ISSUER", "JWT_AUDIENCE"} <= set(environment)


def test_the_publisher_reads_both_streams_and_manages_connections_only(synth: Synth) -> None:
    publisher = _function_logical_id(synth, "functions.stream_publisher.handler")
    mappings = synth.stateless.find_resources(
        "AWS::Lambda::EventSourceMapping", {"Properties": {"FunctionName": {"Ref": publisher}}}
    )
    assert len(mappings) == 2
    assert all(m["Properties"]["StartingPosition"] == "LATEST" for m in mappings.values())
    policies: list[Any] = [
        p
        for p in synth.stateless.find_resources("AWS::IAM::Policy").values()
        if "execute-api:ManageConnections" in str(p["Properties"]["PolicyDocument"])
    ]
    assert len(policies) == 1
    assert publisher.removesuffix(publisher[-8:]) in str(policies[0]["Properties"]["Roles"])
    streamed = synth.stateful.find_resources(
        "AWS::DynamoDB::Table", {"Properties": {"StreamSpecification": {"StreamViewType": "NEW_AND_OLD_IMAGES"}}}
    )
    assert len(streamed) == 2
    synth.stateful.has_resource_properties(
        "AWS::DynamoDB::Table",
        {
            "KeySchema": [
                {"AttributeName": STREAM_CONNECTIONS.partition_key.name, "KeyType": "HASH"},
                {"AttributeName": "connectionId", "KeyType": "RANGE"},
            ],
            "TimeToLiveSpecification": {"AttributeName": "ttl", "Enabled": True},
            "StreamSpecification": Match.absent(),
        },
    )
