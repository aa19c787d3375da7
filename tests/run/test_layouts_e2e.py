"""Every export layout, from the export alone to a deck: `nps-wave init` then `nps-wave run`
on the layout fixtures of tests/data/exports/ (their README names the public file whose
layout each follows). The fixtures hold 10-15 responses, so the wave asks for 5."""

from __future__ import annotations

import sys
from pathlib import Path

import pandas as pd
import pytest

from nps_helpers.params import load_params
from nps_helpers.run.cli import main

EXPORTS = Path(__file__).resolve().parents[1] / "data" / "exports"
FIXTURES = sorted(p for p in EXPORTS.iterdir() if p.suffix in (".csv", ".tsv", ".txt"))
pytestmark = pytest.mark.e2e


def test_every_layout_has_a_fixture():
    from nps_helpers.io.exports import names

    found = {load_layout(p) for p in FIXTURES}
    assert set(names()) <= found


def load_layout(path: Path) -> str:
    from nps_helpers.io.exports import read_export

    return read_export(path).format


@pytest.mark.parametrize("export", FIXTURES, ids=lambda p: p.name)
def test_init_then_run_makes_a_deck_from_the_export_alone(export, tmp_path, capsys):
    assert main(["check", str(export)]) == 0
    said = capsys.readouterr().out
    assert f"Format:   {load_layout(export)}" in said and "Run:" in said
    wave = export.stem.replace("_", "-")
    assert main(["init", str(export), "--wave", wave, "--root", str(tmp_path)]) == 0
    params_file = tmp_path / "params" / f"{wave}.yaml"
    params = load_params(params_file)
    assert params.inputs.accounts is None and params.inputs.export.parent.name == wave
    params_file.write_text(
        params_file.read_text(encoding="utf-8") + "min_responses: 5\n", encoding="utf-8"
    )
    assert main(["run", str(params_file)]) == 0, capsys.readouterr().err
    deck = tmp_path / "reports" / wave / "deck.html"
    text = deck.read_text(encoding="utf-8")
    assert "needs the account master" in text, "the CRM slides say which file adds them"
    quality = (tmp_path / "data" / "processed" / wave / "quality.json").read_text()
    assert '"rows_in"' in quality
    print(export.name, file=sys.stderr)


TIERS = ("Key Account", "Strategic", "SMB")  # CRM labels that init maps by a guess


def crm_for(export: Path, folder: Path) -> tuple[tuple[Path, Path], str | None]:
    """An account master and an invitation list that fit the export: the accounts its
    account column names (ids or names; SurveyMonkey's "Custom Data" carries ids), else
    accounts reached through the invitation list by the contact ids or e-mails the export
    carries. Returns the two files and how responses will find their accounts (None:
    nothing in the export links them, as in an anonymous form)."""
    from nps_helpers.io.exports import read_export
    from nps_helpers.prepare.columns import detect_columns
    from nps_helpers.prepare.values import stripped_text

    raw = read_export(export)
    picked, _ = detect_columns(raw)
    custom = [c for c in raw.columns if c.startswith("Custom Data")]
    if not picked.get("account_id") and custom and (raw.data[custom[0]] != "").any():
        picked["account_id"] = custom[0]

    def values(name):
        column = picked.get(name)
        if not column:
            return None
        found = stripped_text(raw.data[column])
        return None if found.str.casefold().isin({"", "anonymous"}).all() else found

    account, contact, email = values("account_id"), values("contact_id"), values("email")
    people = pd.DataFrame(index=raw.data.index)
    if account is not None:
        named = sorted(set(account) - {""})
        is_id = all(any(ch.isdigit() for ch in v) for v in named)
        ids = {v: (v if is_id else f"A{i:03d}") for i, v in enumerate(named)}
        people["account_id"] = account.map(ids).fillna("")
        names = {i: (f"Account {n}" if is_id else v) for n, (v, i) in enumerate(ids.items())}
        link = "account " + ("ids" if is_id else "names")
    elif contact is not None or email is not None:
        people["account_id"] = [f"A{i % 4:03d}" for i in range(len(people))]
        names = {f"A{i:03d}": f"Account {i}" for i in range(4)}
        link = "invitation list"
    else:
        names = {f"A{i:03d}": f"Account {i}" for i in range(3)}
        people["account_id"] = "A000"
        link = None
    for name, found in (("contact_id", contact), ("email", email)):
        if found is not None:
            people[name] = found
    if "contact_id" not in people or (people["contact_id"] == "").any():
        people["contact_id"] = [f"C{n}" for n in range(len(people))]
    people["bounced"] = "false"
    accounts = pd.DataFrame(
        [
            {
                "account_id": i,
                "account_name": name,
                "tier": TIERS[n % 3],
                "industry": ("Retail", "Banking")[n % 2],
                "region": "EMEA",
                "arr": 10_000 * (n + 1),
                "owner": f"Owner {n % 2}",
                "renewal_date": "2026-05-01",
            }
            for n, (i, name) in enumerate(names.items())
        ]
    )
    folder.mkdir(parents=True, exist_ok=True)
    paths = folder / "accounts.csv", folder / "invitations.csv"
    accounts.to_csv(paths[0], index=False)
    people.to_csv(paths[1], index=False)
    return paths, link


@pytest.mark.parametrize("export", FIXTURES, ids=lambda p: p.name)
def test_init_then_run_with_crm_files(export, tmp_path, capsys):
    """With the account master and invitation list: init maps the CRM tiers and says how
    responses find their accounts; run makes a deck with the revenue and coverage figures.
    An export that carries nothing to link (an anonymous form) is refused by run in one
    sentence that names the export and what to do."""
    (accounts, invitations), link = crm_for(export, tmp_path / "crm")
    wave = export.stem.replace("_", "-")
    argv = ["init", str(export), "--wave", wave, "--root", str(tmp_path / "project")]
    assert main([*argv, "--accounts", str(accounts), "--invitations", str(invitations)]) == 0
    said = capsys.readouterr().out
    params_file = tmp_path / "project" / "params" / f"{wave}.yaml"
    text = params_file.read_text(encoding="utf-8")
    assert "Key Account: key" in text and "Strategic: key" in text and "SMB: small" in text
    params_file.write_text(text + "min_responses: 5\n", encoding="utf-8")
    code = main(["run", str(params_file)])
    err = capsys.readouterr().err
    if link is None:
        assert "run will refuse" in said
        assert code != 0
        refusal = [line for line in err.splitlines() if "no column links" in line]
        assert len(refusal) == 1, err
        assert str(export.name) in refusal[0] and "columns: account_id" in refusal[0]
        return
    assert "find their account" in said and "run will refuse" not in said
    assert code == 0, err
    deck = (tmp_path / "project" / "reports" / wave / "deck.html").read_text(encoding="utf-8")
    assert "needs the account master" not in deck, link
    assert "needs the invitation list" not in deck
    assert "Response rate" in deck and "revenue-weighted" in deck.lower()
