#!/usr/bin/env python3
"""Regenerates the small genuine images the upload tests start from (Pillow 12).

Run from this folder: python3 make_fixtures.py. Attacks (appended archives, truncations,
payloads in metadata, fake headers) are built from these in the Rust test code.
"""
from PIL import Image, ImageCms

XMP = (b'<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">'
       b'<rdf:Description xmlns:exif="http://ns.adobe.com/exif/1.0/" exif:GPSLatitude="48,51.4N" '
       b'exif:GPSLongitude="2,21.1E"/></rdf:RDF></x:xmpmeta>')


def picture(w=16, h=12, mode="RGB"):
    im = Image.new("RGB", (w, h))
    im.putdata([((x * 16) % 256, (y * 20) % 256, (x * y * 7) % 256) for y in range(h) for x in range(w)])
    return im.convert(mode)


def exif(orientation=6, gps=True):
    e = Image.Exif()
    e[0x0112] = orientation
    e[0x010F] = "ExampleCam"
    e[0xA431] = "SERIAL-0042"
    if gps:
        g = e.get_ifd(0x8825)
        g[1] = "N"
        g[2] = (48.0, 51.0, 24.0)
        g[3] = "E"
        g[4] = (2.0, 21.0, 7.0)
    return e.tobytes()


def frames(n=3):
    return [picture().rotate(90 * i) for i in range(n)]


srgb = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()

picture().save("gps_rotated.jpg", exif=exif(), comment=b"taken at home", xmp=XMP, quality=80)
picture().save("progressive.jpg", progressive=True, quality=70)
picture(mode="CMYK").save("cmyk_adobe.jpg", quality=70)
picture().save("icc.jpg", icc_profile=srgb, quality=70)

from PIL.PngImagePlugin import PngInfo  # noqa: E402
info = PngInfo()
info.add_text("Comment", "hello")
info.add_itxt("XML:com.adobe.xmp", XMP.decode())
picture().save("gps_rotated.png", exif=exif(), pnginfo=info)
picture(mode="RGBA").save("icc.png", icc_profile=srgb)
picture(mode="P").save("palette.png", transparency=0)
frames()[0].save("animated.png", save_all=True, append_images=frames()[1:], duration=100, loop=0)

frames()[0].save("animated.gif", save_all=True, append_images=frames()[1:], duration=100, loop=0,
                 comment=b"made for a test")
picture().save("still.gif")

picture().save("gps_rotated.webp", exif=exif(), xmp=XMP, icc_profile=srgb, quality=70)
picture().save("lossless.webp", lossless=True)
translucent = picture(mode="RGBA")
translucent.putalpha(128)
translucent.save("alpha.webp", quality=70)
picture().save("simple.webp", quality=70)
frames()[0].save("animated.webp", save_all=True, append_images=frames()[1:], duration=100, loop=0,
                 quality=70)
