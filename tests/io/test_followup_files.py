"""The follow-up files: a CSV per list, one XLSX per owner, the note (io.followup_files)."""

import datetime as dt
from types import SimpleNamespace

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from nps_helpers import followup
from nps_helpers.followup import FollowupLists
from nps_helpers.io import followup_files
from nps_helpers.io.files import FORMULA_START, formula_safe
from nps_helpers.io.followup_files import (
    HEADERS,
    SLUG_CHARS,
    _batches,
    _positions_by,
    _slug,
    owner_files,
    write_followup,
)
from nps_helpers.text import themes
from test_followup import responses

SHEETS = [
    "detractor_calls",
    "promoters",
    "passives",
    "interviews",
    "reminders",
    "owner_response_rates",
]


def demo_wave(project):
    """A small demo wave's params, clean responses, their themes and the invitation
    list with each contact's account owner."""
    from nps_helpers.io import crm, exports
    from nps_helpers.params import load_params
    from nps_helpers.prepare import clean

    params = load_params(project / "params" / "2026-H2.yaml")
    raw = exports.read_qualtrics(params.path(params.inputs.export))
    accounts = crm.read_accounts(params.path(params.inputs.accounts))
    invitations = crm.read_invitations(params.path(params.inputs.invitations))
    r = clean.clean_responses(raw, accounts, params, invitations).responses
    invitations = invitations.merge(accounts[["account_id", "owner"]], on="account_id")
    return params, r, themes.analyse(r["comment"]), invitations


def demo_lists(project) -> tuple[pd.DataFrame, FollowupLists]:
    params, r, themed, invitations = demo_wave(project)
    built = followup.build_lists(params, r, themed, invitations, themes.theme_table(r, themed))
    return r, built


def test_write_followup_owner_workbooks(project, tmp_path):
    """Each owner's workbook has every list, only that owner's rows, and the rows of all
    owners add up to the wave's lists."""
    r, built = demo_lists(project)
    written = write_followup(built.lists, built.owners, built.note, tmp_path / "followup")
    books = sorted(written["owners"].glob("*.xlsx"))
    assert len(books) == r["owner"].nunique() > 1
    totals = dict.fromkeys(built.counts, 0)
    for book in books:
        sheets = pd.read_excel(book, sheet_name=None)
        assert list(sheets) == SHEETS
        owners = pd.concat([s["Account owner"] for s in sheets.values() if len(s)]).unique()
        assert len(owners) == 1, book
        for name, sheet in sheets.items():
            totals[name] += len(sheet)
    for name in ("detractor_calls", "promoters", "passives", "interviews", "reminders"):
        assert totals[name] == built.counts[name], name
    assert built.counts["detractor_calls"] == (r["category"] == "detractor").sum()


def test_owner_with_only_reminders_gets_a_workbook(tmp_path):
    """An owner none of whose contacts answered still gets the reminders to chase; the
    counts are known before a file is written, and the files go into ``out``."""
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
    built = followup.build_lists(params, r, themed, invitations, themes.theme_table(r, themed))
    assert built.counts["reminders"] == 1 and not list(tmp_path.iterdir()), "counts come first"
    written = write_followup(built.lists, built.owners, built.note, tmp_path / "lists")
    assert not (tmp_path / "unused").exists()
    files = owner_files(["Olga", "Ben", "Zoe"])
    books = {p.name for p in (tmp_path / "lists" / "owners").glob("*.xlsx")}
    assert books == set(files.values())
    zoe = pd.read_excel(tmp_path / "lists" / "owners" / files["Zoe"], sheet_name=None)
    assert zoe["reminders"]["Contact ID"].tolist() == ["x1"]  # x2 bounced
    assert len(zoe["detractor_calls"]) == 0
    assert written["reminders"] == tmp_path / "lists" / "reminders.csv"


def hand_lists() -> FollowupLists:
    calls = pd.DataFrame(
        {
            "priority": [1, 3, 3],
            "owner": ["Ann Lee", "Bo", None],
            "respondent_id": ["c1", "c2", "c3"],
            "comment": ["=cmd|' /C calc'!A0", "slow, and buggy", ""],
        }
    )
    promoters = pd.DataFrame({"owner": ["Bo"], "respondent_id": ["c4"]})
    long_name = "a_list_whose_name_is_longer_than_excel_allows"
    rates = pd.DataFrame({"segment": ["all"], "rate": [50.0]})  # no owner: CSV only
    return FollowupLists(
        lists={
            "detractor_calls": calls,
            "promoters": promoters,
            long_name: promoters,
            "rates": rates,
        },
        counts={"detractor_calls": 3, "promoters": 1, long_name: 1, "rates": 1},
        note="# You said, we did — W\n\n*We did:* [describe]\n",
        owners=["Bo", "Ann Lee", "Cy"],
    )


