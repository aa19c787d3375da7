"""Every export layout, from the export alone to a deck: `nps-wave init` then `nps-wave run`
on the layout fixtures of tests/data/exports/ (their README names the public file whose
layout each follows). The fixtures hold 10-15 responses, so the wave asks for 5."""

from __future__ import annotations

import sys
from pathlib import Path

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
