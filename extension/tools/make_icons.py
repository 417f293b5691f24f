"""Draws the Quietpage icons (a calm page with lines of text on a teal tile) as PNGs, stdlib only.

    python extension/tools/make_icons.py      # writes extension/icons/icon-{16,32,48,128}.png
"""
import math
import struct
import zlib
from pathlib import Path

OUT = Path(__file__).resolve().parent.parent / "icons"
SIZES = (16, 32, 48, 128)
SS = 6  # supersamples per axis


def rrect(px, py, x0, y0, x1, y1, r):
    """Signed distance to a rounded rectangle (negative inside)."""
    cx, cy = (x0 + x1) / 2, (y0 + y1) / 2
    bx, by = (x1 - x0) / 2 - r, (y1 - y0) / 2 - r
    qx, qy = abs(px - cx) - bx, abs(py - cy) - by
    return math.hypot(max(qx, 0), max(qy, 0)) + min(max(qx, qy), 0) - r


def lerp(a, b, t):
    return tuple(a[i] + (b[i] - a[i]) * t for i in range(len(a)))


def shapes(size):
    """(distance function, colour function) pairs in unit coordinates, back to front."""
    top, bottom = (0x23, 0x8a, 0x7e), (0x12, 0x55, 0x4e)
    tile_r = 0.22
    out = [(lambda x, y: rrect(x, y, 0.0, 0.0, 1.0, 1.0, tile_r), lambda x, y: lerp(top, bottom, y))]
    # the page
    px0, py0, px1, py1 = (0.25, 0.17, 0.75, 0.83) if size >= 32 else (0.22, 0.14, 0.78, 0.86)
    page = (0xfb, 0xfa, 0xf5)
    out.append((lambda x, y: rrect(x, y, px0, py0, px1, py1, 0.06), lambda x, y: page))
    ink = (0x1d, 0x6b, 0x62)
    soft = (0x9d, 0xb9, 0xb4)
    if size >= 48:
        lines = [(0.30, 0.34, 0.70, 0.05, ink), (0.45, 0.34, 0.66, 0.035, soft), (0.55, 0.34, 0.66, 0.035, soft),
                 (0.65, 0.34, 0.66, 0.035, soft), (0.75, 0.34, 0.52, 0.035, soft)]
    elif size >= 32:
        lines = [(0.32, 0.33, 0.67, 0.065, ink), (0.50, 0.33, 0.67, 0.05, soft), (0.65, 0.33, 0.53, 0.05, soft)]
    else:
        lines = [(0.33, 0.32, 0.68, 0.09, ink), (0.56, 0.32, 0.68, 0.075, soft), (0.74, 0.32, 0.55, 0.075, soft)]
    for (cy, x0, x1, h, col) in lines:
        out.append(((lambda cy, x0, x1, h: lambda x, y: rrect(x, y, x0, cy - h / 2, x1, cy + h / 2, h / 2))(cy, x0, x1, h),
                    (lambda col: lambda x, y: col)(col)))
    return out


def render(size):
    layers = shapes(size)
    rows = []
    for j in range(size):
        row = bytearray([0])  # filter: none
        for i in range(size):
            r = g = b = a = 0.0
            for sj in range(SS):
                for si in range(SS):
                    x = (i + (si + 0.5) / SS) / size
                    y = (j + (sj + 0.5) / SS) / size
                    cr = cg = cb = 0.0
                    ca = 0.0
                    for dist, colour in layers:
                        if dist(x, y) <= 0:
                            cr, cg, cb = colour(x, y)
                            ca = 1.0
                    r += cr * ca; g += cg * ca; b += cb * ca; a += ca
            n = SS * SS
            if a:
                row += bytes((round(r / a), round(g / a), round(b / a), round(255 * a / n)))
            else:
                row += bytes((0, 0, 0, 0))
        rows.append(bytes(row))
    return png(size, size, b"".join(rows))


def png(w, h, raw):
    def chunk(kind, data):
        c = struct.pack(">I", len(data)) + kind + data
        return c + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", w, h, 8, 6, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(raw, 9)) + chunk(b"IEND", b""))


def main():
    OUT.mkdir(exist_ok=True)
    for s in SIZES:
        (OUT / f"icon-{s}.png").write_bytes(render(s))
        print("wrote", OUT / f"icon-{s}.png")


if __name__ == "__main__":
    main()
