"""`mieb cache info|clear`: inspect or empty the embedding cache."""

from __future__ import annotations

import argparse


def add_parser(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("cache", help="inspect or clear the embedding cache",
                       description="Embeddings are cached per model (name, revision, precision, device type, "
                       "preprocessing) and input content, under $MIEB_CACHE/embeddings (default ~/.cache/mieb).")
    what = p.add_subparsers(dest="what", metavar="{info,clear}", required=True)
    info = what.add_parser("info", help="one line per cached model")
    info.set_defaults(func=cmd_info)
    clear = what.add_parser("clear", help="delete cached embeddings")
    clear.add_argument("-m", "--model", help="only this model name (default: all)")
    clear.set_defaults(func=cmd_clear)


def cmd_info(args: argparse.Namespace) -> int:
    from mieb.cache.store import EmbeddingCache
    from mieb.cli.tables import print_table

    cache = EmbeddingCache()
    infos = cache.info()
    rows = [(i.model, (i.revision or "")[:12], i.precision, i.device_type, i.entries, f"{i.bytes / 2**20:.1f}")
            for i in infos if i.problem is None]
    total = sum(i.bytes for i in infos) / 2**20
    print_table(f"embedding cache at {cache.root} ({total:.1f} MiB)",
                ["model", "revision", "precision", "device", "entries", "MiB"], rows,
                justify_right=["entries", "MiB"])
    for i in infos:
        if i.problem is not None:
            print(f"unusable: {i.path} ({i.bytes / 2**20:.1f} MiB): {i.problem}; `mieb cache clear` removes it")
    return 0


def cmd_clear(args: argparse.Namespace) -> int:
    from mieb.cache.store import EmbeddingCache
    from mieb.cli import EXIT_FAILED, EXIT_OK

    done = EmbeddingCache().clear(args.model)
    print(f"removed {len(done.removed)} cached model store(s)"
          + (f" and {len(done.damaged)} damaged file(s)" if done.damaged else ""))
    for path, why in done.failed.items():
        print(f"could not remove {path}: {why}")
    return EXIT_FAILED if done.failed else EXIT_OK
