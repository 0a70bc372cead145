"""The `mieb` command line. Parsing and listing import no backend (torch is imported only by `run`)."""

from __future__ import annotations

import argparse
import logging
import sys

from mieb.errors import MiebError, UnknownNameError, UsageError

EXIT_OK, EXIT_FAILED, EXIT_USAGE = 0, 1, 2


def build_parser() -> argparse.ArgumentParser:
    from mieb.cli import cache, compare, download, leaderboard, listing, results, run

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
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    logging.basicConfig(
        level=[logging.WARNING, logging.INFO, logging.DEBUG][min(args.verbose, 2)],
        format="%(levelname)s %(name)s: %(message)s",
    )
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
