"""What history costs per past version: ``client_history`` for N synthetic
clients with 30 committed versions each, in this process, best of a few runs.

    .venv/bin/python benchmarks/history_cost.py [--clients 10] [--runs 5]
"""

from __future__ import annotations

import argparse
import datetime as dt
import logging
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "plugins"))

from courtside.gitlog import blob_texts, client_history, close_readers, read_index  # noqa: E402
from courtside.loader import load_client  # noqa: E402
from courtside.pastversions import _fragment  # noqa: E402
from synthetic import write_clients, write_history  # noqa: E402

VERSIONS = 30


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--clients", type=int, default=10)
    parser.add_argument("--runs", type=int, default=5)
    arguments = parser.parse_args()
    logging.disable(logging.INFO)
    with tempfile.TemporaryDirectory() as folder:
        site = Path(folder)
        write_clients(site / "clients", arguments.clients)
        write_history(site / "clients", VERSIONS, repository=site)
        index = read_index(site / "clients", "Europe/Berlin")
        assert index is not None
        paths = sorted((site / "clients").glob("*.yaml"))
        loaded = [load_client(path, "Europe/Berlin") for path in paths]
        for path in paths:  # the blobs read once before timing: git's share is not the loader's
            blob_texts(index.root, [version.blob for version in index.files[str(path.resolve())]])
        times = []
        for _ in range(arguments.runs):
            _fragment.cache_clear()  # each run as a build's worker starts: nothing read yet
            start = time.process_time()
            for path, (client, document, _) in zip(paths, loaded, strict=True):
                assert client is not None
                # As a build does: with the document the client was loaded from.
                client_history(index, path, client, today=dt.date(2026, 12, 1),
                               timezone="Europe/Berlin", language="en", document=document)
            times.append(time.process_time() - start)
        close_readers()
    per_version = [seconds / (arguments.clients * (VERSIONS - 1)) * 1000 for seconds in times]
    print(f"client_history, {arguments.clients} clients x {VERSIONS} versions: "
          f"{min(times):.3f} s CPU (best of {arguments.runs}); per past version "
          f"{min(per_version):.2f} ms best, {sorted(per_version)[len(per_version) // 2]:.2f} ms median")


if __name__ == "__main__":
    main()
