"""``nps-wave``: run a survey wave, make the demo data, list waves.

Every failure is one paragraph on stderr, ``nps-wave: <what happened>, <which file>;
<what to do>``, and an exit code of its kind (:data:`EXIT_CODES`); a traceback only with
``--debug`` (or ``NPS_WAVE_DEBUG=1``).
"""

from __future__ import annotations

import argparse
import errno
import os
import sys
from pathlib import Path

from nps_helpers.errors import NpsWorkbookError, ParamsError
from nps_helpers.io import exports


def _cmd_run(args: argparse.Namespace) -> int:
    from nps_helpers.run.runner import display_path, run_wave

    deck = run_wave(args.params, notebooks_dir=args.notebooks)
    print(f"Deck: {display_path(deck)}")
    return 0


def check_export(
    export: str | Path,
    format: str | None = None,
    mapping: dict[str, str] | None = None,
    accounts: str | Path | None = None,
    encoding: str | None = None,
    delimiter: str | None = None,
    sheet: str | None = None,
    max_mb: float | None = None,
) -> dict:
    """Read and clean an export without a params file; the facts ``nps-wave check`` prints,
    with whether ``nps-wave run`` would accept the file as it is (``run_accepts``), the
    sentences saying why not (``run_refusals``) and what the wave would lack
    (``run_lacks``: each missing input and what it would add)."""
    from nps_helpers.io.crm import read_accounts
    from nps_helpers.io.exports import read_export
    from nps_helpers.metrics.scoring import nps_summary
    from nps_helpers.params import Columns, WaveParams
    from nps_helpers.prepare.clean import CleanOptions, clean_responses

    mapping = dict(mapping or {})
    known = set(Columns.model_fields) - {"extra"}
    unknown = sorted(set(mapping) - known)
    if unknown:
        raise ParamsError(
            f"--map: unknown field(s) {', '.join(unknown)}; use {', '.join(sorted(known))}"
        )
    raw = read_export(
        export, format=format, encoding=encoding, delimiter=delimiter, sheet=sheet, max_mb=max_mb
    )
    crm = read_accounts(accounts, max_mb) if accounts else None
    result = clean_responses(raw, crm, CleanOptions(columns=mapping, strict_labels=False))
    q = result.quality
    summary = nps_summary(result.responses["score"])
    defaults = WaveParams.model_fields
    least = defaults["min_responses"].default
    share = defaults["max_rejected_share"].default
    refusals = []
    if q["kept"] < least:
        refusals.append(
            f"{export}: only {q['kept']} row(s) are kept and run needs at least {least} "
            "(min_responses): add responses or lower min_responses in the wave's params."
        )
    if q["rows_in"] and q["rejected"] > share * q["rows_in"]:
        refusals.append(
            f"{export}: {q['rejected']} of {q['rows_in']} rows are rejected and run allows at "
            f"most {share:.0%} (max_rejected_share): see the reasons above, fix the export or "
            "raise max_rejected_share in the wave's params."
        )
    lacks = []
    if crm is None:
        lacks.append(
            "no account master (inputs.accounts): the wave runs at respondent level, without "
            "tiers, revenue, renewals or account coverage"
        )
    if not q["columns"].get("account_id"):
        lacks.append(
            "no account column: account figures need one (--map account_id=<column>, in "
            "params columns: account_id) or the account master"
        )
    if not q["columns"].get("responded_at"):
        lacks.append("no response date column: the field-window check is skipped")
    lacks.append("no invitation list (inputs.invitations): no response rate")
    return {
        "format": q["format"],
        "encoding": q["encoding"],
        "delimiter": q["delimiter"],
        "score_column": q["columns"].get("score"),
        "comment_column": q["columns"].get("comment"),
        "columns": q["columns"],
        "columns_found_by": q["columns_found_by"],
        "rows_in": q["rows_in"],
        "rows_kept": q["kept"],
        "rows_rejected": q["rejected"],
        "rejected_by_reason": q["rejected_by_reason"],
        "nps": None if summary["n"] == 0 else round(summary["nps"], 2),
        "n": summary["n"],
        "notes": q["notes"],
        "nps_group_check": q.get("nps_group_check"),
        "run_accepts": not refusals,
        "run_refusals": refusals,
        "run_lacks": lacks,
    }


