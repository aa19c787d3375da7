import json

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from nps_helpers import store
from nps_helpers.coverage import response_rate, response_rate_by
from nps_helpers.errors import NpsWorkbookError
from nps_helpers.params import load_params


def test_write_and_read_wave(project, cleaned):
    p = load_params(project / "params" / "2026-H2.yaml")
    paths = store.write_wave(
        p, cleaned.responses, cleaned.rejected, {"rows_in": 1, "x": p.field_start}
    )
    assert {k: v.name for k, v in paths.items()} == {
        "responses": "responses.parquet",
        "rejected": "rejected.csv",
        "quality": "quality.json",
    }
    back = store.read_responses(p)
    pd.testing.assert_frame_equal(back, cleaned.responses, check_categorical=False)
    assert store.read_quality(p)["x"] == str(p.field_start)
    assert store.has_wave(p, "2026-H2") and not store.has_wave(p, "2026-H1")
    assert not list(p.processed_dir.glob(".*tmp")), "no temporary files left behind"
    with pytest.raises(NpsWorkbookError, match="2026-H1"):
        store.read_responses(p, "2026-H1")


def test_failed_write_keeps_last_good_file(project, cleaned):
    p = load_params(project / "params" / "2026-H2.yaml")
    store.write_wave(p, cleaned.responses, cleaned.rejected, {"good": True})

    class Boom:
        def __str__(self):
            raise RuntimeError("disk full")

    with pytest.raises(RuntimeError):
        store.write_wave(p, cleaned.responses, cleaned.rejected, {"bad": Boom()})
    assert json.loads((p.processed_dir / "quality.json").read_text())["good"] is True
    assert not list(p.processed_dir.glob(".*tmp"))


def test_response_rate():
    inv = pd.DataFrame({"contact_id": ["a", "b", "c", "d"], "bounced": [False, False, True, False]})
    got = response_rate(pd.DataFrame({"respondent_id": ["a", "c", "z"]}), inv)
    assert got == dict(invited=4, bounced=1, reached=3, responded=1, rate=pytest.approx(100 / 3))


def test_response_rate_by_segment_and_target():
    from nps_helpers.coverage import response_rate_by

    inv = pd.DataFrame(
        {
            "contact_id": list("abcdef"),
            "tier": ["key"] * 3 + ["small"] * 3,
            "bounced": [False, False, True, False, False, False],
        }
    )
    got = response_rate_by(
        pd.DataFrame({"respondent_id": ["a", "b", "d"]}), inv, "tier", target=50
    ).set_index("tier")
    # key: 3 invited, 1 bounced, 2 reached, 2 answered -> 100%; small: 1 of 3 -> 33%
    assert got.loc["key", ["invited", "bounced", "reached", "responded"]].tolist() == [3, 1, 2, 2]
    assert got.loc["key", "rate"] == 100 and not got.loc["key", "below_target"]
    assert got.loc["small", "rate"] == pytest.approx(100 / 3) and got.loc["small", "below_target"]


def test_invitation_segments_maps_roles_and_joins_accounts():
    from nps_helpers.coverage import invitation_segments

    inv = pd.DataFrame(
        {
            "contact_id": ["a", "b"],
            "account_id": ["A1", "A2"],
            "role": ["End User", "CFO"],
            "bounced": [False, False],
        }
    )
    acc = pd.DataFrame({"account_id": ["A1", "A2"], "tier": ["key", "small"]})
    got = invitation_segments(inv, acc, {"End User": "user"})
    assert got["role"].tolist() == ["user", "other"] and got["tier"].tolist() == ["key", "small"]


def test_account_coverage_by_hand():
    from nps_helpers.coverage import account_coverage

    acc = pd.DataFrame(
        {
            "account_id": ["A", "B", "C", "D"],
            "tier": ["key", "key", "small", "premium"],
            "arr": [100.0, 300.0, 50.0, 550.0],
        }
    )
    inv = pd.DataFrame({"account_id": ["A", "B", "C"], "contact_id": ["a", "b", "c"]})
    resp = pd.DataFrame({"account_id": ["A", "A", "C"], "role": ["decision_maker", "user", "user"]})
    got = account_coverage(resp, acc, inv, ["key", "premium"])
    # base: invited accounts A, B, C (D was not invited); answered A and C
    assert got["accounts"] == 3 and got["accounts_responded"] == 2
    assert got["account_coverage"] == pytest.approx(200 / 3)
    assert (got["key_accounts"], got["key_accounts_with_dm"]) == (2, 1)
    assert got["key_dm_coverage"] == 50
    assert (got["arr_total"], got["arr_covered"]) == (450, 150)
    assert got["revenue_coverage"] == pytest.approx(100 / 3)
    everyone = account_coverage(resp, acc, None, ["key", "premium"])
    assert everyone["accounts"] == 4


def test_load_wave(project):
    from nps_helpers import clean, history, ingest

    for wave in ("2026-H1", "2026-H2"):
        p = load_params(project / "params" / f"{wave}.yaml")
        raw = ingest.read_export(p.path(p.inputs.export))
        res = clean.clean_responses(raw, ingest.read_accounts(p.path(p.inputs.accounts)), p)
        store.write_wave(p, res.responses, res.rejected, res.quality)
        history.write_wave(res.responses, p.history_dir, wave, p.field_start, p.field_end)
    data = store.load_wave(p)
    assert data.previous_wave == "2026-H1"
    assert len(data.previous) == len(store.read_responses(p, "2026-H1"))
    assert list(data.history["wave_id"].cat.categories) == ["2026-H1", "2026-H2"]
    # the wave itself comes from its processed responses, as the stored history has it
    pd.testing.assert_frame_equal(data.history, history.read_history(p.history_dir, upto=wave))
    first = store.load_wave(load_params(project / "params" / "2026-H1.yaml"))
    assert first.previous is None
    pd.testing.assert_frame_equal(
        first.history, history.read_history(p.history_dir, upto="2026-H1")
    )
    assert list(data.invitations["tier"].cat.categories) == ["small", "key", "premium"]


