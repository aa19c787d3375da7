import datetime as dt

import numpy as np
import pandas as pd
from hypothesis import given, settings
from hypothesis import strategies as st

from nps_helpers import followup, themes


def responses():
    rows = [  # account, tier, arr, renewal, owner, respondent, role, score, comment
        (
            "A",
            "key",
            1000.0,
            "2027-06-01",
            "Olga",
            "c1",
            "decision_maker",
            2,
            "the helpdesk ignores every ticket",
        ),
        ("A", "key", 1000.0, "2027-06-01", "Olga", "c2", "user", 10, "great support"),
        ("B", "small", 50.0, "2026-11-20", "Ben", "c3", "user", 3, "too expensive"),
        ("C", "small", 9000.0, "2028-01-01", "Ben", "c4", "user", 5, ""),
        ("D", "premium", 500.0, "2027-09-01", "Olga", "c5", "user", 1, "bugs everywhere"),
        ("E", "small", 10.0, "2027-01-01", "Ben", "c6", "user", 8, "fine, could be cheaper"),
        ("F", "small", 20.0, "2027-01-01", "Ben", "c7", "user", 9, "love the product"),
        ("G", "small", 30.0, "2027-01-01", "Ben", "c8", "user", 10, ""),
    ]
    frame = pd.DataFrame(
        rows,
        columns=[
            "account_id",
            "tier",
            "arr",
            "renewal_date",
            "owner",
            "respondent_id",
            "role",
            "score",
            "comment",
        ],
    )
    frame["account_name"] = "Acc " + frame["account_id"]
    frame["response_id"] = "r" + frame["respondent_id"]
    frame["category"] = np.select(
        [frame.score >= 9, frame.score >= 7], ["promoter", "passive"], "detractor"
    )
    return frame


def test_detractor_calls_order():
    r = responses()
    calls = followup.detractor_calls(
        r, themes.analyse(r["comment"]), ["key", "premium"], dt.date(2026, 10, 31), 182
    )
    # A: key account, its decision-maker detracts -> first; B renews in 20 days -> next;
    # then by revenue: C (9000) before D (500; premium but its detractor is a user)
    assert calls["respondent_id"].tolist() == ["c1", "c3", "c4", "c5"]
    assert calls["priority"].tolist() == [1, 2, 3, 3]
    assert calls.loc[0, "themes"] == "support -"
    assert "email" not in calls.columns


def test_promoters_passives_and_who_is_out():
    r = responses()
    assert followup.promoter_list(r)["respondent_id"].tolist() == ["c2", "c8", "c7"]
    assert followup.passive_list(r)["respondent_id"].tolist() == ["c6"]


def test_interview_sample_is_seeded():
    r = responses()
    a = followup.interview_sample(r, n_promoters=1, seed=3)
    b = followup.interview_sample(r, n_promoters=1, seed=3)
    pd.testing.assert_frame_equal(a, b)
    detractors = a[a["reason"] == "detractor with a comment"]
    assert set(detractors["respondent_id"]) == {"c1", "c3", "c5"}, "c4 left no comment"
    promoters = a[a["reason"] == "random promoter"]
    assert len(promoters) == 1 and promoters["respondent_id"].iloc[0] in {"c2", "c7"}
    seeds = {followup.interview_sample(r, 1, seed=s).iloc[-1]["respondent_id"] for s in range(20)}
    assert seeds == {"c2", "c7"}, "only promoters who commented, when there are enough"


def test_reminders_and_owner_rates():
    r = responses()
    inv = pd.DataFrame(
        {
            "contact_id": ["c1", "c3", "x1", "x2", "x3"],
            "account_id": ["A", "B", "A", "B", "B"],
            "owner": ["Olga", "Ben", "Olga", "Ben", "Ben"],
            "bounced": [False, False, False, True, False],
            "email": ["a@x", "b@x", "c@x", "d@x", "e@x"],
        }
    )
    rem = followup.reminder_list(inv, r)
    assert rem["contact_id"].tolist() == ["x3", "x1"], "not answered, not bounced, by owner"
    rates = followup.owner_response_rates(inv, r, target=60).set_index("owner")
    assert rates.loc["Olga", "rate"] == 50 and rates.loc["Ben", "rate"] == 50
    assert rates["below_target"].all()


