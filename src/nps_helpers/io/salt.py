"""The project's salt for respondent ids hashed from e-mails.

A respondent without a contact id is followed across waves by a hash of their e-mail.
With a salt everyone knows, anyone with a list of candidate e-mails can find who said
what; so each project makes its own random salt at its first run and keeps it in
``.nps-salt`` at the project root (git-ignored, readable by its owner only, never
written into any output). A project that already has a history from before keeps the
salt its respondent ids were hashed with (:data:`LEGACY_SALT`), so ids and cross-wave
comparisons stay stable; the file says so.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import secrets
from pathlib import Path

from nps_helpers.errors import ParamsError

#: The salt file, at the project root.
SALT_FILE = ".nps-salt"
#: The salt every project shared before each project had its own.
LEGACY_SALT = "nps-workbook"


def _has_history(history_dir: Path) -> bool:
    return history_dir.is_dir() and any(
        p.name.startswith("wave_id=") for p in history_dir.iterdir()
    )


def _ignored(root: Path) -> None:
    """Add the salt file to the project's .gitignore (made when there is none)."""
    ignore = root / ".gitignore"
    lines = ignore.read_text(encoding="utf-8").splitlines() if ignore.is_file() else []
    if SALT_FILE not in (line.strip() for line in lines):
        lines.append(SALT_FILE)
        ignore.write_text("\n".join(lines) + "\n", encoding="utf-8")


def project_salt(root: str | Path, history_dir: str | Path) -> tuple[str, str | None]:
    """The project's salt, made on first use; and a line to say when it was just made.

    Parameters
    ----------
    root
        The project root (the folder that holds ``params/``).
    history_dir
        The project's history of waves: when it holds a wave and there is no salt file
        yet, the salt is :data:`LEGACY_SALT`, recorded, so existing ids stay valid.

    Raises
    ------
    ParamsError
        When the salt file exists but holds no salt.
    """
    root = Path(root)
    path = root / SALT_FILE
    if path.is_file():
        try:
            salt = json.loads(path.read_text(encoding="utf-8"))["salt"]
        except (ValueError, KeyError, TypeError):
            salt = None
        if not isinstance(salt, str) or not salt:
            raise ParamsError(
                f"{path}: holds no salt; restore it from a backup (respondent ids hashed from "
                "e-mails depend on it), or delete it to make a new one (ids then change)"
            )
        return salt, None
    if _has_history(Path(history_dir)):
        salt = LEGACY_SALT
        why = "kept: the project's history was hashed with the workbook's old shared salt"
        said = (
            f"respondent ids: {SALT_FILE} records the old shared salt this project's history "
            "was hashed with, so its ids stay the same"
        )
    else:
        salt = secrets.token_hex(32)
        why = "made at random at the project's first run"
        said = f"respondent ids: a random salt for this project was made in {SALT_FILE}"
    record = {"salt": salt, "made": dt.datetime.now(dt.UTC).isoformat(timespec="seconds")}
    record["why"] = why
    root.mkdir(parents=True, exist_ok=True)
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:  # another run made it meanwhile: use theirs
        return project_salt(root, history_dir)
    with os.fdopen(fd, "w", encoding="utf-8") as f:
        f.write(json.dumps(record, indent=2) + "\n")
    _ignored(root)
    return salt, said
