"""The `mieb` command line. Parsing and listing import no backend (torch is imported only by `run`)."""

from __future__ import annotations

import argparse
import atexit
import logging
import os
import sys
from typing import NoReturn

from mieb.errors import MiebError, UnknownNameError, UsageError

EXIT_OK, EXIT_FAILED, EXIT_USAGE = 0, 1, 2


def build_parser() -> argparse.ArgumentParser:
    from mieb.cli import cache, compare, download, leaderboard, listing, render, results, run

    parser = argparse.ArgumentParser(
        prog="mieb",
        description="Massive Image Embedding Benchmark: evaluate image and image-text embedding models.",
    )
    parser.add_argument("-v", "--verbose", action="count", default=0, help="more logging (-v info, -vv debug)")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    run.add_parser(sub)
    download.add_parser(sub)
    listing.add_parser(sub)
    results.add_parser(sub)
    cache.add_parser(sub)
    leaderboard.add_parser(sub)
    compare.add_parser(sub)
    render.add_parser(sub)
    return parser


def setup_logging(verbose: int = 0) -> None:
    """Log records to stderr at the chosen verbosity, each printed once.

    Libraries such as huggingface_hub install a stream handler of their own and still let records
    propagate to the root logger, so a plain root handler prints each of their warnings twice. The root
    handler here skips records that a handler below the root has already printed.
    """
    root = logging.getLogger()
    before = list(root.handlers)
    logging.basicConfig(
        level=[logging.WARNING, logging.INFO, logging.DEBUG][min(verbose, 2)],
        format="%(levelname)s %(name)s: %(message)s",
    )
    for handler in root.handlers:
        if handler not in before:  # only the one made here: a host program's handlers are its own business
            handler.addFilter(_NotYetPrinted())


class _NotYetPrinted(logging.Filter):
    """Pass a record only if no logger between its own and the root has a handler (which printed it)."""

    def filter(self, record: logging.LogRecord) -> bool:
        logger: logging.Logger | None = logging.getLogger(record.name)
        while logger is not None and logger is not logging.getLogger():
            if logger.handlers:
                return False
            if not logger.propagate:
                break
            logger = logger.parent
        return True


def entry() -> NoReturn:
    """The `mieb` command and `python -m mieb`: `main`, then `exit_now` with its exit code."""
    exit_now(main())


def exit_now(code: int) -> NoReturn:
    """End the process with exit status `code` once everything it wrote is out, without Python's teardown.

    With torch and transformers imported, the interpreter's own shutdown (clearing thousands of modules,
    full garbage-collection passes over their objects) takes 1.5-1.8 s on 2 cores (measured:
    `python -c "import torch, transformers; from transformers import CLIPModel"` spends that after its last
    line) and writes nothing: results are already on disk, each written atomically and closed. So the atexit
    handlers run (logging's flush, multiprocessing's children, temporary folders' clean-up), stdout and
    stderr are flushed, and the process ends. Only the command line does this: the library API never ends
    its caller's process. An exception escaping `main` never gets here: Python prints it and exits as usual.
    """
    try:
        atexit._run_exitfuncs()
    finally:
        for stream in (sys.stdout, sys.stderr):
            try:
                stream.flush()
            except (OSError, ValueError):  # a closed or broken pipe: nothing more can be written to it
                pass
        os._exit(code)


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    setup_logging(args.verbose)
    if not getattr(args, "func", None):
        parser.print_help()
        return EXIT_USAGE
    try:
        return int(args.func(args) or EXIT_OK)
    except (UnknownNameError, UsageError) as e:
        print(f"error: {e}", file=sys.stderr)
        return EXIT_USAGE
    except MiebError as e:
        print(f"error: {e}", file=sys.stderr)
        return EXIT_FAILED
    except KeyboardInterrupt:
        print("interrupted; finished tasks are saved, re-run the same command to complete the rest",
              file=sys.stderr)
        return 130
