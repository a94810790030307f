"""Pages and feeds wait beside the output folder until the build is known to
be good, then move in.

Each client file's pages are written where it was built (in a worker, while
the other workers go on building), into a staging folder next to the output
folder, on the same file system. Only after every file was checked does the
generator move them into the output folder: all portals in one rename when
the output has none yet (a fresh or emptied output folder), or folder by
folder otherwise (a portal's folder then keeps only the files its project
has now). A build that stops on a mistake removes the staging folder
and leaves the output as it was; a staging folder left by a build that was
killed is removed by the next one. Nothing is ever published from it: it is
outside the output folder.
"""

from __future__ import annotations

import hashlib
import logging
import shutil
from pathlib import Path
from typing import TYPE_CHECKING

from ..files import real_path, write_bytes
from ..settings import PORTALS_FOLDER

if TYPE_CHECKING:  # the plugin's first import needs no renderer
    from .render import RenderedClient, StagedClient

logger = logging.getLogger(__name__)


def digest(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


class Staging:
    def __init__(self, output: Path) -> None:
        output = real_path(output)
        self.output = output
        self.folder = output.parent / f".{output.name}.courtside-staging"

    def clear(self) -> None:
        shutil.rmtree(self.folder, ignore_errors=True)

    def write(self, build: RenderedClient) -> StagedClient:
        """Write the pages and feeds of ``build``; what comes back holds
        their hashes instead of their bytes. Safe to call from a worker."""
        from .render import StagedClient, StagedProject

        projects = []
        for project in build.projects:
            (self.folder / project.path).mkdir(parents=True, exist_ok=True)
            for name, data in project.files.items():
                write_bytes(self.folder / name, data)
            projects.append(StagedProject(
                project.path, project.studio_events, project.row,
                hashes={name: digest(data) for name, data in project.files.items()}))
        return StagedClient(build.path, build.problems, build.token_sites, tuple(projects),
                            build.kept_history)

    def publish(self) -> None:
        """Move everything staged into the output folder."""
        staged = self.folder / PORTALS_FOLDER
        portals = self.output / PORTALS_FOLDER
        if staged.is_dir() and not portals.exists():
            self.output.mkdir(parents=True, exist_ok=True)
            shutil.move(staged, portals)  # one rename on the same file system
        elif staged.is_dir():
            for folder in staged.iterdir():
                target = portals / folder.name
                if not target.exists():
                    shutil.move(folder, target)
                    continue
                published = set()
                for file in folder.iterdir():
                    shutil.move(file, target / file.name)
                    published.add(file.name)
                # What the project no longer has goes: the updates feed of a
                # portal given a password since (a feed reader cannot enter
                # one, and the feed would show what the password protects).
                for file in target.iterdir():
                    if file.name not in published and file.is_file():
                        file.unlink()
                        logger.info("Courtside: removed a private file that is no longer published")
        self.clear()