def test_personal_columns_only_when_allowed():
    frame = pd.DataFrame({"respondent_id": ["c1"], "email": ["old"]})
    inv = pd.DataFrame({"contact_id": ["c1"], "email": ["c1@x.example"]})
    assert "email" not in followup.personal_columns(frame, inv, False).columns
    assert followup.personal_columns(frame, inv, True)["email"].tolist() == ["c1@x.example"]


def test_thank_you_and_call_summary():
    r = responses()
    themed = themes.analyse(r["comment"])
    note = followup.thank_you_note(themes.theme_table(r, themed), "Acme", "2026-H2", len(r))
    assert note.startswith("# You said, we did — 2026-H2")
    assert "## Support" in note and "*We did:* [describe the change" in note
    summary = followup.call_summary(r).set_index("owner")
    assert summary.loc["Olga", "detractors"] == 2 and summary.loc["Olga", "decision_makers"] == 1
    assert summary.loc["All owners", "detractors"] == 4


def test_lists_share_one_labelling():
    r = responses()
    labelled = followup._base(r, themes.analyse(r["comment"]))
    assert labelled.loc[0, "themes"] == "support -"
    calls = followup.detractor_calls(labelled, None, ["key"], dt.date(2026, 10, 31))
    assert calls.loc[calls["respondent_id"] == "c1", "themes"].item() == "support -"
    assert followup.promoter_list(r)["themes"].eq("").all(), "no themes given, none made up"


def demo_wave(project):
    """A small demo wave's params, clean responses, their themes and the invitation
    list with each contact's account owner."""
    from nps_helpers import clean, ingest
    from nps_helpers.params import load_params

    params = load_params(project / "params" / "2026-H2.yaml")
    raw = ingest.read_qualtrics(params.path(params.inputs.export))
    accounts = ingest.read_accounts(params.path(params.inputs.accounts))
    invitations = ingest.read_invitations(params.path(params.inputs.invitations))
    r = clean.clean_responses(raw, accounts, params, invitations).responses
    invitations = invitations.merge(accounts[["account_id", "owner"]], on="account_id")
    return params, r, themes.analyse(r["comment"]), invitations


def test_write_followup_owner_workbooks(project):
    """Each owner's workbook has every list, only that owner's rows, and the rows of all
    owners add up to the wave's lists."""
    params, r, themed, invitations = demo_wave(project)
    written = followup.write_followup(params, r, themed, invitations, themes.theme_table(r, themed))
    books = sorted(written["owners"].glob("*.xlsx"))
    assert len(books) == r["owner"].nunique() > 1
    totals = dict.fromkeys(written["counts"], 0)
    for book in books:
        sheets = pd.read_excel(book, sheet_name=None)
        assert list(sheets) == [
            "detractor_calls",
            "promoters",
            "passives",
            "interviews",
            "reminders",
            "owner_response_rates",
        ]
        owners = pd.concat([s["owner"] for s in sheets.values() if len(s)]).unique()
        assert len(owners) == 1, book
        for name, sheet in sheets.items():
            totals[name] += len(sheet)
    for name in ("detractor_calls", "promoters", "passives", "interviews", "reminders"):
        assert totals[name] == written["counts"][name], name
    assert written["counts"]["detractor_calls"] == (r["category"] == "detractor").sum()


def test_owner_with_only_reminders_gets_a_workbook(tmp_path):
    """An owner none of whose contacts answered still gets the reminders to chase; the
    counts reach ``on_counts`` before the files are written, into ``out``."""
    from types import SimpleNamespace

    r = responses()
    themed = themes.analyse(r["comment"])
    invitations = pd.DataFrame(
        {
            "contact_id": ["c1", "c3", "x1", "x2"],
            "account_id": ["A", "B", "H", "H"],
            "account_name": ["Acc A", "Acc B", "Acc H", "Acc H"],
            "owner": ["Olga", "Ben", "Zoe", "Zoe"],
            "tier": "small",
            "first_name": "F",
            "last_name": "L",
            "role": "user",
            "email": "a@b.c",
            "invited_at": "2026-10-01",
            "bounced": [False, False, False, True],
        }
    )
    params = SimpleNamespace(
        key_tiers=("key",),
        field_end=dt.date(2026, 11, 1),
        renewal_horizon_days=182,
        interview_promoters=2,
        followup_seed=1,
        followup_include_email=False,
        response_rate_target=30,
        company="Co",
        title="Wave",
        reports_dir=tmp_path / "unused",
    )
    seen = {}

    def on_counts(counts):
        seen.update(counts)
        assert not (tmp_path / "lists" / "reminders.csv").exists(), "counts come first"

    written = followup.write_followup(
        params, r, themed, invitations, themes.theme_table(r, themed), tmp_path / "lists", on_counts
    )
    assert seen == {k: v for k, v in written["counts"].items()}
    assert not (tmp_path / "unused").exists()
    books = {p.stem for p in (tmp_path / "lists" / "owners").glob("*.xlsx")}
    assert books == {"olga", "ben", "zoe"}
    zoe = pd.read_excel(tmp_path / "lists" / "owners" / "zoe.xlsx", sheet_name=None)
    assert zoe["reminders"]["contact_id"].tolist() == ["x1"]  # x2 bounced
    assert len(zoe["detractor_calls"]) == 0