def _delimiter(given: str | None) -> str | None:
    """``--delimiter`` as given, with ``tab`` (or ``\\t``) read as the tab character."""
    return {"tab": "\t", "\\t": "\t"}.get(given, given)


def _cmd_check(args: argparse.Namespace) -> int:
    import json

    from nps_helpers.deck.format import fmt_nps
    from nps_helpers.errors import ExportFormatError, MappingError
    from nps_helpers.prepare.clean import REASONS

    mapping = {}
    for item in args.map or []:
        name, sep, column = item.partition("=")
        if not sep or not name.strip() or not column:
            print(f"nps-wave: --map wants canonical=ExportColumn, got {item!r}", file=sys.stderr)
            return 2
        mapping[name.strip()] = column
    delimiter = _delimiter(args.delimiter)
    try:
        facts = check_export(
            args.export,
            args.format,
            mapping,
            args.accounts,
            args.encoding,
            delimiter,
            args.sheet,
            args.max_input_mb,
        )
    except (ExportFormatError, MappingError, ParamsError) as exc:
        reason = " ".join(str(exc).split()).rstrip(".")  # one line, whatever the reader said
        print(f"nps-wave: {reason}; run would refuse this file as it is.", file=sys.stderr)
        return 2
    if args.json:
        print(json.dumps(facts, indent=2, default=str))
        return 0
    print(
        f"Format:   {facts['format']} (encoding {facts['encoding']}, "
        f"delimiter {facts['delimiter']!r})"
    )
    print("Columns:")
    for name, column in facts["columns"].items():
        print(f"  {name:<13} <- {column!r}  ({facts['columns_found_by'].get(name, '')})")
    if not facts["columns"].get("comment"):
        why = facts["columns_found_by"].get("comment") or "no free-text column"
        print(f"  {'comment':<13} <- none  ({why}: the deck has no themes)")
    print(f"Rows in:  {facts['rows_in']:,}")
    print(f"Kept:     {facts['rows_kept']:,}")
    print(f"Rejected: {facts['rows_rejected']:,}")
    for reason, count in facts["rejected_by_reason"].items():
        print(f"  {reason:<22} {count:>8,}  {REASONS[reason]}")
    for note in facts["notes"]:
        print(f"Note:     {note}")
    group = facts.get("nps_group_check")
    if group:
        print(
            f"Check:    {group['mismatches']} of {group['compared']} rows disagree with "
            f"{group['column']} (the score is used)"
        )
    nps = "–" if facts["nps"] is None else fmt_nps(facts["nps"])
    print(f"NPS of the kept rows: {nps} (n = {facts['n']:,})")
    if facts["run_accepts"]:
        print("Run:      would accept this file as it is")
    else:
        print("Run:      would refuse this file as it is:")
        for refusal in facts["run_refusals"]:
            print(f"  {refusal}")
    for lack in facts["run_lacks"]:
        print(f"  missing: {lack}")
    return 0


