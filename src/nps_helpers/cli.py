"""``nps-wave``: run a survey wave, make the demo data, list waves.

Errors the analyst can fix are shown as one paragraph with exit code 1 (a wave that
failed) or 2 (wrong arguments or parameters); no traceback.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from nps_helpers.errors import NpsWorkbookError, ParamsError


def _cmd_run(args: argparse.Namespace) -> int:
    from nps_helpers.runner import display_path, run_wave

    deck = run_wave(args.params, notebooks_dir=args.notebooks)
    print(f"Deck: {display_path(deck)}")
    return 0


def _demo_present(root: Path) -> bool:
    from nps_helpers.demo import DEMO_WAVES

    return all((root / "data" / "raw" / w / "survey_export.csv").is_file() for w in DEMO_WAVES)


def _cmd_demo_data(args: argparse.Namespace) -> int:
    from nps_helpers.demo import generate_demo

    root = Path(args.root)
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
    from nps_helpers.demo import DEMO_WAVES, generate_demo
    from nps_helpers.runner import display_path, run_wave

    root = Path(args.root)
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
    from nps_helpers.params import load_params

    root = Path(args.root)
    files = sorted((root / "params").glob("*.yaml"))
    rows = []
    for f in files:
        try:
            p = load_params(f)
        except ParamsError:
            continue
        processed = (p.processed_dir / "responses.parquet").is_file()
        deck = (p.reports_dir / "deck.html").is_file()
        rows.append(
            f"{p.wave_id:<12} {f}  processed: {'yes' if processed else 'no':<3}  "
            f"deck: {p.reports_dir / 'deck.html' if deck else 'no'}"
        )
    print("\n".join(rows) if rows else f"No wave params in {root / 'params'}")
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="nps-wave", description="Run B2B NPS survey waves from raw export to leadership deck."
    )
    sub = parser.add_subparsers(dest="command", required=True)
    run = sub.add_parser("run", help="clean, validate and report one wave; render its deck")
    run.add_argument("params", help="the wave's parameters, params/<wave>.yaml")
    run.add_argument("--notebooks", help="folder of the wave notebooks (default: notebooks/)")
    run.set_defaults(func=_cmd_run)
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


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    if getattr(args, "seed", 0) is None:
        from nps_helpers.demo import DEMO_SEED

        args.seed = DEMO_SEED
    try:
        return args.func(args)
    except ParamsError as exc:
        print(f"nps-wave: {exc}", file=sys.stderr)
        return 2
    except NpsWorkbookError as exc:
        print(f"nps-wave: {exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("nps-wave: interrupted", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())