def test_positions_by_groups_rows_in_order():
    values = pd.Series(["b", None, "a", "b", np.nan, "a", "b"], dtype=object)
    got = followup._positions_by(values)
    assert {k: v.tolist() for k, v in got.items()} == {"b": [0, 3, 6], "a": [2, 5]}
    assert followup._positions_by(pd.Series([], dtype=object)) == {}


def _labels_row_by_row(themed) -> list[str]:
    out = []
    for i in range(len(themed.tags)):
        parts = []
        for name in themed.themes:
            label = themed.label(name).iloc[i]
            if label:
                parts.append(f"{name} {label}")
        out.append(", ".join(parts))
    return out


@settings(max_examples=60, deadline=None)
@given(
    polarity=st.lists(
        st.lists(st.one_of(st.none(), st.floats(-1, 1, allow_nan=False)), min_size=1, max_size=5),
        min_size=0,
        max_size=25,
    ).filter(lambda rows: len({len(r) for r in rows}) <= 1),
    many=st.booleans(),
)
def test_theme_labels_match_a_row_by_row_reading(polarity, many):
    """Coded by pattern (and with more than 31 themes, by sorted rows), the labels are
    what reading each response theme by theme gives."""
    width = len(polarity[0]) if polarity else 2
    names = [f"t{j}" for j in range(width)]
    frame = pd.DataFrame(
        [[np.nan if v is None else v for v in row] for row in polarity],
        columns=names,
        index=pd.RangeIndex(len(polarity)) + 7,
        dtype=float,
    )
    if many:  # 40 themes: past what one int64 pattern code holds
        extra = pd.DataFrame(np.nan, index=frame.index, columns=[f"x{j}" for j in range(40)])
        frame = pd.concat([frame, extra], axis=1)
    themed = themes.ThemedComments(
        tags=frame.notna(), polarity=frame, sentiment=pd.Series(0.0, index=frame.index), codebook={}
    )
    got = followup.theme_labels(themed)
    assert got.index.equals(frame.index)
    assert got.tolist() == _labels_row_by_row(themed)


@settings(max_examples=100, deadline=None)
@given(st.lists(st.integers(0, 50), max_size=20), st.integers(1, 60))
def test_batches_keep_order_and_limit(sizes, limit):
    items = [f"o{i}" for i in range(len(sizes))]
    batches = followup._batches(items, sizes, limit)
    assert [i for b in batches for i in b] == items
    size = dict(zip(items, sizes, strict=True))
    for b in batches:
        assert b and (len(b) == 1 or sum(size[i] for i in b) <= limit)
    for a, b in zip(batches, batches[1:], strict=False):  # a batch is cut only when full
        assert sum(size[i] for i in a) + size[b[0]] > limit


def test_owner_workbooks_do_not_depend_on_batching(project, monkeypatch, tmp_path):
    """Whether the owners' lists become cell XML together or one owner at a time, each
    owner's workbook holds the same rows."""
    params, r, themed, invitations = demo_wave(project)
    table = themes.theme_table(r, themed)
    books = {}
    for limit in (10**9, 1):
        monkeypatch.setattr(followup, "OWNER_BATCH_ROWS", limit)
        out = followup.write_followup(params, r, themed, invitations, table, tmp_path / str(limit))
        books[limit] = {
            p.name: pd.read_excel(p, sheet_name=None) for p in sorted(out["owners"].glob("*.xlsx"))
        }
    assert books[1].keys() == books[10**9].keys() and len(books[1]) > 1
    for name, sheets in books[1].items():
        for sheet, frame in sheets.items():
            pd.testing.assert_frame_equal(frame, books[10**9][name][sheet], obj=f"{name}/{sheet}")
