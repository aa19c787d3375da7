import math

import pandas as pd

from nps_helpers.scoring import nps_by
from nps_helpers.tables import (
    fmt_int,
    fmt_nps,
    fmt_pct,
    kpi_cards,
    nps_table,
    show_html,
    styled_table,
)


def test_formats():
    assert fmt_nps(12.4) == "+12" and fmt_nps(-3.6) == "-4" and fmt_nps(0.2) == "0"
    assert fmt_nps(float("nan")) == "–" and fmt_nps(None) == "–"
    assert fmt_pct(42.35) == "42%" and fmt_pct(42.35, 1) == "42.4%" and fmt_pct(math.nan) == "–"
    assert fmt_int(1234) == "1,234" and fmt_int(None) == "–"


def test_styled_table_escapes_and_is_deterministic():
    frame = pd.DataFrame({"comment": ["<script>alert(1)</script>", "a & b"], "n": [1, 2]})
    html = styled_table(frame, caption="<b>x</b>", numeric=["n"])
    assert "<script>" not in html and "&lt;script&gt;" in html and "&amp;" in html
    assert "&lt;b&gt;x&lt;/b&gt;" in html
    assert '<td class="num">2</td>' in html
    assert html == styled_table(frame, caption="<b>x</b>", numeric=["n"])


def test_nps_table_suppression_text():
    frame = pd.DataFrame({"tier": ["key"] * 5 + ["small"], "score": [10, 10, 9, 2, 7, 9]})
    shown = nps_table(nps_by(frame, "tier", min_n=5), "tier")
    assert shown["Tier"].tolist() == ["key", "small"]
    assert shown.loc[0, "NPS"] == "+40"
    assert shown.loc[1, "95% interval"] == "too few to report" and shown.loc[1, "NPS"] == "–"


def test_kpi_cards_escape():
    html = kpi_cards({"NPS <x>": ("+5", "n = 3")})
    assert "NPS &lt;x&gt;" in html and 'class="kpi-value">+5<' in html


def test_show_html_displays(capsys):
    show_html("<p>hi</p>")  # outside a kernel IPython prints the repr; it must not raise
