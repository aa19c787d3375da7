"""Response rate: who was invited, who could be reached, who answered."""

from __future__ import annotations

import pandas as pd


def response_rate(responses: pd.DataFrame, invitations: pd.DataFrame) -> dict[str, float]:
    """Invited, bounced, reached (invited and not bounced), responded, and the rate.

    ``responded`` counts the invited contacts with a kept response (a respondent is a
    contact id); the rate is responded / reached, in percent.

    Examples
    --------
    >>> inv = pd.DataFrame({"contact_id": ["a", "b", "c"], "bounced": [False, False, True]})
    >>> response_rate(pd.DataFrame({"respondent_id": ["a"]}), inv)["rate"]
    50.0
    """
    invited = int(invitations["contact_id"].nunique())
    bounced = int(invitations.loc[invitations["bounced"], "contact_id"].nunique())
    reached_ids = invitations.loc[~invitations["bounced"], "contact_id"]
    reached = int(reached_ids.nunique())
    responded = int(reached_ids[reached_ids.isin(responses["respondent_id"])].nunique())
    rate = responded / reached * 100 if reached else float("nan")
    return dict(invited=invited, bounced=bounced, reached=reached, responded=responded, rate=rate)
