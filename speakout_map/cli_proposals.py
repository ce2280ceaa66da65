"""The command line's moderation commands: ``proposals``, ``approve ID``, ``decline ID --reason``.

A thin shell over :mod:`speakout_map.supporters.moderation`, as the
organisers' Proposals tab is; :func:`speakout_map.cli.main` turns their
errors into messages and exit codes.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import sys
from typing import TextIO

from speakout_map.cli_support import EXIT_OK, EXIT_PROBLEMS, EXIT_USAGE, default_by, print_problems
from speakout_map.errors import ProposalError
from speakout_map.settings import Settings
from speakout_map.store import publishing
from speakout_map.supporters.proposal import Proposal, ProposalStatus

# The store's engine (SQLAlchemy, through moderation) and the geocoders are imported by the commands that use
# them, when they run: the CLI builds this module's parsers for every command, ``validate`` too.


def _printable(text: str) -> str:
    """Text from a supporter, safe on a terminal: control characters (escapes, newlines) written as escapes."""
    return "".join(c if c.isprintable() else repr(c)[1:-1] for c in text)


def _proposal_line(proposal: Proposal) -> str:
    cells = {name: _printable(value) for name, value in proposal.cells.items()}
    where = ", ".join(part for part in (cells.get("city", ""), cells.get("country", "")) if part)
    line = (f"{proposal.id:>5}  {proposal.status.value:<9}  {proposal.created_at.strftime('%Y-%m-%d %H:%M')}  "
            f"{cells.get('date', '') or '-':<10}  {where or '-'}  \"{cells.get('title', '')}\"  "
            f"<{cells.get('contact_email', '') or 'no email'}>")
    if proposal.status is ProposalStatus.DECLINED:
        line += f"  declined by {_printable(proposal.decided_by)}: \"{_printable(proposal.reason)}\""
    elif proposal.status is ProposalStatus.APPROVED:
        line += f"  approved by {_printable(proposal.decided_by)} in version {proposal.version_number}"
    return line


def cmd_proposals(args: argparse.Namespace, settings: Settings, out: TextIO) -> int:
    status = ProposalStatus(args.status) if args.status else None
    proposals = publishing.open_published_store(settings).proposals().list(status)
    if args.json:
        json.dump([p.as_dict() for p in proposals], out, ensure_ascii=False, indent=2)
        out.write("\n")
    elif not proposals:
        print(f"no {args.status + ' ' if args.status else ''}proposals", file=out)
    else:
        for proposal in proposals:
            print(_proposal_line(proposal), file=out)
    return EXIT_OK


def cmd_approve(args: argparse.Namespace, settings: Settings, out: TextIO) -> int:
    from speakout_map.places.chain import build_geocoder
    from speakout_map.supporters import moderation
    store = publishing.open_published_store(settings)
    proposal = store.proposals().get(args.id)
    approval = moderation.prepare_approval(proposal, store=store,
                                           geocoder=build_geocoder(settings, cache=store.geocode_cache()),
                                           today=dt.date.today())
    print_problems("error", approval.checked.errors, out)
    print_problems("warning", approval.checked.warnings, out)
    if approval.checked.geocoder_unavailable:
        print(f"warning: the online geocoder is unavailable ({approval.checked.geocoder_unavailable}); "
              "try again later, or give the proposal latitude and longitude", file=out)
    if not approval.ok:
        print(f"proposal {args.id}: not approved; fix the errors above on the organisers' page (Proposals tab), "
              "or decline it (nothing was published)", file=out)
        return EXIT_PROBLEMS
    info = moderation.approve(approval, store=store, by=args.by or default_by())
    print(f"approved proposal {args.id}: published version {info.number} with {info.rows} events "
          f"({approval.preview.diff.summary()})", file=out)
    return EXIT_OK


def cmd_decline(args: argparse.Namespace, settings: Settings, out: TextIO) -> int:
    from speakout_map.supporters import moderation
    try:
        reason = moderation.decline_reason(args.reason)
    except ProposalError as exc:
        print(f"error: --reason: {exc}", file=sys.stderr)
        return EXIT_USAGE
    store = publishing.open_published_store(settings)
    proposal = moderation.decline(args.id, reason=reason, store=store, by=args.by or default_by(),
                                  now=dt.datetime.now(dt.timezone.utc))
    print(f"declined proposal {proposal.id}; its host reads the reason on their status page", file=out)
    return EXIT_OK


def add_proposal_commands(sub) -> None:
    """Add ``proposals``, ``approve`` and ``decline`` to the CLI's subcommands."""
    proposals = sub.add_parser(
        "proposals",
        help="list supporters' proposed events, oldest first (contact emails included: for organisers only)",
        description=(
            "List the proposals, oldest first. JSON: a list of objects with id, status, created_at, the event's "
            "fields (contact_email included: never publish this output), decided_by, decided_at, reason, version."
        ),
    )
    proposals.add_argument("--status", choices=[s.value for s in ProposalStatus],
                           help="only the proposals of this status")
    proposals.add_argument("--json", action="store_true", help="print a JSON list")
    proposals.set_defaults(handler=cmd_proposals)

    approve = sub.add_parser(
        "approve", help="check a pending proposal as an upload is checked and publish it as a new version"
    )
    approve.add_argument("id", type=int, metavar="ID", help="the proposal's id (see: proposals)")
    approve.add_argument("--by", help="who approves (default: $SPEAKOUT_BY or $USER)")
    approve.set_defaults(handler=cmd_approve)

    decline = sub.add_parser("decline", help="decline a pending proposal, with the reason its host will read")
    decline.add_argument("id", type=int, metavar="ID", help="the proposal's id (see: proposals)")
    decline.add_argument("--reason", required=True, help="why, for the host's status page (required)")
    decline.add_argument("--by", help="who declines (default: $SPEAKOUT_BY or $USER)")
    decline.set_defaults(handler=cmd_decline)
