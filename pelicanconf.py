"""Pelican settings for the studio's portal site (local builds and preview).

Production builds use ``publishconf.py``, which starts from these.
"""

SITENAME = "Northwind Studio · Client portals"
SITEURL = ""
PATH = "content"
OUTPUT_PATH = "output"
THEME = "theme"
TIMEZONE = "Europe/Berlin"
DEFAULT_LANG = "en"

PLUGIN_PATHS = ["plugins"]
PLUGINS = ["courtside"]

COURTSIDE = {
    "studio": {"name": "Northwind Studio", "email": "hello@northwind.example"},
    "timezone": "Europe/Berlin",
    "clients_path": "clients",
    "agreements_path": "agreements",
    "accent": "#2f5d8a",
    # Terms every project's agreement gets unless its client file says
    # otherwise (Harbor & Finch's deposit, Acme's deposit and payment days).
    "terms": {"deposit": "30%", "payment_days": 30},
    "logo": {"src": "images/northwind.svg", "width": 196, "height": 32},
    # The studio's own dashboard of every project, at studio/<token>/. This
    # sample token is for the example site; a real studio sets its own here or
    # in the COURTSIDE_STUDIO_TOKEN environment variable (`courtside token`).
    "studio_token": "Sx3kQ9vTnW2yLp7RbM4cHd",
    # The studio's working calendar: Berlin's public holidays and the studio's
    # own closures are not its business days (clients set theirs in their files).
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

# The site is a landing page plus private portals: no blog machinery, so
# nothing that lists pages (indexes, archives, tags, feeds) ever exists.
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
