"""All waves in one partitioned store (io.history)."""

import datetime as dt
import hashlib
import json

import pandas as pd
import pytest

from nps_helpers.io import history


def wave(seed: int, n: int = 40) -> pd.DataFrame:
    rng = pd.Series(range(n))
    return pd.DataFrame(
        {
            "wave_id": f"w{seed}",
            "response_id": [f"r{seed}-{i}" for i in range(n)],
            "tier": pd.Categorical(["key", "small"] * (n // 2), categories=["small", "key"]),
            "score": pd.array(((rng * (seed + 3)) % 11).tolist(), dtype="Int8"),
        }
    )


def digest(folder):
    return {
        p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


def test_write_read_and_order(tmp_path):
    history.write_wave(wave(2), tmp_path, "2026-H2", dt.date(2026, 10, 1), dt.date(2026, 10, 31))
    history.write_wave(wave(1), tmp_path, "2026-H1", dt.date(2026, 4, 1), dt.date(2026, 4, 30))
    assert history.wave_order(tmp_path) == ["2026-H1", "2026-H2"], "by field dates"
    frame = history.read_history(tmp_path)
    assert list(frame["wave_id"].cat.categories) == ["2026-H1", "2026-H2"]
    assert len(frame) == 80
    only_first = history.read_history(tmp_path, upto="2026-H1")
    assert set(only_first["wave_id"]) == {"2026-H1"}
    with pytest.raises(KeyError):
        history.read_history(tmp_path, upto="2027-Q1")
    assert history.read_history(tmp_path / "none").empty


def test_rerun_replaces_and_leaves_history_identical(tmp_path):
    args = (dt.date(2026, 4, 1), dt.date(2026, 4, 30))
    history.write_wave(wave(1), tmp_path, "2026-H1", *args)
    history.write_wave(wave(2), tmp_path, "2026-H2", dt.date(2026, 10, 1), dt.date(2026, 10, 31))
    before = digest(tmp_path)
    history.write_wave(wave(1), tmp_path, "2026-H1", *args)
    assert digest(tmp_path) == before, "a second run of a wave leaves the history identical"
    history.write_wave(wave(5, n=10), tmp_path, "2026-H1", *args)
    frame = history.read_history(tmp_path)
    assert (frame["wave_id"] == "2026-H1").sum() == 10, "replaced, never duplicated"
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".")]


def test_crash_while_writing_keeps_last_good_state(tmp_path, monkeypatch):
    args = (dt.date(2026, 4, 1), dt.date(2026, 4, 30))
    history.write_wave(wave(1), tmp_path, "2026-H1", *args)
    before = digest(tmp_path)

    def boom(*a, **k):
        raise OSError("disk full")

    monkeypatch.setattr(pd.DataFrame, "to_parquet", boom)
    with pytest.raises(OSError):
        history.write_wave(wave(3), tmp_path, "2026-H1", *args)
    assert digest(tmp_path) == before
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".")]


def test_manifest_holds_field_dates_and_counts(tmp_path):
    assert history.read_manifest(tmp_path) == {} and history.wave_order(tmp_path) == []
    history.write_wave(wave(2, n=6), tmp_path, "B", dt.date(2026, 4, 1), dt.date(2026, 4, 30))
    history.write_wave(wave(1, n=4), tmp_path, "A", dt.date(2026, 4, 1), dt.date(2026, 4, 15))
    history.write_wave(wave(3, n=2), tmp_path, "C", dt.date(2025, 10, 1), dt.date(2025, 10, 31))
    manifest = history.read_manifest(tmp_path)
    assert list(manifest) == ["C", "A", "B"], "by field start, then by name"
    assert manifest["A"] == {"field_start": "2026-04-01", "field_end": "2026-04-15", "responses": 4}
    assert json.loads((tmp_path / "waves.json").read_text()) == manifest
    assert history.wave_order(str(tmp_path)) == ["C", "A", "B"]
    stored = pd.read_parquet(tmp_path / "wave_id=A" / "part-0.parquet")
    assert "wave_id" not in stored.columns, "the partition names the wave"


def test_read_history_columns(tmp_path):
    history.write_wave(wave(1, n=4), tmp_path, "A", dt.date(2026, 4, 1), dt.date(2026, 4, 15))
    frame = history.read_history(tmp_path, columns=["score"])
    assert list(frame.columns) == ["score", "wave_id"]
    assert frame["score"].tolist() == [0, 4, 8, 1], "score = i * 4 % 11"


def test_concurrent_writers_of_several_waves_and_readers(tmp_path):
    """Issue 23: four waves written at once (and readers of the manifest meanwhile) give
    no error, no torn manifest, and every wave once."""
    from concurrent.futures import ThreadPoolExecutor

    waves = {f"2026-Q{i}": wave(i) for i in range(1, 5)}

    def write(item):
        wave_id, frame = item
        month = int(wave_id[-1]) * 3
        for _ in range(3):
            history.write_wave(
                frame, tmp_path, wave_id, dt.date(2026, month, 1), dt.date(2026, month, 20)
            )

    def read(_):
        for _ in range(30):
            assert isinstance(history.read_manifest(tmp_path), dict)

    with ThreadPoolExecutor(8) as pool:
        futures = [pool.submit(write, item) for item in waves.items()]
        futures += [pool.submit(read, i) for i in range(4)]
        for f in futures:
            f.result()
    assert history.wave_order(tmp_path) == sorted(waves)
    assert len(history.read_history(tmp_path)) == 40 * 4
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".")]


def test_wave_order_with_a_staged_entry(tmp_path):
    history.write_wave(wave(1), tmp_path, "2026-H2", dt.date(2026, 10, 1), dt.date(2026, 10, 31))
    entry = history.manifest_entry(wave(2), dt.date(2026, 4, 1), dt.date(2026, 4, 30))
    assert history.wave_order(tmp_path, {"2026-H1": entry}) == ["2026-H1", "2026-H2"]
    assert history.wave_order(tmp_path) == ["2026-H2"], "the manifest is not changed"
    staged = history.stage_partition(wave(2), tmp_path.parent / "stage", entry)
    assert json.loads((staged / "entry.json").read_text()) == entry