def _cmd_init(args: argparse.Namespace) -> int:
    import filecmp
    import re

    from nps_helpers.io.crm import read_accounts, read_invitations
    from nps_helpers.io.exports import read_export
    from nps_helpers.io.files import copy_if_missing
    from nps_helpers.io.params_file import render_params, write_params
    from nps_helpers.params import load_params
    from nps_helpers.prepare.proposal import propose

    root = Path(args.root)
    target = root / "params" / f"{args.wave}.yaml"
    if not re.fullmatch(r"[A-Za-z0-9][A-Za-z0-9_.-]*", args.wave):
        raise ParamsError(f"--wave {args.wave!r}: use letters, digits, '-', '_' or '.'")
    if target.exists() and not args.force:
        raise ParamsError(f"{target} exists; it is kept (use --force to write it again)")
    given = {"export": args.export, "accounts": args.accounts, "invitations": args.invitations}
    files = {k: Path(v) for k, v in given.items() if v}
    delimiter = _delimiter(args.delimiter)
    forced = {"format": args.format, "encoding": args.encoding, "delimiter": delimiter}
    forced["sheet"] = args.sheet
    raw = read_export(files["export"], **forced)
    accounts = read_accounts(files["accounts"]) if "accounts" in files else None
    invitations = read_invitations(files["invitations"]) if "invitations" in files else None
    proposal = propose(raw, accounts, invitations, args.wave, args.company)
    inputs = {}
    names = [f.name for f in files.values()]
    for key, source in files.items():
        # two given files of one name (exports/data.csv, crm/data.csv) keep both
        name = source.name if names.count(source.name) == 1 else f"{key}-{source.name}"
        copy = Path("data") / "raw" / args.wave / name
        if not copy_if_missing(source, root / copy) and not filecmp.cmp(source, root / copy, False):
            raise ParamsError(f"{root / copy} exists and differs from {source}; it is kept")
        print(f"{key}: {root / copy}")
        inputs[key] = copy.as_posix()
    earlier = []
    for f in sorted((root / "params").glob("*.yaml")):
        try:
            p = load_params(f)
        except ParamsError:
            continue
        if p.wave_id != args.wave and p.field_end < proposal.field_start:
            earlier.append((p.field_end, p.wave_id))
    codebook = "params/codebook.yaml" if (root / "params" / "codebook.yaml").is_file() else None
    text = render_params(
        proposal,
        inputs,
        files["export"].name,
        max(earlier)[1] if earlier else None,
        codebook,
        {k: v for k, v in forced.items() if v},
    )
    write_params(target, text, force=args.force)
    print(f"params: {target}")
    print("Review (every line marked 'review' in the file):")
    for item in proposal.review:
        print(f"  - {item}")
    print(f"Then: nps-wave run {target}")
    return 0


def _cmd_pdf(args: argparse.Namespace) -> int:
    from nps_helpers.deck.pdf import deck_to_pdf
    from nps_helpers.run.runner import display_path

    target = Path(args.wave)
    if target.suffix in (".yaml", ".yml"):
        from nps_helpers.params import load_params

        deck = load_params(target).reports_dir / "deck.html"
    else:
        deck = Path(args.root) / "reports" / args.wave / "deck.html"
    pdf = deck_to_pdf(deck, args.out)
    print(f"PDF: {display_path(pdf)}")
    return 0


