"""``fieldsales-server``: run the API (``serve``, the default), apply migrations, rotate the epoch.

Settings come from ``FIELDSALES_*`` environment variables (see ``settings.Settings``).
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence

from pydantic import ValidationError


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="fieldsales-server", description=__doc__)
    sub = parser.add_subparsers(dest="command")
    serve = sub.add_parser("serve", help="start the API with uvicorn (default)")
    _serve_arguments(serve)
    sub.add_parser("migrate", help="bring the database schema up to date")
    sub.add_parser(
        "rotate-epoch",
        help="after restoring a backup: give the database a new epoch so devices re-sync",
    )
    purge = sub.add_parser("purge-tombstones", help="delete old tombstones of every tenant")
    purge.add_argument("--keep", type=int, default=100_000, help="versions of tombstones to keep")
    tokens = sub.add_parser("purge-tokens", help="delete tokens expired or revoked long ago")
    tokens.add_argument("--days", type=int, default=7)
    uploads = sub.add_parser(
        "purge-uploads", help="drop attachment uploads left unfinished for longer than --days"
    )
    uploads.add_argument("--days", type=int, default=30)
    sub.add_parser(
        "housekeeping",
        help="the nightly clean-up with default settings: tokens, unfinished uploads, old push "
        "answers (tombstones stay: purge them deliberately with purge-tombstones)",
    )
    _serve_arguments(parser)
    return parser


def _serve_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--host", default=os.environ.get("FIELDSALES_HOST", "127.0.0.1"))
    parser.add_argument("--port", type=int, default=int(os.environ.get("FIELDSALES_PORT", "8000")))
    parser.add_argument(
        "--workers", type=int, default=int(os.environ.get("FIELDSALES_WORKERS", "1"))
    )
    parser.add_argument("--log-level", default="info")
    parser.add_argument(
        "--proxy-headers",
        action="store_true",
        help="trust X-Forwarded-For from --forwarded-allow-ips (behind a reverse proxy)",
    )
    parser.add_argument("--forwarded-allow-ips", default="127.0.0.1")


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    from fieldsales.server import migrate
    from fieldsales.server.db import make_engine
    from fieldsales.server.settings import Settings

    try:
        settings = Settings()
    except ValidationError as exc:
        print(f"fieldsales-server: invalid settings:\n{exc}", file=sys.stderr)
        return 2
    engine = make_engine(settings.database_url)
    command = args.command or "serve"
    if command == "migrate":
        migrate.upgrade(engine)
        print(f"database at revision {migrate.current_revision(engine)}")
        return 0
    if command == "rotate-epoch":
        migrate.upgrade(engine)
        print(f"new epoch {migrate.rotate_epoch(engine)}: devices will re-sync")
        return 0
    if command == "purge-tombstones":
        from fieldsales.server.maintenance import purge_tombstones

        migrate.upgrade(engine)
        purged = purge_tombstones(engine, keep_versions=args.keep)
        print(f"purged {purged} tombstones")
        return 0
    if command == "purge-tokens":
        from fieldsales.server.maintenance import purge_expired_tokens

        migrate.upgrade(engine)
        print(f"purged {purge_expired_tokens(engine, older_than_days=args.days)} tokens")
        return 0
    if command == "housekeeping":
        from datetime import timedelta

        from fieldsales.server.blobs import purge_stale_uploads
        from fieldsales.server.maintenance import purge_expired_tokens, purge_push_outcomes
        from fieldsales.server.syncing import OUTCOME_KEEP

        migrate.upgrade(engine)
        tokens = purge_expired_tokens(engine, older_than_days=7)
        uploads = purge_stale_uploads(engine, older_than=timedelta(days=30))
        outcomes = purge_push_outcomes(engine, older_than=OUTCOME_KEEP)
        print(f"purged {tokens} tokens, {uploads} unfinished uploads, {outcomes} old push answers")
        return 0
    if command == "purge-uploads":
        from datetime import timedelta

        from fieldsales.server.blobs import purge_stale_uploads

        migrate.upgrade(engine)
        purged = purge_stale_uploads(engine, older_than=timedelta(days=args.days))
        print(f"purged {purged} unfinished uploads")
        return 0
    return serve(settings, args)


def serve(settings: object, args: argparse.Namespace) -> int:
    import uvicorn

    from fieldsales.server import migrate
    from fieldsales.server.db import make_engine
    from fieldsales.server.settings import Settings

    assert isinstance(settings, Settings)
    engine = make_engine(settings.database_url)
    migrate.upgrade(engine)  # once, before the workers start
    engine.dispose()
    os.environ["FIELDSALES_MIGRATE_ON_START"] = "false"
    uvicorn.run(
        "fieldsales.server.app:create_app",
        factory=True,
        host=args.host,
        port=args.port,
        workers=args.workers if args.workers > 1 else None,
        log_level=args.log_level,
        proxy_headers=args.proxy_headers,
        forwarded_allow_ips=args.forwarded_allow_ips,
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
