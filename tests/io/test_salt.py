"""The project's salt: random at the first run, kept, recorded as the old one for a
project with history, and never in an output."""

import json
import os
import stat

import pytest

from nps_helpers.errors import ParamsError
from nps_helpers.io.salt import LEGACY_SALT, SALT_FILE, project_salt


def test_a_new_project_gets_a_random_salt_kept_private_and_ignored(tmp_path):
    salt, said = project_salt(tmp_path, tmp_path / "data" / "processed" / "history")
    assert len(salt) == 64 and salt != LEGACY_SALT and SALT_FILE in said
    path = tmp_path / SALT_FILE
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600
    assert json.loads(path.read_text())["salt"] == salt
    assert SALT_FILE in (tmp_path / ".gitignore").read_text().splitlines()
    again, said_again = project_salt(tmp_path, tmp_path / "history")
    assert again == salt and said_again is None, "made once, then kept"
    other, _ = project_salt(tmp_path / "other", tmp_path / "other" / "history")
    assert other != salt, "each project its own"


def test_a_project_with_history_keeps_the_salt_its_ids_were_hashed_with(tmp_path):
    history = tmp_path / "data" / "processed" / "history"
    (history / "wave_id=2026-H1").mkdir(parents=True)
    (tmp_path / ".gitignore").write_text(".venv/\n")
    salt, said = project_salt(tmp_path, history)
    assert salt == LEGACY_SALT and "history" in said
    assert "old shared salt" in json.loads((tmp_path / SALT_FILE).read_text())["why"]
    assert (tmp_path / ".gitignore").read_text().splitlines() == [".venv/", SALT_FILE]


def test_an_empty_salt_file_stops_with_what_to_do(tmp_path):
    (tmp_path / SALT_FILE).write_text("{}")
    with pytest.raises(ParamsError, match=r"\.nps-salt: holds no salt; restore it"):
        project_salt(tmp_path, tmp_path / "history")
