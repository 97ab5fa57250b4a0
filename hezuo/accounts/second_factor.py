"""Enrolling an authenticator app: the otpauth:// link as a QR code drawn inline as SVG
(segno, offline) and the key spelled out for typing in."""

from base64 import b32encode

import segno
from django.utils.safestring import mark_safe


def enrolment(device):
    key = b32encode(device.bin_key).decode()
    return {
        "qr_svg": mark_safe(segno.make(device.config_url, error="m").svg_inline(scale=4, title="绑定动态口令")),
        "key_groups": " ".join(key[i:i + 4] for i in range(0, len(key), 4)),
    }
