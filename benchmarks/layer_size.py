"""The dependency layer's size with the PDF fonts: builds it as the CDK build does (`cdk.bundling.PipInstallLayer`:
pip install for Lambda's platform, then the fonts from `make fonts`) into a temporary folder and prints its size
unzipped and zipped against Lambda's 250 MB limit (unzipped, function and layers together). Needs `make fonts` and
PyPI.

    python benchmarks/layer_size.py
"""

from __future__ import annotations

import sys
import tempfile
import zipfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from cdk.bundling import REPO_ROOT, PipInstallLayer

LAMBDA_UNZIPPED_LIMIT_MB = 250


def folder_size(folder: Path) -> int:
    return sum(path.stat().st_size for path in folder.rglob("*") if path.is_file())


def zipped_size(folder: Path, archive: Path) -> int:
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as out:
        for path in sorted(folder.rglob("*")):
            if path.is_file():
                out.write(path, path.relative_to(folder))
    return archive.stat().st_size


def main() -> None:
    with tempfile.TemporaryDirectory() as work:
        layer = Path(work) / "layer"
        PipInstallLayer(REPO_ROOT / "layers" / "dependencies" / "requirements.txt").try_bundle(
            str(layer),
            image=None,  # type: ignore[arg-type]
        )
        total, fonts = folder_size(layer), folder_size(layer / "fonts")
        zipped = zipped_size(layer, Path(work) / "layer.zip")
        largest = sorted(((folder_size(p), p.name) for p in (layer / "python").iterdir() if p.is_dir()), reverse=True)[
            :6
        ]
    mb = 1e6
    print("Dependency layer (layers/dependencies/requirements.txt for python3.12 manylinux x86_64, plus fonts/)")
    print(f"  unzipped: {total / mb:.1f} MB (fonts {fonts / mb:.1f} MB); zipped: {zipped / mb:.1f} MB")
    print(f"  Lambda's limit, unzipped function + layers: {LAMBDA_UNZIPPED_LIMIT_MB} MB")
    print("  largest packages: " + ", ".join(f"{name} {size / mb:.1f} MB" for size, name in largest))


if __name__ == "__main__":
    main()
