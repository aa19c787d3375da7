import hashlib

import pandas as pd

from nps_helpers.demo.comments import THEMES
from nps_helpers.demo.company import generate_demo
from nps_helpers.io.exports import read_qualtrics


def digest(files):
    return {f.name: hashlib.sha256(f.read_bytes()).hexdigest() for f in files}


def test_same_seed_same_bytes(tmp_path):
    a = generate_demo(tmp_path / "a", seed=11, n_accounts=40)
    b = generate_demo(tmp_path / "b", seed=11, n_accounts=40)
    for wave in a:
        assert digest(a[wave]) == digest(b[wave])


def test_other_seed_other_data(tmp_path):
    a = generate_demo(tmp_path / "a", seed=11, n_accounts=40)
    b = generate_demo(tmp_path / "b", seed=12, n_accounts=40)
    assert digest(a["2026-H1"]) != digest(b["2026-H1"])


def test_qualtrics_shape(small_project):
    path = small_project / "data" / "raw" / "2026-H1" / "survey_export.csv"
    raw = path.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf"), "Qualtrics exports are UTF-8 with BOM"
    lines = raw.decode("utf-8-sig").splitlines()
    assert lines[0].startswith("StartDate,EndDate,Status")
    assert "How likely are you to recommend Northwind Systems" in lines[1]
    assert lines[2].startswith('"{""ImportId""')


def test_accounts_and_invitations(small_project):
    raw = small_project / "data" / "raw" / "2026-H2"
    accounts = pd.read_csv(raw / "accounts.csv")
    assert len(accounts) == 60
    assert set(accounts["tier"]) <= {"small", "key", "premium"}
    assert accounts["account_id"].is_unique
    assert (accounts["arr"] > 0).all()
    # heavy tail: the top fifth of accounts holds well over half of revenue
    top = accounts["arr"].sort_values(ascending=False).head(len(accounts) // 5).sum()
    assert top / accounts["arr"].sum() > 0.5
    inv = pd.read_csv(raw / "invitations.csv")
    per_account = inv.groupby("account_id").size()
    tiers = accounts.set_index("account_id")["tier"]
    mean_by_tier = per_account.groupby(tiers.reindex(per_account.index)).mean()
    assert mean_by_tier["premium"] > mean_by_tier["small"]
    assert {"Decision Maker", "End User"} <= set(inv["role"])
    assert inv["bounced"].any()


def test_dirt_is_there(small_project):
    raw = read_qualtrics(small_project / "data" / "raw" / "2026-H2" / "survey_export.csv").data
    assert (raw["Status"] == "Survey Preview").sum() >= 3
    real = raw[raw["Status"] == "IP Address"]
    assert real["ExternalReference"].duplicated().any(), "duplicate submissions"
    assert (real["Finished"] == "False").any(), "partial responses"
    assert (real["Q1"] == "").any(), "blank scores"
    scores = pd.to_numeric(real["Q1"], errors="coerce")
    assert (scores > 10).any(), "out-of-range scores"
    accounts = pd.read_csv(small_project / "data" / "raw" / "2026-H2" / "accounts.csv")
    assert (~real["account_id"].isin(accounts["account_id"])).any(), "unknown account"
    assert (real["Q2"] == "").any(), "empty comments"


def test_scores_depend_on_tier_role_and_comment(tmp_path):
    generate_demo(tmp_path, n_accounts=400)
    frames = []
    for wave in ("2026-H1", "2026-H2"):
        raw = read_qualtrics(tmp_path / "data" / "raw" / wave / "survey_export.csv").data
        acc = pd.read_csv(tmp_path / "data" / "raw" / wave / "accounts.csv")
        raw = raw[(raw["Status"] == "IP Address") & (raw["Finished"] == "True")]
        raw = raw.assign(score=pd.to_numeric(raw["Q1"], errors="coerce"))
        raw = raw[raw["score"].between(0, 10)].merge(acc, on="account_id")
        frames.append(raw)
    data = pd.concat(frames)
    by_tier = data.groupby("tier")["score"].mean()
    assert by_tier["premium"] > by_tier["small"] + 0.3
    by_role = data.groupby("role")["score"].mean()
    assert by_role["End User"] > by_role["Decision Maker"]
    implementation = next(t for t in THEMES if t.name == "implementation")
    complaint = (
        data["Q2"]
        .str.lower()
        .str.contains("|".join(p.lower()[:25] for p in implementation.negative), regex=True)
    )
    assert data.loc[complaint, "score"].mean() < data.loc[~complaint, "score"].mean() - 1
    # varied wording: many distinct comments, some with typos or lower case
    comments = data["Q2"][data["Q2"].str.len() > 10]
    assert comments.nunique() > 0.5 * len(comments)
