"""The closed-loop lists, built from the wave's frames (followup: pure, no files)."""

import datetime as dt
from types import SimpleNamespace

import numpy as np
import pandas as pd
from hypothesis import given, settings
from hypothesis import strategies as st

from nps_helpers import followup
from nps_helpers.text import themes


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
    assert calls.loc[0, "themes"] == "support (complaint)"
    assert "email" not in calls.columns


def test_detractor_calls_without_a_date_to_count_renewals_from():
    r = responses()
    calls = followup.detractor_calls(r, themes.analyse(r["comment"]), ["key", "premium"], None)
    # no renewal counts as soon: the key account first, then by revenue
    assert calls["respondent_id"].tolist() == ["c1", "c4", "c5", "c3"]  # C 9000, D 500, B 50
    assert calls["priority"].tolist() == [1, 3, 3, 3]
    assert calls["days_to_renewal"].isna().all()


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


def test_reminders_and_owner_rates_of_a_minimal_list():
    """Issue 21: a list of only contact_id, account_id, bounced; with its accounts'
    owners joined, or without (then one ``(no owner)`` row)."""
    r = responses()
    inv = pd.DataFrame(
        {
            "contact_id": ["c1", "c3", "x1", "x2", "x3"],
            "account_id": ["A", "B", "A", "B", "B"],
            "bounced": [False, False, False, True, False],
        }
    )
    rem = followup.reminder_list(inv, r)
    assert list(rem.columns) == ["account_id", "contact_id"]
    assert rem["contact_id"].tolist() == ["x1", "x3"]
    rates = followup.owner_response_rates(inv, r)
    assert rates["owner"].tolist() == ["(no owner)"]
    # 4 reached (x2 bounced), 2 answered (c1, c3)
    assert rates[["invited", "reached", "responded", "rate"]].values.tolist() == [[5, 4, 2, 50.0]]
    joined = inv.assign(owner=["Olga", "Ben", "Olga", None, "Ben"])
    by_owner = followup.owner_response_rates(joined, r).set_index("owner")
    assert by_owner["reached"].to_dict() == {"Ben": 2, "Olga": 2, "(no owner)": 0}


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
    assert labelled.loc[0, "themes"] == "support (complaint)"
    calls = followup.detractor_calls(labelled, None, ["key"], dt.date(2026, 10, 31))
    assert calls.loc[calls["respondent_id"] == "c1", "themes"].item() == "support (complaint)"
    assert followup.promoter_list(r)["themes"].eq("").all(), "no themes given, none made up"


def _labels_row_by_row(themed) -> list[str]:
    out = []
    for i in range(len(themed.tags)):
        parts = []
        for name in themed.themes:
            label = themed.label(name).iloc[i]
            said = {"+": " (praise)", "-": " (complaint)", "0": ""}
            if label:
                parts.append(f"{name.replace('_', ' ')}{said[label]}")
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


def test_category_list_and_call_summary_without_detractors():
    r = responses()
    passives = followup.category_list(r, "passive", themes.analyse(r["comment"]))
    assert passives["respondent_id"].tolist() == ["c6"]
    assert list(passives.columns) == followup.LIST_COLUMNS
    assert passives.loc[0, "themes"] != "", "themes labelled when given"
    happy = r[r["category"] != "detractor"]
    summary = followup.call_summary(happy)
    assert summary.empty
    assert list(summary.columns) == ["owner", "detractors", "decision_makers", "accounts", "arr"]


def invitations():
    return pd.DataFrame(
        {
            "contact_id": ["c1", "c3", "x1", "x2"],
            "account_id": ["A", "B", "H", "H"],
            "account_name": ["Acc A", "Acc B", "Acc H", "Acc H"],
            "owner": ["Olga", "Ben", "Zoe", "Zoe"],
            "tier": "small",
            "first_name": "F",
            "last_name": "L",
            "role": "user",
            "email": ["c1@x.example", "c3@x.example", "x1@x.example", "x2@x.example"],
            "invited_at": "2026-10-01",
            "bounced": [False, False, False, True],
        }
    )