def _cmd_plan(args: argparse.Namespace) -> int:
    import datetime as dt

    import pandas as pd

    from nps_helpers.io.crm import read_accounts, read_invitations
    from nps_helpers.io.files import formula_safe
    from nps_helpers.metrics.planning import plan_invitations
    from nps_helpers.params import load_params
    from nps_helpers.prepare.invitations import invitation_segments, map_tiers
    from nps_helpers.run.runner import display_path

    root = Path(args.root)
    waves = []
    for f in sorted((root / "params").glob("*.yaml")):
        try:
            p = load_params(f)
        except ParamsError:
            continue
        if p.inputs.invitations and p.path(p.inputs.invitations).is_file():
            waves.append(p)
    if not waves:
        raise ParamsError(f"{root / 'params'}: no wave with an invitation list to plan from")
    waves.sort(key=lambda p: p.field_start)
    latest = waves[-1]
    history = []
    for p in waves:  # an invitation without a date was sent as its field period began
        inv = read_invitations(p.path(p.inputs.invitations))
        when = inv.get("invited_at", pd.Series("", index=inv.index, dtype=object))
        blank = when.isna() | (when.astype(str).str.strip() == "")
        history.append(inv.assign(invited_at=when.where(~blank, p.field_start.isoformat())))
    history = pd.concat(history, ignore_index=True)
    if latest.inputs.accounts is None:
        raise ParamsError(
            f"params of wave {latest.wave_id}: nps-wave plan needs the CRM account master "
            "(tiers say which accounts are key): name it in inputs.accounts"
        )
    accounts = map_tiers(latest, read_accounts(latest.path(latest.inputs.accounts)))
    contacts = invitation_segments(
        read_invitations(latest.path(latest.inputs.invitations)), accounts, latest.role_map
    )
    start, end = dt.date.fromisoformat(args.start), dt.date.fromisoformat(args.end)
    if end < start:
        raise ParamsError(f"--end {end} is before --start {start}")
    cooldown = args.cooldown_days if args.cooldown_days is not None else latest.cooldown_days
    plan, gaps = plan_invitations(
        contacts, history, start, end, cooldown, tuple(latest.key_tiers), args.slices
    )
    out = latest.path(latest.outputs.reports_dir) / "plan" / args.wave
    out.mkdir(parents=True, exist_ok=True)
    keep = [
        c
        for c in (
            "invite",
            "reason",
            "send_on",
            "slice",
            "contact_id",
            "account_id",
            "account_name",
            "tier",
            "region",
            "role",
            "owner",
            "last_invited",
        )
        if c in plan.columns
    ]
    formula_safe(plan[keep]).to_csv(out / "invitation_plan.csv", index=False)
    formula_safe(gaps).to_csv(out / "key_account_gaps.csv", index=False)
    invited = plan[plan["invite"]]
    print(f"Plan for {args.wave} ({start} to {end}), from {len(waves)} wave(s) of invitations:")
    print(
        f"  invite {len(invited):,} of {len(plan):,} contacts in {args.slices} slices; "
        f"{(~plan['invite']).sum():,} left out (cool-down {cooldown} days, or bounced)"
    )
    for (s, send_on), n in invited.groupby(["slice", "send_on"]).size().items():
        print(f"  slice {s}: {n:,} contacts, send on {send_on}")
    print(f"  key accounts lacking an invitable decision-maker or user: {len(gaps)}")
    if "role" not in contacts.columns:
        print("  (the invitation list has no role column: no contact's role is known)")
    print(f"Plan: {display_path(out / 'invitation_plan.csv')}")
    return 0


def _demo_present(root: Path) -> bool:
    from nps_helpers.demo.company import DEMO_WAVES

    return all((root / "data" / "raw" / w / "survey_export.csv").is_file() for w in DEMO_WAVES)


def demo_params(root: Path) -> list[Path]:
    """The demo waves' params and the codebook they name under ``<root>/params/``, copied
    from the workbook's own where missing (an existing file is kept): the files copied."""
    from nps_helpers.bundled import bundled
    from nps_helpers.demo.company import DEMO_WAVES
    from nps_helpers.io.files import copy_if_missing

    copied = []
    for name in [*(f"{wave}.yaml" for wave in DEMO_WAVES), "codebook.yaml"]:
        target = root / "params" / name
        if copy_if_missing(bundled(f"params/{name}"), target):
            copied.append(target)
    return copied


def _cmd_demo_data(args: argparse.Namespace) -> int:
    from nps_helpers.demo.company import generate_demo

    root = Path(args.root)
    for path in demo_params(root):
        print(f"params: {path}")
    if _demo_present(root) and not args.force:
        print(f"Demo data already in {root / 'data' / 'raw'} (use --force to write it again).")
        return 0
    written = generate_demo(root, seed=args.seed, n_accounts=args.accounts)
    for wave, files in written.items():
        for f in files:
            print(f"{wave}: {f}")
    print("The demo data is synthetic: no real company, person or comment is in it.")
    return 0


