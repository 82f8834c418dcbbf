"""Save Xvfb's screen as PNG: `xwd_to_png.py FRAMEBUFFER OUT.png [--min-covered F]`.

Xvfb started with `-fbdir DIR` keeps its screen in DIR/Xvfb_screen0 as an XWD image (the X Window
Dump format: a header of 25 big-endian 32-bit fields, the window name, a colour map, then the
pixels). Qt reads the pixels and writes the PNG. With --min-covered the PNG is written only when
at least that share of the screen is not the black root window (exit 1 otherwise): the window
is up. Used by .ci/package-smoke; needs the project's PySide6 (offscreen).
"""

from __future__ import annotations

import argparse
import os
import struct
import sys
from pathlib import Path

LSB_FIRST = 0


def covered(image: object, step: int = 8) -> float:
    """The share of (sampled) pixels that are not black."""
    width, height = image.width(), image.height()  # type: ignore[attr-defined]
    samples = lit = 0
    for y in range(0, height, step):
        for x in range(0, width, step):
            samples += 1
            lit += (image.pixel(x, y) & 0xFFFFFF) != 0  # type: ignore[attr-defined]
    return lit / max(samples, 1)


def main() -> int:
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtGui import QImage

    parser = argparse.ArgumentParser()
    parser.add_argument("framebuffer", type=Path)
    parser.add_argument("png", type=Path)
    parser.add_argument("--min-covered", type=float, default=0.0)
    args = parser.parse_args()
    data = args.framebuffer.read_bytes()
    fields = struct.unpack(">25I", data[:100])
    header_size, width, height, byte_order = fields[0], fields[4], fields[5], fields[7]
    bits_per_pixel, bytes_per_line, colours = fields[11], fields[12], fields[19]
    if bits_per_pixel != 32 or byte_order != LSB_FIRST:
        print(
            f"xwd_to_png: expected a 32-bit little-endian screen (Xvfb -screen 0 WxHx24), got {bits_per_pixel} bits, "
            f"byte order {byte_order}",
            file=sys.stderr,
        )
        return 2
    start = header_size + colours * 12
    pixels = data[start : start + bytes_per_line * height]
    image = QImage(pixels, width, height, bytes_per_line, QImage.Format.Format_RGB32).copy()
    share = covered(image)
    if share < args.min_covered:
        print(f"xwd_to_png: only {share:.0%} of the screen is covered", file=sys.stderr)
        return 1
    if not image.save(str(args.png)):
        print(f"xwd_to_png: could not write {args.png}", file=sys.stderr)
        return 2
    print(f"xwd_to_png: {args.png} ({width}x{height}, {share:.0%} covered)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
