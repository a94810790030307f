"""The ``courtside`` command: the studio's side of the same loader and rules."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from .loader import Portfolio, load_portfolio
from .problems import CourtsideError, report
from .settings import CourtsideSettings, courtside_settings

DEFAULT_SETTINGS = "pelicanconf.py"


def _load(settings_file: str) -> tuple[CourtsideSettings, Portfolio]:
    """Read the Pelican settings and every client file, or raise
    ``CourtsideError`` with all that is wrong."""
    from pelican.settings import read_settings

    if not Path(settings_file).is_file():
        raise SystemExit(f"courtside: settings file {settings_file!r} not found "
                         "(run from the site's folder, or give --settings)")
    options = courtside_settings(read_settings(settings_file))
    portfolio, problems = load_portfolio(options)
    errors = [p for p in problems if p.severity == "error"]
    report(p for p in problems if p.severity != "error")
    if errors:
        raise CourtsideError(errors, f"courtside: {len(errors)} error"
                             f"{'s' if len(errors) != 1 else ''} in the client files")
    return options, portfolio


def links(args: argparse.Namespace) -> int:
    options, portfolio = _load(args.settings)
    rows = [
        {
            "client": client.id,
            "project": project.id,
            "url": options.portal_url(project.token),
            "calendar_url": options.calendar_url(project.token) if project.calendar else None,
        }
        for client, project in portfolio.published()
    ]
    if args.json:
        print(json.dumps(rows, indent=2, ensure_ascii=False))
        return 0
    width = max((len(f"{r['client']}/{r['project']}") for r in rows), default=0)
    for row in rows:
        print(f"{row['client'] + '/' + row['project']:<{width}}  {row['url']}")
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="courtside", description="Private client portals from YAML files.")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    links_parser = commands.add_parser(
        "links", help="list the link of every published portal",
        description="List the private link and calendar link of every published project.")
    links_parser.add_argument("--json", action="store_true", help="print a JSON list")
    links_parser.add_argument("--settings", default=DEFAULT_SETTINGS, metavar="FILE",
                              help=f"Pelican settings file (default: {DEFAULT_SETTINGS})")
    links_parser.set_defaults(run=links)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return args.run(args)
    except CourtsideError as error:
        report(error.problems)
        print(error.summary, file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