def _cmd_demo(args: argparse.Namespace) -> int:
    from nps_helpers.demo.company import DEMO_WAVES, generate_demo
    from nps_helpers.run.runner import display_path, run_wave

    root = Path(args.root)
    for path in demo_params(root):
        print(f"The demo's params: {path}")
    if not _demo_present(root):
        print(f"Making the synthetic demo data under {root / 'data' / 'raw'}")
        generate_demo(root)
    decks = []
    for wave in DEMO_WAVES:
        print(f"== wave {wave}")
        decks.append(run_wave(root / "params" / f"{wave}.yaml"))
    print("Decks:")
    for deck in decks:
        print(f"  {display_path(deck)}")
    return 0


def _cmd_list(args: argparse.Namespace) -> int:
    """One line per wave of ``params/`` (and per deck of ``reports/`` without params):
    processed or not, the deck and when it was made, and whether an input changed since
    (its digest now against the one the deck's run recorded)."""
    from nps_helpers.io.publish import wave_status
    from nps_helpers.params import load_params

    root = Path(args.root)
    files = sorted((root / "params").glob("*.yaml"))
    rows, seen = [], set()
    for f in files:
        try:
            p = load_params(f)
        except ParamsError:
            continue
        seen.add(p.reports_dir.resolve())
        processed = (p.processed_dir / "responses.parquet").is_file()
        status = wave_status(p, f)
        deck = "no"
        if status["deck"]:
            deck = (
                f"{p.reports_dir / 'deck.html'} made {status['made_at'] or '(time not recorded)'}"
            )
            if status["changed"]:
                deck += "; inputs changed since: " + ", ".join(status["changed"])
            elif status["changed"] is not None:
                deck += "; inputs unchanged"
        rows.append(
            f"{p.wave_id:<12} {f}  processed: {'yes' if processed else 'no':<3}  deck: {deck}"
        )
    for deck in sorted((root / "reports").glob("*/deck.html")):
        if deck.parent.resolve() not in seen:
            rows.append(f"{deck.parent.name:<12} (no params)  deck: {deck}")
    print("\n".join(rows) if rows else f"No wave params in {root / 'params'}")
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="nps-wave", description="Run B2B NPS survey waves from raw export to leadership deck."
    )
    parser.add_argument(
        "--debug",
        action="store_true",
        help="show the traceback of a failure (also NPS_WAVE_DEBUG=1)",
    )
    sub = parser.add_subparsers(dest="command", required=True)
    run = sub.add_parser("run", help="clean, validate and report one wave; render its deck")
    run.add_argument("params", help="the wave's parameters, params/<wave>.yaml")
    run.add_argument("--notebooks", help="folder of the wave notebooks (default: notebooks/)")
    run.set_defaults(func=_cmd_run)
    check = sub.add_parser("check", help="read and clean an export for a quick look, no params")
    check.add_argument("export", help="the survey export (CSV, TSV or XLSX)")
    check.add_argument(
        "--format",
        choices=exports.names(),
        help="force the format (default: detected)",
    )
    check.add_argument(
        "--map",
        action="append",
        metavar="canonical=ExportColumn",
        help="name the export column of a field, e.g. score=Q5 (repeatable)",
    )
    check.add_argument("--accounts", help="account master CSV, to check the account join")
    check.add_argument("--encoding", help="force the text encoding (default: detected)")
    check.add_argument("--delimiter", help="force the delimiter: , ; tab | (default: detected)")
    check.add_argument("--sheet", help="Excel sheet name (default: the first)")
    check.add_argument(
        "--max-input-mb",
        type=float,
        help="the largest file read, in MB (default: as params' max_input_mb, 500)",
    )
    check.add_argument("--json", action="store_true", help="print one JSON object")
    check.set_defaults(func=_cmd_check)
    init = sub.add_parser("init", help="propose a new wave's params from its export")
    init.add_argument("export", help="the survey export (CSV, TSV or XLSX)")
    init.add_argument("--wave", required=True, help="the wave's id, e.g. 2027-H1")
    init.add_argument("--accounts", help="CRM account master CSV")
    init.add_argument("--invitations", help="invitation list CSV")
    init.add_argument("--company", help="the company's name (default: from the export)")
    init.add_argument("--format", choices=exports.names(), help="force the format (detected)")
    init.add_argument("--encoding", help="force the text encoding (default: detected)")
    init.add_argument("--delimiter", help="force the delimiter: , ; tab | (default: detected)")
    init.add_argument("--sheet", help="Excel sheet name (default: the first)")
    init.add_argument("--root", default=".", help="project root (default: current folder)")
    init.add_argument("--force", action="store_true", help="write over an existing params file")
    init.set_defaults(func=_cmd_init)
    pdf = sub.add_parser("pdf", help="print a wave's deck to PDF with chromium, one slide a page")
    pdf.add_argument("wave", help="wave id (reports/<wave>/deck.html) or its params YAML")
    pdf.add_argument("--root", default=".", help="project root (default: current folder)")
    pdf.add_argument("--out", help="PDF path (default: reports/<wave>/deck.pdf)")
    pdf.set_defaults(func=_cmd_pdf)
    plan = sub.add_parser(
        "plan", help="propose the next wave's invitations (cool-down, key accounts, even slices)"
    )
    plan.add_argument("wave", help="the next wave's id, e.g. 2027-H1")
    plan.add_argument("--start", required=True, help="first day of its field period (YYYY-MM-DD)")
    plan.add_argument("--end", required=True, help="last day of its field period (YYYY-MM-DD)")
    plan.add_argument("--root", default=".", help="project root (default: current folder)")
    plan.add_argument(
        "--cooldown-days", type=int, help="default: cooldown_days of the latest wave's params (150)"
    )
    plan.add_argument("--slices", type=int, default=4, help="send dates (default 4)")
    plan.set_defaults(func=_cmd_plan)
    data = sub.add_parser("demo-data", help="write the synthetic demo data under data/raw/")
    data.add_argument("--root", default=".", help="project root (default: current folder)")
    data.add_argument("--seed", type=int, default=None, help="random seed (default: the demo's)")
    data.add_argument("--accounts", type=int, default=400, help="number of accounts (400)")
    data.add_argument("--force", action="store_true", help="write again over existing files")
    data.set_defaults(func=_cmd_demo_data)
    demo = sub.add_parser("demo", help="make the demo data when missing and run both demo waves")
    demo.add_argument("--root", default=".", help="project root (default: current folder)")
    demo.set_defaults(func=_cmd_demo)
    lst = sub.add_parser("list", help="list the waves in params/ and what has been made")
    lst.add_argument("--root", default=".", help="project root (default: current folder)")
    lst.set_defaults(func=_cmd_list)
    return parser