def test_write_followup_files_per_list_and_owner(tmp_path):
    lists = hand_lists()
    written = write_followup(lists.lists, lists.owners, lists.note, tmp_path / "out")
    out = tmp_path / "out"
    assert written == {
        "detractor_calls": out / "detractor_calls.csv",
        "promoters": out / "promoters.csv",
        "a_list_whose_name_is_longer_than_excel_allows": out
        / "a_list_whose_name_is_longer_than_excel_allows.csv",
        "rates": out / "rates.csv",
        "owners": out / "owners",
        "thank_you": out / "thank_you.md",
    }
    for name, frame in lists.lists.items():
        back = pd.read_csv(written[name], keep_default_na=False, dtype=str)
        assert list(back.columns) == [HEADERS.get(c, c.capitalize()) for c in frame.columns]
        want = frame.fillna("").astype(str)
        if name == "detractor_calls":  # the formula is text: a leading '
            want.loc[0, "comment"] = "'=cmd|' /C calc'!A0"
        assert back.values.tolist() == want.values.tolist(), name
    # one workbook per owner of FollowupLists.owners, even one with no rows (Cy)
    files = owner_files(lists.owners)
    assert {p.name for p in (out / "owners").glob("*.xlsx")} == set(files.values())
    bo = pd.read_excel(out / "owners" / files["Bo"], sheet_name=None)
    assert list(bo) == ["detractor_calls", "promoters", "a_list_whose_name_is_longer_tha"]
    assert bo["detractor_calls"]["Respondent ID"].tolist() == ["c2"]
    assert bo["promoters"]["Respondent ID"].tolist() == ["c4"]
    ann = pd.read_excel(out / "owners" / files["Ann Lee"], sheet_name=None)
    assert ann["detractor_calls"]["Comment"].tolist() == ["=cmd|' /C calc'!A0"], "text as text"
    assert len(ann["promoters"]) == 0
    cy = pd.read_excel(out / "owners" / files["Cy"], sheet_name=None)
    assert all(len(sheet) == 0 for sheet in cy.values())
    assert "c3" not in {  # a row with no owner is in the CSV, in no workbook
        rid for book in (bo, ann, cy) for rid in book["detractor_calls"]["Respondent ID"].tolist()
    }
    assert (out / "thank_you.md").read_text(encoding="utf-8") == lists.note
    html = (out / "thank_you.html").read_text(encoding="utf-8")
    assert html.startswith("<!DOCTYPE html>") and "<meta charset='utf-8'>" in html
    assert "<h1>You said, we did — W</h1>" in html and "<em>We did:</em>" in html
    assert "default-src 'none'" in html, "the page may load nothing"


def test_thank_you_page_shows_markup_from_params_as_text(tmp_path):
    note = (
        "# You said, we did — <script>alert(1)</script>\n\n"
        "[x](javascript:alert(1)) <img src=x onerror=alert(2)>\n"
    )
    write_followup({}, [], note, tmp_path)
    html = (tmp_path / "thank_you.html").read_text(encoding="utf-8")
    assert "<script>" not in html and "<img" not in html and "javascript:" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html


@pytest.mark.parametrize("start", ["=", "+", "-", "@", "\t", "\r"])
def test_formula_safe_prefixes_text_that_starts_like_a_formula(start):
    frame = pd.DataFrame(
        {
            "comment": [f'{start}HYPERLINK("http://x")', "fine = good", None],
            "score": [-1, 2, 3],
            "role": pd.Categorical([f"{start}cmd", "user", "user"]),
        }
    )
    safe = formula_safe(frame)
    assert safe["comment"].tolist()[:2] == [f'\'{start}HYPERLINK("http://x")', "fine = good"]
    assert pd.isna(safe["comment"].iloc[2])
    assert safe["score"].tolist() == [-1, 2, 3], "numbers are not text"
    assert safe["role"].tolist()[0] == f"'{start}cmd"
    assert frame["comment"].iloc[0].startswith(start), "the input is not changed"


@given(st.lists(st.text(max_size=8), max_size=20))
def test_formula_safe_leaves_no_cell_that_starts_like_a_formula(cells):
    safe = formula_safe(pd.DataFrame({"c": pd.Series(cells, dtype=object)}))
    for before, after in zip(cells, safe["c"], strict=True):
        assert not after.startswith(FORMULA_START)
        assert after == (f"'{before}" if before.startswith(FORMULA_START) else before)


