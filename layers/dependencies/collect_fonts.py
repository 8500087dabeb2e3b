"""Copies the fonts named in `shared.rendering.fonts.FONT_FILES` (and their licences) from the npm packages in
`node_modules` into `layers/dependencies/fonts/`, where the renderers find them locally and from where the CDK build
copies them into the dependency layer (`/opt/fonts` in Lambda). Run by `make fonts` after `npm ci`."""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent.parent))

from shared.rendering.fonts import FONT_FILES, LOCAL_FONT_DIR  # noqa: E402

LICENCES = {
    "DejaVu-LICENSE.txt": "dejavu-fonts-ttf/LICENSE",
    "Noto-OFL.txt": "@expo-google-fonts/noto-sans-sc/LICENSE_FONT",
}


def main() -> None:
    modules = HERE / "node_modules"
    LOCAL_FONT_DIR.mkdir(exist_ok=True)
    copies = {font.file: font.source for font in FONT_FILES} | LICENCES
    for name, source in copies.items():
        path = modules / source
        if not path.is_file():
            raise SystemExit(f"{path} is missing: run `npm ci` in {HERE}")
        shutil.copyfile(path, LOCAL_FONT_DIR / name)
    size = sum(f.stat().st_size for f in LOCAL_FONT_DIR.iterdir())
    print(f"fonts: {len(copies)} files, {size / 1e6:.1f} MB in {LOCAL_FONT_DIR}")


if __name__ == "__main__":
    main()
