"""What keeps a portal's link secret beyond the page itself: response headers
for hosts that read a ``_headers`` file, ``robots.txt``, and the Content
Security Policy that portal pages also carry in a ``<meta>`` tag.

Follows the W3C TAG's "Good Practices for Capability URLs": no referrer, no
indexing, nothing loaded from elsewhere, nothing that lists the links.
"""

from __future__ import annotations

from .settings import CALENDAR_FILE, PORTALS_FOLDER

#: Everything a portal needs comes from its own site; nothing else may load
#: and no form may post anywhere. Portal pages carry this in a <meta> tag.
CONTENT_SECURITY_POLICY = (
    "default-src 'none'; style-src 'self'; img-src 'self'; base-uri 'none'; form-action 'none'"
)
#: As a response header it can also forbid other sites to frame the page
#: (browsers ignore frame-ancestors in a <meta> tag).
CONTENT_SECURITY_POLICY_HEADER = CONTENT_SECURITY_POLICY + "; frame-ancestors 'none'"


def headers_file() -> str:
    """``_headers`` for Netlify and Cloudflare Pages; other hosts ignore it."""
    private = f"/{PORTALS_FOLDER}/*"
    return "\n".join([
        private,
        "  X-Robots-Tag: noindex, nofollow, noarchive",
        "  Referrer-Policy: no-referrer",
        f"  Content-Security-Policy: {CONTENT_SECURITY_POLICY_HEADER}",
        "  X-Content-Type-Options: nosniff",
        "  Cache-Control: private, no-cache",
        f"/{PORTALS_FOLDER}/*/{CALENDAR_FILE}",
        "  Content-Type: text/calendar; charset=utf-8",
        "",
    ])


def robots_txt() -> str:
    """Asks crawlers to stay out of the portals' folder. It names the folder,
    which every link shows anyway, never a portal."""
    return f"User-agent: *\nDisallow: /{PORTALS_FOLDER}/\n"
