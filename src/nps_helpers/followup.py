"""Closing the loop: who to call, by account owner."""

from __future__ import annotations

import pandas as pd


def call_summary(responses: pd.DataFrame) -> pd.DataFrame:
    """Detractors to call back, per account owner.

    Returns
    -------
    DataFrame
        owner, detractors, decision_makers (detractors who are decision-makers),
        accounts (accounts with a detractor), arr (annual revenue of those accounts);
        largest revenue first, with a final ``All owners`` row.
    """
    det = responses[responses["category"].astype(str) == "detractor"]
    if det.empty:
        return pd.DataFrame(columns=["owner", "detractors", "decision_makers", "accounts", "arr"])
    det = det.assign(
        owner=det["owner"].astype(str), dm=(det["role"].astype(str) == "decision_maker").astype(int)
    )
    per_account = det.drop_duplicates("account_id")[["owner", "account_id", "arr"]]
    out = det.groupby("owner").agg(
        detractors=("response_id", "size"), decision_makers=("dm", "sum")
    )
    acc = per_account.groupby("owner").agg(accounts=("account_id", "size"), arr=("arr", "sum"))
    out = out.join(acc).reset_index().sort_values(["arr", "owner"], ascending=[False, True])
    total = pd.DataFrame(
        [
            {
                "owner": "All owners",
                "detractors": int(out["detractors"].sum()),
                "decision_makers": int(out["decision_makers"].sum()),
                "accounts": int(out["accounts"].sum()),
                "arr": out["arr"].sum(),
            }
        ]
    )
    return pd.concat([out, total], ignore_index=True)