def params(include_email=False):
    return SimpleNamespace(
        key_tiers=("key", "premium"),
        field_end=dt.date(2026, 10, 31),
        renewal_horizon_days=182,
        interview_promoters=1,
        followup_seed=3,
        followup_include_email=include_email,
        response_rate_target=60,
        company="Acme",
        title="2026-H2",
    )


def test_build_lists_with_an_invitation_list():
    r = responses()
    themed = themes.analyse(r["comment"])
    by_theme = themes.theme_table(r, themed)
    built = followup.build_lists(params(), r, themed, invitations(), by_theme)
    assert list(built.lists) == [
        "detractor_calls",
        "promoters",
        "passives",
        "interviews",
        "reminders",
        "owner_response_rates",
    ]
    assert built.counts == {
        **{name: len(frame) for name, frame in built.lists.items()},
        "top_priority_calls": 1,  # A: key account whose decision-maker detracts
    }
    calls = built.lists["detractor_calls"]
    assert calls["respondent_id"].tolist() == ["c1", "c3", "c4", "c5"]
    assert calls.loc[0, "themes"] == "support (complaint)", "the lists carry the themes"
    assert built.lists["reminders"]["contact_id"].tolist() == ["x1"], "x2 bounced"
    assert all("email" not in frame.columns for frame in built.lists.values())
    # Zoe has no responses, only a contact to remind: she still gets a workbook
    assert built.owners == ["Ben", "Olga", "Zoe"]
    assert built.note == followup.thank_you_note(by_theme, "Acme", "2026-H2", len(r))
    interviews = built.lists["interviews"]
    assert (
        interviews.columns.get_loc("contact_name")
        == interviews.columns.get_loc("respondent_id") + 1
    ), "the contact's name beside the id"
    pd.testing.assert_frame_equal(
        interviews.drop(columns="contact_name"),
        followup.interview_sample(r, 1, seed=3, themed=themed),
    )
    assert calls["contact_name"].tolist() == ["F L", "F L", "", ""], "c4, c5 were not invited"
    assert built.lists["reminders"]["invited_at"].tolist() == [dt.date(2026, 10, 1)]
    rates = built.lists["owner_response_rates"]["rate"]
    assert (rates == rates.round(1)).all()


def test_contact_names_and_personal_columns():
    inv = pd.DataFrame(
        {
            "contact_id": ["c1", "c2", "c3"],
            "first_name": ["Ana", None, ""],
            "last_name": ["Silva", "Ng", ""],
            "email": ["ana@x.example", "ng@x.example", ""],
        }
    )
    assert followup.contact_names(inv).to_dict() == {"c1": "Ana Silva", "c2": "Ng"}
    assert followup.contact_names(inv.drop(columns=["first_name", "last_name"])) is None
    assert followup.contact_names(None) is None
    frame = pd.DataFrame({"respondent_id": ["c2", "zz"], "score": [3, 4], "email": ["old", "x"]})
    plain = followup.personal_columns(frame, inv, include_email=False)
    assert list(plain.columns) == ["respondent_id", "contact_name", "score"]
    assert plain["contact_name"].tolist() == ["Ng", ""]
    mailed = followup.personal_columns(frame, inv, include_email=True)
    assert mailed["email"].tolist() == ["ng@x.example", ""]


def test_build_lists_with_a_minimal_invitation_list():
    """Issue 21: the report's frame of a minimal list: its accounts' columns, no role,
    name, e-mail or invitation date; e-mails asked for but not there are not made up."""
    r = responses()
    themed = themes.analyse(r["comment"])
    inv = invitations()[["contact_id", "account_id", "bounced", "account_name", "owner", "tier"]]
    built = followup.build_lists(params(True), r, themed, inv, themes.theme_table(r, themed))
    reminders = built.lists["reminders"]
    assert list(reminders.columns) == ["owner", "account_id", "account_name", "tier", "contact_id"]
    assert reminders["contact_id"].tolist() == ["x1"]
    assert built.lists["owner_response_rates"].set_index("owner")["reached"].to_dict() == {
        "Ben": 1,
        "Olga": 1,
        "Zoe": 1,
    }
    assert all("email" not in frame.columns for frame in built.lists.values())
    assert built.owners == ["Ben", "Olga", "Zoe"]


