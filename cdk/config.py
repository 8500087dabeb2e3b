"""Deployment settings read from CDK context (`cdk.json`, `-c key=value`) or the environment, validated before any
CloudFormation change: a missing required setting or a placeholder refuses the synth with every problem named."""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from dataclasses import dataclass

from constructs import Node

DEFAULT_STAGE = "dev"
STAGE_PATTERN = re.compile(r"^[a-z][a-z0-9]{0,9}$")
"""Short and lower-case: the stage goes into bucket names (at most 63 characters, globally unique)."""
EMAIL_PATTERN = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
PLACEHOLDER_DOMAINS = ("example.com", "example.org", "example.net", "example", "invalid", "test", "localhost")
"""Reserved names (RFC 2606) that no deployment can send from or be reached at."""
PLACEHOLDER_ISSUER = re.compile(r"EXAMPLE|example\.(com|org|net)", re.IGNORECASE)
SYNTH_SENDER = "reports@example.com"
"""The sender a synth-only run (`make synth`, tests) uses when none is given: never deployable."""


class DeployConfigError(ValueError):
    """The deployment settings are incomplete or still placeholders; the message names every problem and its fix."""


def _is_placeholder_email(address: str) -> bool:
    domain = address.rsplit("@", 1)[-1].lower()
    return any(domain == d or domain.endswith(f".{d}") for d in PLACEHOLDER_DOMAINS)


LOCAL_STAGE = "local"
"""The laptop's stage (the local twin's synth): it allows loopback targets, so no deploy may use it."""


@dataclass(frozen=True)
class DeployConfig:
    account: str
    region: str
    stage: str
    jwt_issuer: str | None
    """None: the stateful stack creates the platform's Cognito user pool and the API trusts its ID tokens."""
    jwt_audience: tuple[str, ...]
    sender_email: str
    alarm_email: str | None
    bundle_assets: bool

    @classmethod
    def from_context(cls, node: Node, strict: bool = True) -> DeployConfig:
        """Read the app's context; see `from_values`."""
        keys = ("account", "region", "stage", "jwtIssuer", "jwtAudience", "senderEmail", "alarmEmail", "bundleAssets")
        return cls.from_values({key: node.try_get_context(key) for key in keys}, strict)

    @classmethod
    def from_values(cls, values: Mapping[str, object], strict: bool = True) -> DeployConfig:
        """`strict` (every deploy) refuses missing and placeholder settings, naming each (DeployConfigError).

        A synth-only run (`strict=False`: `make synth`, tests) fills a placeholder sender so templates can be read."""

        def get(key: str, default: str | None = None) -> str | None:
            value = values.get(key)
            return str(value).strip() if value is not None and str(value).strip() else default

        issuer = get("jwtIssuer")
        audience = tuple(a.strip() for a in (get("jwtAudience") or "").split(",") if a.strip())
        sender = get("senderEmail")
        config = cls(
            account=get("account", os.environ.get("CDK_DEFAULT_ACCOUNT", "123456789012")) or "123456789012",
            region=get("region", os.environ.get("CDK_DEFAULT_REGION", "us-east-1")) or "us-east-1",
            stage=get("stage", DEFAULT_STAGE) or DEFAULT_STAGE,
            jwt_issuer=issuer,
            jwt_audience=audience,
            sender_email=sender or ("" if strict else SYNTH_SENDER),
            alarm_email=get("alarmEmail"),
            bundle_assets=(get("bundleAssets", "true") or "true").lower() != "false",
        )
        problems = config.problems(strict)
        if problems:
            raise DeployConfigError(
                "refusing to synthesize a deployable app; fix these settings (cdk.json or -c key=value):\n"
                + "\n".join(f"  - {p}" for p in problems)
            )
        return config

    def problems(self, strict: bool = True) -> list[str]:
        """What is wrong with these settings: malformed values always, missing and placeholder ones when `strict`."""
        found: list[str] = []
        if not STAGE_PATTERN.match(self.stage):
            found.append(f"stage {self.stage!r}: 1 to 10 lower-case letters or digits, starting with a letter")
        elif strict and self.stage == LOCAL_STAGE:
            found.append(f"stage {LOCAL_STAGE!r} is the laptop's (it allows loopback targets): deploy another stage")
        if not self.sender_email:
            found.append("senderEmail is missing: the address reports are sent from (an SES identity you verify)")
        elif not EMAIL_PATTERN.match(self.sender_email):
            found.append(f"senderEmail {self.sender_email!r} is not an email address")
        elif strict and _is_placeholder_email(self.sender_email):
            found.append(f"senderEmail {self.sender_email!r} is a placeholder: give an address on a domain you own")
        if self.alarm_email and not EMAIL_PATTERN.match(self.alarm_email):
            found.append(f"alarmEmail {self.alarm_email!r} is not an email address")
        if self.jwt_issuer is not None:
            if not self.jwt_issuer.startswith("https://"):
                found.append(f"jwtIssuer {self.jwt_issuer!r} must be an https:// OIDC issuer URL")
            elif strict and PLACEHOLDER_ISSUER.search(self.jwt_issuer):
                found.append(
                    f"jwtIssuer {self.jwt_issuer!r} is a placeholder: give your issuer, or leave jwtIssuer out to "
                    "get the platform's own Cognito user pool"
                )
            if not self.jwt_audience:
                found.append("jwtIssuer is given without jwtAudience (the client id(s) its tokens are issued to)")
        elif self.jwt_audience:
            found.append("jwtAudience is given without jwtIssuer (leave both out to use the platform's user pool)")
        return found

    @property
    def uses_own_user_pool(self) -> bool:
        return self.jwt_issuer is None

    def name(self, resource: str) -> str:
        """The physical name of a resource of this stage: `rp-<stage>-<resource>` (stages coexist in one account)."""
        return f"rp-{self.stage}-{resource}"

    def bucket_name(self, resource: str) -> str:
        """A bucket's name, unique across AWS: the stage's name plus the account and region."""
        return f"rp-{self.stage}-{resource}-{self.account}-{self.region}"

    def stack_name(self, stack: str) -> str:
        return f"rp-{self.stage}-{stack}"
