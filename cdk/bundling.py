"""Lambda assets built without Docker: the code (functions/ + shared/ + the built dashboard) copied, the dependencies
pip-installed for the Lambda platform (manylinux wheels only) into a layer, with the PDF fonts (`make fonts`) in its
`fonts/` folder (`/opt/fonts` in Lambda, where `shared.rendering.fonts` looks first). The demo-data generators of
`shared/` (used by the twin, the tests and the benchmarks, never by a function) stay out of the code asset."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import jsii
from aws_cdk import AssetHashType, BundlingOptions, DockerImage, ILocalBundling, aws_lambda

from shared.rendering.fonts import FONT_FILES, LOCAL_FONT_DIR

REPO_ROOT = Path(__file__).resolve().parent.parent
CODE_PACKAGES = ("functions", "shared")
DASHBOARD_DIST = Path("dashboard") / "dist"
"""The built dashboard page (`make dashboard`), served by the `dashboard-api` function from the same code asset."""
DEMO_MODULES = (
    "shared.notifications.demo",
    "shared.reports.demo_data",
    "shared.rendering.specimen",
    "shared.trials.generator",
)
"""Demo generators that live beside the domain they imitate; no function imports them
(tests/unit/test_import_hygiene.py), so the bundle leaves them out."""
CODE_EXCLUDES = [
    ".venv",
    ".git",
    "cdk.out",
    "node_modules",
    "tests",
    "benchmarks",
    "local",
    "cdk",
    "layers",
    "dashboard",
    ".local",
    "**/__pycache__",
    "*.pyc",
    ".mypy_cache",
    ".ruff_cache",
    ".pytest_cache",
]
PYTHON_VERSION = "3.12"
PLATFORM = "manylinux2014_x86_64"
_UNUSED_IMAGE = DockerImage.from_registry("local-bundling-only")


@jsii.implements(ILocalBundling)
class CopyCode:
    """Copies the domain package and the entry points into the asset."""

    def try_bundle(self, output_dir: str, *, image: DockerImage, **_: object) -> bool:
        for package in CODE_PACKAGES:
            shutil.copytree(
                REPO_ROOT / package,
                Path(output_dir) / package,
                ignore=shutil.ignore_patterns("__pycache__", "*.pyc", "*.asl.json.bak"),
                dirs_exist_ok=True,
            )
        for module in DEMO_MODULES:
            (Path(output_dir) / (module.replace(".", "/") + ".py")).unlink()
        if (REPO_ROOT / DASHBOARD_DIST).is_dir():
            shutil.copytree(REPO_ROOT / DASHBOARD_DIST, Path(output_dir) / DASHBOARD_DIST, dirs_exist_ok=True)
        return True


@jsii.implements(ILocalBundling)
class PipInstallLayer:
    """pip-installs the runtime requirements for Lambda's platform into `python/` of the layer and copies the fonts
    into `fonts/`."""

    def __init__(self, requirements: Path) -> None:
        self.requirements = requirements

    def try_bundle(self, output_dir: str, *, image: DockerImage, **_: object) -> bool:
        target = Path(output_dir) / "python"
        subprocess.run(  # noqa: S603 - fixed argv, no shell
            [
                sys.executable,
                "-m",
                "pip",
                "install",
                "-qq",
                "--no-compile",
                "--platform",
                PLATFORM,
                "--only-binary=:all:",
                "--implementation",
                "cp",
                "--python-version",
                PYTHON_VERSION,
                "-r",
                str(self.requirements),
                "-t",
                str(target),
            ],
            check=True,
        )
        copy_fonts(Path(output_dir) / "fonts")
        return True


def copy_fonts(target: Path) -> None:
    """The font files and their licences from `layers/dependencies/fonts/` (filled by `make fonts`)."""
    target.mkdir(parents=True, exist_ok=True)
    names = [font.file for font in FONT_FILES] + [p.name for p in LOCAL_FONT_DIR.glob("*.txt")]
    for name in names:
        source = LOCAL_FONT_DIR / name
        if not source.is_file():
            raise FileNotFoundError(f"{source} is missing: run `make fonts` before synthesising")
        shutil.copyfile(source, target / name)


def code_asset() -> aws_lambda.Code:
    return aws_lambda.Code.from_asset(
        str(REPO_ROOT),
        exclude=CODE_EXCLUDES,
        asset_hash_type=AssetHashType.OUTPUT,
        bundling=BundlingOptions(image=_UNUSED_IMAGE, local=CopyCode(), command=["false"]),
    )


def dependencies_asset() -> aws_lambda.Code:
    source = REPO_ROOT / "layers" / "dependencies"
    return aws_lambda.Code.from_asset(
        str(source),
        exclude=["node_modules", "fonts"],
        bundling=BundlingOptions(
            image=_UNUSED_IMAGE, local=PipInstallLayer(source / "requirements.txt"), command=["false"]
        ),
    )