def test_build_lists_emails_only_when_allowed_and_without_invitations():
    r = responses()
    themed = themes.analyse(r["comment"])
    by_theme = themes.theme_table(r, themed)
    built = followup.build_lists(params(include_email=True), r, themed, invitations(), by_theme)
    calls = built.lists["detractor_calls"].set_index("respondent_id")
    assert calls.loc["c1", "email"] == "c1@x.example" and calls.loc["c4", "email"] == ""
    assert built.lists["reminders"]["email"].tolist() == ["x1@x.example"]
    bare = followup.build_lists(params(include_email=True), r, themed, None, by_theme)
    assert list(bare.lists) == ["detractor_calls", "promoters", "passives", "interviews"]
    assert "email" not in bare.lists["detractor_calls"].columns, "no list, no e-mails"
    assert bare.owners == ["Ben", "Olga"]
    assert bare.counts["top_priority_calls"] == 1


def export_only_responses() -> pd.DataFrame:
    """The hand responses of an export-only wave: no account master (empty account
    attributes, no account column), the export's plan."""
    r = responses()
    return r.assign(
        account_id="",
        account_name=None,
        tier=None,
        arr=float("nan"),
        renewal_date=None,
        owner=None,
        plan=["Pro", "Pro", "Starter", "Pro", "Starter", "Pro", "Starter", "Pro"],
    )


def test_by_respondent_leaves_out_empty_account_columns_and_adds_the_exports_own():
    r = export_only_responses()
    calls = followup.detractor_calls(r, as_of=dt.date(2026, 10, 31))
    out = followup.by_respondent(calls, r, ["plan", "nowhere"])
    assert list(out.columns) == [
        "priority",
        "respondent_id",
        "plan",
        "role",
        "score",
        "category",
        "comment",
        "themes",
    ]
    assert out["respondent_id"].tolist() == ["c1", "c3", "c4", "c5"]
    assert out["plan"].tolist() == ["Pro", "Starter", "Pro", "Starter"]
    named = r.assign(account_id=["A"] * 8)
    kept = followup.by_respondent(followup.promoter_list(named), named, [])
    assert "account_id" in kept.columns and "arr" not in kept.columns


def test_build_lists_of_an_export_only_wave_are_by_respondent():
    r = export_only_responses()
    themed = themes.analyse(r["comment"])
    p = params()
    p.columns = SimpleNamespace(extra={"plan": "Plan"})
    built = followup.build_lists(p, r, themed, None, themes.theme_table(r, themed))
    assert built.owners == [], "no owner workbooks without an account master"
    for frame in built.lists.values():
        assert not {"account_id", "tier", "arr", "owner"} & set(frame.columns)
        assert "plan" in frame.columns
    assert built.lists["detractor_calls"]["respondent_id"].tolist() == ["c1", "c3", "c4", "c5"]
    assert built.counts["detractor_calls"] == 4 and built.counts["top_priority_calls"] == 0


def test_scrub_comments_for_account_teams():
    inv = pd.DataFrame(
        {"contact_id": ["c1"], "email": ["ana@x.example"], "phone": ["+44 20 7946 0001"]}
    )
    frame = pd.DataFrame(
        {
            "respondent_id": ["c1", "c9"],
            "comment": [
                "reach me at ana@x.example or +44 20 7946 0001, my boss is bo@x.example",
                "card 4111 1111 1111 1111 charged twice, see ticket #48213",
            ],
        }
    )
    kept = followup.scrub_comments(frame, inv, keep_own=True)["comment"].tolist()
    assert kept[0] == "reach me at ana@x.example or +44 20 7946 0001, my boss is [email]"
    assert kept[1] == "card [card] charged twice, see ticket #48213"
    hidden = followup.scrub_comments(frame, inv, keep_own=False)["comment"].tolist()
    assert "ana@x.example" not in hidden[0] and "[phone]" in hidden[0]
    assert followup.scrub_comments(frame, None, True)["comment"][0].count("[email]") == 2
    assert frame["comment"][1].startswith("card 4111"), "the input is not changed"