#: The exit code of each kind of failure, so that a script can tell them apart.
EXIT_CODES = {
    "wave": 1,  # the workbook refused the wave: an export it cannot read, the gate, a notebook
    "params": 2,  # wrong arguments or parameters
    "files": 3,  # the file system: a folder not writable, a disk full, a file missing
    "unreadable": 4,  # a file in a shape no reader takes: a corrupt XLSX, bytes, YAML
    "memory": 5,  # out of memory
    "unexpected": 70,  # anything else: a bug to report
    "interrupted": 130,
}
_OS_ERRORS = {
    errno.ENOSPC: ("the disk is full", "free space on that disk, or point outputs at another"),
    errno.EDQUOT: ("the disk quota is used up", "free space, or point outputs at another disk"),
    errno.EROFS: (
        "the file system is read-only",
        "point outputs.reports_dir and outputs.processed_dir at a writable folder",
    ),
    errno.EACCES: ("permission denied", "make it writable (or readable) for you"),
    errno.EPERM: ("permission denied", "make it writable (or readable) for you"),
    errno.ENOENT: ("file or folder not found", "check the path"),
    errno.EISDIR: ("a folder where a file was expected", "check the path"),
}


def _subject(args: argparse.Namespace) -> str:
    """The file a command works on, to name when an error does not."""
    for name in ("params", "export", "wave", "root"):
        value = getattr(args, name, None)
        if value:
            return str(value)
    return "."


