"""Print the deck to PDF with a local Chromium, one slide per page."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

from nps_helpers.errors import NpsWorkbookError

BROWSERS = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")
#: Chromium flags for a closed network: no background requests, no first-run work.
QUIET_FLAGS = (
    "--headless",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
    "--no-pdf-header-footer",
    "--hide-scrollbars",
)


def find_browser() -> str:
    """The first Chromium-family browser on PATH."""
    for name in BROWSERS:
        found = shutil.which(name)
        if found:
            return found
    raise NpsWorkbookError(
        "no Chromium found (looked for " + ", ".join(BROWSERS) + "); install one, e.g. "
        "`apt-get install chromium`, to print the deck to PDF"
    )


def deck_to_pdf(
    deck: str | Path,
    out: str | Path | None = None,
    browser: str | None = None,
    timeout: float = 180,
) -> Path:
    """Print ``deck`` to ``out`` (default: beside it, ``deck.pdf``), one slide per page."""
    deck = Path(deck).resolve()
    if not deck.is_file():
        raise NpsWorkbookError(f"{deck}: no deck; run the wave first (nps-wave run params/...)")
    out = Path(out).resolve() if out else deck.with_suffix(".pdf")
    browser = browser or find_browser()
    args = [browser, *QUIET_FLAGS, f"--print-to-pdf={out}", "--virtual-time-budget=10000"]
    if hasattr(os, "geteuid") and os.geteuid() == 0:
        args.append("--no-sandbox")  # Chromium refuses to run as root with its sandbox
    args.append(deck.as_uri() + "?print")
    try:
        proc = subprocess.run(
            args,
            capture_output=True,
            text=True,
            timeout=timeout,
            env={**os.environ, "HOME": os.environ.get("HOME", "/tmp")},
        )
    except subprocess.TimeoutExpired:
        raise NpsWorkbookError(
            f"{browser} did not finish printing {deck} in {timeout:.0f} s"
        ) from None
    if proc.returncode != 0 or not out.is_file():
        last = (proc.stderr.strip().splitlines() or ["no message"])[-1]
        raise NpsWorkbookError(f"{browser} could not print {deck}: {last}")
    return out
