"""What keeps a portal's link secret beyond the page itself: response headers
for hosts that read a ``_headers`` file, ``robots.txt``, and the Content
Security Policy that portal pages also carry in a ``<meta>`` tag.

Follows the W3C TAG's "Good Practices for Capability URLs": no referrer, no
indexing, nothing loaded from elsewhere, nothing that lists the links.
"""

from __future__ import annotations

import base64
import hashlib
from urllib.parse import urlsplit

from .settings import PORTALS_FOLDER, STUDIO_FOLDER


def _sha256(text: str) -> str:
    return "'sha256-" + base64.b64encode(hashlib.sha256(text.encode()).digest()).decode() + "'"


def content_security_policy(*, scripts: tuple[str, ...] = (), styles: tuple[str, ...] = (),
                            header: bool = False) -> str:
    """Everything a portal needs comes from its own site; nothing else may
    load and no form may post anywhere. Inline scripts and styles are allowed
    by their exact hash only. Portal pages carry this in a <meta> tag; as a
    response header (``header``) it also forbids other sites to frame the
    page, which browsers ignore in a <meta> tag."""
    policy = [
        "default-src 'none'",
        " ".join(["script-src", *map(_sha256, scripts)]) if scripts else "script-src 'none'",
        " ".join(["style-src 'self'", *map(_sha256, styles)]),
        "img-src 'self'",
        "base-uri 'none'",
        "form-action 'none'",
    ]
    if header:
        policy.append("frame-ancestors 'none'")
    return "; ".join(policy)


def headers_file(policy: str) -> str:
    """``_headers`` for Netlify and Cloudflare Pages; other hosts ignore it."""
    lines = []
    for folder in (PORTALS_FOLDER, STUDIO_FOLDER):
        lines += [
            f"/{folder}/*",
            "  X-Robots-Tag: noindex, nofollow, noarchive",
            "  Referrer-Policy: no-referrer",
            f"  Content-Security-Policy: {policy}",
            "  X-Content-Type-Options: nosniff",
            "  Cache-Control: private, no-cache",
            f"/{folder}/*/*.ics",
            "  Content-Type: text/calendar; charset=utf-8",
        ]
    return "\n".join(lines) + "\n"


def robots_txt(siteurl: str = "") -> str:
    """Asks crawlers to stay out of the private folders. It names the
    folders, which every link shows anyway, never a page in them; under the
    site's own path when it has one (``https://example.com/portals``), since
    crawlers read the rules for the whole host. (``_headers`` needs no such
    prefix: hosts read its paths from the root of what they publish.)"""
    prefix = urlsplit(siteurl).path.rstrip("/")
    return (f"User-agent: *\nDisallow: {prefix}/{PORTALS_FOLDER}/\n"
            f"Disallow: {prefix}/{STUDIO_FOLDER}/\n")
