"""Pelican settings for the studio's portal site (local builds and preview).

Production builds use ``publishconf.py``, which starts from these. Everything
about the studio is in ``COURTSIDE``; Pelican's own settings below follow it.
"""

# The example studio, Northwind: `courtside init` makes this site yours (README, Make it yours).
COURTSIDE = {
    "studio": {"name": "Northwind Studio", "email": "hello@northwind.example",
               "phone": "+49 30 1234 5678", "website": "https://northwind.example"},
    "timezone": "Europe/Berlin",
    "clients_path": "clients",
    "agreements_path": "agreements",
    "accent": "#2f5d8a",
    # Terms every project's agreement gets unless its client file says otherwise.
    "terms": {"deposit": "30%", "payment_days": 30},
    # The logo, and its variant for dark mode (a dark logo vanishes on a dark page).
    "logo": {"src": "images/northwind.svg", "dark_src": "images/northwind-dark.svg",
             "width": 196, "height": 32},
    # The studio's own dashboard of every project, at studio/<token>/, for
    # previews (`courtside token` makes one); production builds take the token
    # from the COURTSIDE_STUDIO_TOKEN environment variable only (publishconf.py).
    "studio_token": "Sx3kQ9vTnW2yLp7RbM4cHd",
    # The studio's working calendar: its region's public holidays and its own
    # closures are not its business days (clients set theirs in their files).
    "holidays": "DE-BE",
    "closed": [{"from": "2026-12-24", "to": "2027-01-01"}],
    # Notices on every portal and the dashboard from "from" through "until"
    # (Markdown; "kind": "warning" for a warning). Once ended they leave the
    # banner and stay in each portal's log.
    "notices": [
        {"text": "We are closed from 24 December to 1 January; answers resume on 4 January.",
         "from": "2026-11-16", "until": "2027-01-01"},
    ],
}

# Pelican's own settings, from the studio's above: change those, not these.
SITENAME = COURTSIDE["studio"]["name"]
TIMEZONE = COURTSIDE["timezone"]
DEFAULT_LANG = COURTSIDE["studio"].get("language", "en")

SITEURL = ""
PATH = "content"
OUTPUT_PATH = "output"
THEME = "theme"
PLUGIN_PATHS = ["plugins"]
PLUGINS = ["courtside"]

# The site is a landing page plus private portals (Courtside writes the front
# page and the 404 page in the studio's language; a page of your own in
# content/pages saved as index.html or 404.html replaces it): no blog
# machinery, so nothing that lists pages (indexes, archives, tags, feeds) exists.
ARTICLE_PATHS: list[str] = []
PAGE_PATHS = ["pages"]
DIRECT_TEMPLATES: list[str] = []
DISPLAY_PAGES_ON_MENU = False
DISPLAY_CATEGORIES_ON_MENU = False
FEED_ALL_ATOM = None
FEED_ALL_RSS = None
CATEGORY_FEED_ATOM = None
TRANSLATION_FEED_ATOM = None
AUTHOR_FEED_ATOM = None
AUTHOR_FEED_RSS = None
TAG_FEED_ATOM = None
AUTHOR_SAVE_AS = ""
CATEGORY_SAVE_AS = ""
TAG_SAVE_AS = ""
ARCHIVES_SAVE_AS = ""
AUTHORS_SAVE_AS = ""
CATEGORIES_SAVE_AS = ""
TAGS_SAVE_AS = ""

RELATIVE_URLS = True
