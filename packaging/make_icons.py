"""Render resources/icons/app.svg into the executable icons Windows and macOS builds need.

    python packaging/make_icons.py [OUT_DIR]   ->  CoordinatorApp.ico, .icns, -256.png

OUT_DIR defaults to packaging/.
build.spec runs it on Windows and macOS when the icon is missing; Qt writes both formats
itself (its ico and icns image plugins), so no extra package is needed.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SOURCE = ROOT / "resources" / "icons" / "app.svg"
FORMATS = {"ico": 256, "icns": 512, "png": 256}


def render(size: int):  # type: ignore[no-untyped-def]
    from PySide6.QtCore import Qt
    from PySide6.QtGui import QImage, QPainter
    from PySide6.QtSvg import QSvgRenderer

    renderer = QSvgRenderer(str(SOURCE))
    if not renderer.isValid():
        raise SystemExit(f"make_icons: {SOURCE} is not a readable SVG file")
    image = QImage(size, size, QImage.Format.Format_ARGB32)
    image.fill(Qt.GlobalColor.transparent)
    painter = QPainter(image)
    renderer.render(painter)
    painter.end()
    return image


def main() -> int:
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtGui import QGuiApplication, QImageWriter

    target = Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT / "packaging"
    target.mkdir(parents=True, exist_ok=True)
    app = QGuiApplication.instance() or QGuiApplication(sys.argv[:1])  # noqa: F841 (image plugins need it)
    for fmt, size in FORMATS.items():
        path = target / (f"CoordinatorApp-{size}.png" if fmt == "png" else f"CoordinatorApp.{fmt}")
        writer = QImageWriter(str(path), fmt.encode())
        if not writer.write(render(size)):
            raise SystemExit(f"make_icons: could not write {path}: {writer.errorString()}")
        print(f"make_icons: wrote {path}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
