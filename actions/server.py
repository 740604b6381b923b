"""Start the action server: validate the dataset first, then serve the actions.

`python -m actions.server [--port 5055] [--host 127.0.0.1]`. A dataset that does not
validate stops here with an error naming the file, the entry and the field (exit code 2),
instead of a server that would answer from half of it. Binds to loopback by default: only
the Rasa server on the same machine needs to reach it.
"""

from __future__ import annotations

import argparse
import logging
import os
import sys

from rasa_sdk.endpoint import run

from actions.dataset import DatasetError, dataset_path, get_dataset


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, default=int(os.environ.get("ACTIONS_PORT", 5055)))
    parser.add_argument("--host", default=os.environ.get("ACTIONS_HOST", "127.0.0.1"))
    args = parser.parse_args()
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(levelname)s %(message)s")
    try:
        dataset = get_dataset()
    except DatasetError as error:
        print(f"action server not started: {error}", file=sys.stderr)
        sys.exit(2)
    logging.getLogger(__name__).info("office dataset %s: %d offices", dataset_path(), len(dataset.offices))
    os.environ["SANIC_HOST"] = args.host  # rasa_sdk's run() reads the host from here

    run("actions", port=args.port)


if __name__ == "__main__":
    main()