def test_write_followup_again_replaces_the_files(tmp_path):
    lists = hand_lists()
    write_followup(lists.lists, lists.owners, lists.note, tmp_path)
    lists.lists["promoters"] = lists.lists["promoters"].iloc[:0]
    lists.note = "# Second\n"
    write_followup(lists.lists, lists.owners, lists.note, tmp_path)
    assert pd.read_csv(tmp_path / "promoters.csv").empty
    assert (tmp_path / "thank_you.md").read_text(encoding="utf-8") == "# Second\n"
    bo = tmp_path / "owners" / owner_files(["Bo"])["Bo"]
    assert len(pd.read_excel(bo, sheet_name="promoters")) == 0


def test_slug():
    assert _slug("Ann Lee") == "ann-lee"
    assert _slug("  José O'Neil & Co. ") == "josé-o-neil-co"
    assert _slug("Иван Петров") == "иван-петров" and _slug("王伟") == "王伟"
    assert _slug("") == "owner" and _slug("!!!") == "owner"
    assert _slug(42) == "42"
    assert len(_slug("x" * 330)) == SLUG_CHARS


def test_positions_by_groups_rows_in_order():
    values = pd.Series(["b", None, "a", "b", np.nan, "a", "b"], dtype=object)
    got = _positions_by(values)
    assert {k: v.tolist() for k, v in got.items()} == {"b": [0, 3, 6], "a": [2, 5]}
    assert _positions_by(pd.Series([], dtype=object)) == {}


@settings(max_examples=100, deadline=None)
@given(st.lists(st.integers(0, 50), max_size=20), st.integers(1, 60))
def test_batches_keep_order_and_limit(sizes, limit):
    items = [f"o{i}" for i in range(len(sizes))]
    batches = _batches(items, sizes, limit)
    assert [i for b in batches for i in b] == items
    size = dict(zip(items, sizes, strict=True))
    for b in batches:
        assert b and (len(b) == 1 or sum(size[i] for i in b) <= limit)
    for a, b in zip(batches, batches[1:], strict=False):  # a batch is cut only when full
        assert sum(size[i] for i in a) + size[b[0]] > limit


def test_owner_workbooks_do_not_depend_on_batching(project, monkeypatch, tmp_path):
    """Whether the owners' lists become cell XML together or one owner at a time, each
    owner's workbook holds the same rows."""
    _, built = demo_lists(project)
    books = {}
    for limit in (10**9, 1):
        monkeypatch.setattr(followup_files, "OWNER_BATCH_ROWS", limit)
        out = write_followup(built.lists, built.owners, built.note, tmp_path / str(limit))
        books[limit] = {
            p.name: pd.read_excel(p, sheet_name=None) for p in sorted(out["owners"].glob("*.xlsx"))
        }
    assert books[1].keys() == books[10**9].keys() and len(books[1]) > 1
    for name, sheets in books[1].items():
        for sheet, frame in sheets.items():
            pd.testing.assert_frame_equal(frame, books[10**9][name][sheet], obj=f"{name}/{sheet}")


def test_owners_whose_names_give_one_file_name_each_get_a_workbook(tmp_path):
    """12 owners whose names share slugs, scripts with no Latin letter, a 330-character
    name: 12 workbooks, each with its owner's rows."""
    from nps_helpers.io.followup_files import owner_files

    owners = [
        "Ann-Lee",
        "Ann Lee",
        "ann lee",
        "ANN LEE",
        "Bo",
        "Bö",
        "Иван Петров",
        "Иван-Петров",
        "王伟",
        "李娜",
        "محمد",
        "x" * 330,
    ]
    files = owner_files(owners)
    assert len(set(files.values())) == len(owners)
    assert files["Ann Lee"].startswith("ann-lee-") and files["王伟"].startswith("王伟-")
    assert all(len(f) <= SLUG_CHARS + 20 for f in files.values())
    assert owner_files(reversed(owners)) == files, "the same names on every run"
    frame = pd.DataFrame({"owner": owners, "respondent_id": [f"r{i}" for i in range(12)]})
    write_followup({"calls": frame}, owners, "# note\n", tmp_path)
    assert len(list((tmp_path / "owners").glob("*.xlsx"))) == 12
    for i, owner in enumerate(owners):
        book = pd.read_excel(tmp_path / "owners" / files[owner])
        assert book["Respondent ID"].tolist() == [f"r{i}"], owner