def _csv_like_pandas(frame, tmp_path):
    """What store.write_csv wrote and what pandas would have, both read back."""
    fast = store.write_csv(frame, tmp_path / "fast.csv")
    frame.to_csv(tmp_path / "pandas.csv", index=False)
    read = dict(dtype=str, keep_default_na=False)
    return pd.read_csv(fast, **read), pd.read_csv(tmp_path / "pandas.csv", **read)


def test_write_csv_reads_back_like_pandas(tmp_path):
    frame = pd.DataFrame(
        {
            "text, with comma": ["plain", 'say "hi"', "line\nbreak", None, "Tomás ; é", ""],
            "tier": pd.Categorical(["key", "small", None, "key", "premium", "small"]),
            "score": pd.array([10, 0, None, 7, 8, 9], dtype="Int8"),
            "arr": [1.5, 2.0, None, 1e6, 0.25, 3.0],
            "when": pd.to_datetime(
                [
                    "2026-01-02",
                    None,
                    "2026-03-04 05:06:07",
                    "2026-01-02",
                    "2026-01-02",
                    "2026-01-02",
                ],
                format="ISO8601",
            ),
            "day": [pd.Timestamp("2027-03-27").date()] * 6,
        }
    )
    fast, slow = _csv_like_pandas(frame, tmp_path)
    assert list(fast.columns) == list(slow.columns) == list(frame.columns)
    for col in ["text, with comma", "tier", "score", "when", "day"]:
        assert fast[col].tolist() == slow[col].tolist(), col
    # numbers are the same numbers (Arrow writes 2 where pandas writes 2.0)
    assert pd.to_numeric(fast["arr"]).equals(pd.to_numeric(slow["arr"]))
    assert (tmp_path / "fast.csv").read_text(encoding="utf-8").startswith('"text, with comma",tier')


def test_write_csv_falls_back_to_pandas_for_mixed_columns(tmp_path):
    mixed = pd.DataFrame({"raw": ["a", 1, 2.5, None], "reason": ["x", "y", "z", "w"]})
    fast, slow = _csv_like_pandas(mixed, tmp_path)
    pd.testing.assert_frame_equal(fast, slow)
    twice = pd.DataFrame([[1, 2]], columns=["a", "a"])
    fast, slow = _csv_like_pandas(twice, tmp_path)
    pd.testing.assert_frame_equal(fast, slow)


@settings(max_examples=60, deadline=None)
@given(st.lists(st.tuples(st.text(max_size=12), st.none() | st.text(max_size=12)), max_size=20))
def test_write_csv_round_trips_any_text(tmp_path_factory, rows):
    tmp = tmp_path_factory.mktemp("csv")
    frame = pd.DataFrame(rows, columns=["a", "b"], dtype=object)
    frame = frame.map(lambda v: v.replace("\r", "") if isinstance(v, str) else v)
    fast, slow = _csv_like_pandas(frame, tmp)
    pd.testing.assert_frame_equal(fast, slow)


def _rate_by_reference(responses, invitations, by, target):
    """response_rate_by as first written: the whole list deduplicated, a set lookup."""
    keys = [] if by is None else ([by] if isinstance(by, str) else list(by))
    inv = invitations.drop_duplicates("contact_id")
    answered = inv["contact_id"].isin(set(responses["respondent_id"]))
    frame = pd.DataFrame(
        {
            "invited": 1,
            "bounced": inv["bounced"].astype(int),
            "reached": (~inv["bounced"]).astype(int),
            "responded": (answered & ~inv["bounced"]).astype(int),
        },
        index=inv.index,
    )
    if keys:
        frame = pd.concat([inv[keys], frame], axis=1)
        out = frame.groupby(keys, observed=True, dropna=False).sum().reset_index()
    else:
        out = frame.sum().to_frame().T
    with np.errstate(invalid="ignore", divide="ignore"):
        out["rate"] = out["responded"] / out["reached"].replace(0, np.nan) * 100
    out["below_target"] = (out["rate"] < target) if target is not None else False
    return out


@settings(max_examples=40, deadline=None)
@given(
    invited=st.lists(
        st.tuples(
            st.sampled_from(["c1", "c2", "c3", "c4", "c5", "c6"]),
            st.booleans(),
            st.sampled_from(["key", "small", None]),
            st.sampled_from(["a", "b"]),
        ),
        min_size=1,
        max_size=25,
    ),
    answered=st.lists(st.sampled_from(["c1", "c2", "c3", "c9"]), unique=True),
    by=st.sampled_from([None, "tier", "owner", ["tier", "owner"], "contact_id"]),
)
def test_response_rate_by_is_the_reference(invited, answered, by):
    """Each contact counted once (its first invitation), whatever the segment."""
    invitations = pd.DataFrame(invited, columns=["contact_id", "bounced", "tier", "owner"])
    invitations.index = invitations.index * 3 + 1
    responses = pd.DataFrame({"respondent_id": answered}, dtype=object)
    pd.testing.assert_frame_equal(
        response_rate_by(responses, invitations, by, 40.0),
        _rate_by_reference(responses, invitations, by, 40.0),
        check_exact=True,
    )