def describe_error(exc: BaseException, subject: str) -> tuple[str, int]:
    """One paragraph (``<what happened>, <which file>; <what to do>``, without the
    ``nps-wave:`` prefix) and the exit code for ``exc``, raised while working on
    ``subject`` (the params file or export of the command)."""
    import zipfile

    import yaml

    if isinstance(exc, ParamsError):
        text = str(exc).strip()
        if ";" not in text.splitlines()[-1]:
            text += "\nFix the params file and run again."
        return text, EXIT_CODES["params"]
    if isinstance(exc, NpsWorkbookError):
        return str(exc).strip(), EXIT_CODES["wave"]
    if isinstance(exc, KeyboardInterrupt):
        return f"interrupted while working on {subject}; run it again", EXIT_CODES["interrupted"]
    if isinstance(exc, MemoryError):
        return (
            f"out of memory while working on {subject}; check that the inputs are the right "
            "files (lower max_input_mb in the wave's params to catch an oversized one), or run "
            "on a machine with more memory",
            EXIT_CODES["memory"],
        )
    if isinstance(exc, zipfile.BadZipFile):
        return (
            f"an Excel workbook is damaged ({exc}), while reading {subject}; open it in Excel "
            "and save it again as .xlsx, or export CSV",
            EXIT_CODES["unreadable"],
        )
    if isinstance(exc, UnicodeError):
        return (
            f"a file is not in the expected text encoding ({exc}), while reading {subject}; "
            "save it as UTF-8, or give its encoding (export_encoding in params, --encoding)",
            EXIT_CODES["unreadable"],
        )
    if isinstance(exc, yaml.YAMLError | RecursionError):
        return (
            f"a YAML file cannot be read ({' '.join(str(exc).split())}), while reading "
            f"{subject}; fix the line it names",
            EXIT_CODES["unreadable"],
        )
    if isinstance(exc, OSError):
        what, todo = _OS_ERRORS.get(exc.errno, (exc.strerror or str(exc), "check it"))
        where = exc.filename or subject
        also = f" (while moving it to {exc.filename2})" if exc.filename2 else ""
        return f"{what}, {where}{also}; {todo}, then run again", EXIT_CODES["files"]
    return (
        f"unexpected {type(exc).__name__}: {' '.join(str(exc).split())[:300]}, while working "
        f"on {subject}; run again with --debug (or NPS_WAVE_DEBUG=1) to see where, and report "
        "it with that output",
        EXIT_CODES["unexpected"],
    )


def _check_project(args: argparse.Namespace) -> None:
    """Before ``run`` does any work: the params' paths inside the project and the wave's
    id its own (:func:`nps_helpers.params.check_project`)."""
    from nps_helpers.params import check_project, load_params

    check_project(load_params(args.params), args.params)


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    debug = "--debug" in argv or os.environ.get("NPS_WAVE_DEBUG", "") not in ("", "0")
    argv = [a for a in argv if a != "--debug"]  # taken before or after the command
    args = build_parser().parse_args(argv)
    if getattr(args, "seed", 0) is None:
        from nps_helpers.demo.company import DEMO_SEED

        args.seed = DEMO_SEED
    try:
        if args.command == "run":
            _check_project(args)
        return args.func(args)
    except (Exception, KeyboardInterrupt) as exc:
        if debug:
            import traceback

            traceback.print_exc()
        text, code = describe_error(exc, _subject(args))
        lines = [line.rstrip() for line in text.splitlines() if line.strip()]
        print("nps-wave: " + "\n".join(lines), file=sys.stderr)  # one paragraph
        return code


if __name__ == "__main__":
    sys.exit(main())
