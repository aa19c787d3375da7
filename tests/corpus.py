"""A corpus of bad and odd survey exports, written by code (never edited by hand).

``python tests/corpus.py OUTDIR`` writes every case for a person to look at; the tests
(tests/test_corpus.py) write them to a temporary folder and check each one either
cleans with the right counts or fails with its clear message.
"""

from __future__ import annotations

import csv
import io
import json
import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd


@dataclass
class Case:
    """One export: how to write it, and what reading and cleaning it must give."""

    write: Callable[[Path], Path]
    expect: dict = field(default_factory=dict)  # keys of nps-wave check --json
    error: str | None = None  # regex of the one-sentence error
    options: dict = field(default_factory=dict)  # arguments of check_export


def _csv(rows: list[list[str]], delimiter: str = ",") -> str:
    buf = io.StringIO()
    csv.writer(buf, delimiter=delimiter, lineterminator="\r\n").writerows(rows)
    return buf.getvalue()


QUALTRICS_HEAD = [
    [
        "StartDate",
        "EndDate",
        "Status",
        "Progress",
        "Finished",
        "ResponseId",
        "RecipientEmail",
        "ExternalReference",
        "Q1",
        "Q1_NPS_GROUP",
        "Q2",
        "account_id",
        "role",
    ],
    [
        "Start Date",
        "End Date",
        "Response Type",
        "Progress",
        "Finished",
        "Response ID",
        "Recipient Email",
        "External Data Reference",
        "How likely are you to recommend Acme to a friend or colleague?",
        "How likely are you to recommend Acme to a friend or colleague? - Group",
        "What is the most important reason for your score?",
        "account_id",
        "role",
    ],
    [
        '{"ImportId":"startDate","timeZone":"Europe/Berlin"}',
        '{"ImportId":"endDate","timeZone":"Europe/Berlin"}',
        '{"ImportId":"status"}',
        '{"ImportId":"progress"}',
        '{"ImportId":"finished"}',
        '{"ImportId":"_recordId"}',
        '{"ImportId":"recipientEmail"}',
        '{"ImportId":"externalDataReference"}',
        '{"ImportId":"QID1"}',
        '{"ImportId":"QID1_NPS_GROUP"}',
        '{"ImportId":"QID2_TEXT"}',
        '{"ImportId":"account_id"}',
        '{"ImportId":"role"}',
    ],
]


def _qualtrics_rows() -> list[list[str]]:
    """Six rows: 3 good (one whose group disagrees), a preview, a partial, a repeat."""
    return [
        [
            "2026-10-01 09:00:00",
            "2026-10-01 09:03:00",
            "IP Address",
            "100",
            "True",
            "R_1",
            "ana@acme.example",
            "C1",
            "10",
            "Promoter",
            "Great support, merci!",
            "A1",
            "User",
        ],
        [
            "2026-10-01 10:00:00",
            "2026-10-01 10:02:00",
            "IP Address",
            "100",
            "True",
            "R_2",
            "bo@acme.example",
            "C2",
            "6",
            "Passive",
            "Billing is a mess",
            "A1",
            "Decision Maker",
        ],
        [
            "2026-09-28 08:00:00",
            "2026-09-28 08:01:00",
            "Survey Preview",
            "100",
            "True",
            "R_3",
            "",
            "",
            "9",
            "Promoter",
            "test",
            "A1",
            "User",
        ],
        [
            "2026-10-02 11:00:00",
            "2026-10-02 11:01:00",
            "IP Address",
            "40",
            "False",
            "R_4",
            "cy@acme.example",
            "C3",
            "",
            "",
            "",
            "A2",
            "User",
        ],
        [
            "2026-10-03 12:00:00",
            "2026-10-03 12:05:00",
            "IP Address",
            "100",
            "True",
            "R_5",
            "ana@acme.example",
            "C1",
            "9",
            "Promoter",
            "Still great",
            "A1",
            "User",
        ],
        [
            "2026-10-04 12:00:00",
            "2026-10-04 12:05:00",
            "IP Address",
            "100",
            "True",
            "R_6",
            "di@beta.example",
            "C4",
            "8",
            "Passive",
            "",
            "A2",
            "User",
        ],
    ]


QUALTRICS_EXPECT = dict(
    format="qualtrics",
    score_column="Q1",
    comment_column="Q2",
    rows_in=6,
    rows_kept=3,
    rows_rejected=3,
    n=3,
    rejected_by_reason={"preview_or_test": 1, "incomplete": 1, "duplicate_submission": 1},
)


def qualtrics_utf8_bom(d: Path) -> Path:
    p = d / "qualtrics.csv"
    p.write_bytes(_csv(QUALTRICS_HEAD + _qualtrics_rows()).encode("utf-8-sig"))
    return p


def qualtrics_legacy_utf16_tab(d: Path) -> Path:
    p = d / "qualtrics_legacy.csv"
    p.write_bytes(_csv(QUALTRICS_HEAD + _qualtrics_rows(), delimiter="\t").encode("utf-16"))
    return p


def qualtrics_legacy_two_header_rows(d: Path) -> Path:
    head = [list(QUALTRICS_HEAD[0]), list(QUALTRICS_HEAD[1])]
    head[0][5] = "ResponseID"
    p = d / "qualtrics_two_rows.tsv"
    p.write_bytes(_csv(head + _qualtrics_rows(), delimiter="\t").encode("utf-16"))
    return p


SM_HEAD = [
    [
        "Respondent ID",
        "Collector ID",
        "Start Date",
        "End Date",
        "Email Address",
        "Custom Data 1",
        "How likely is it that you would recommend Acme to a friend or colleague?",
        "What is the primary reason for your score?",
        "Which products do you use?",
        "",
    ],
    ["", "", "", "", "", "", "Response", "Open-Ended Response", "Platform", "Analytics"],
]
SM_ROWS = [
    [
        "1001",
        "42",
        "10/03/2026 02:11:33 PM",
        "10/03/2026 02:15:01 PM",
        "a@x.example",
        "A1",
        "9",
        "Fast and reliable",
        "Platform",
        "",
    ],
    [
        "1002",
        "42",
        "10/04/2026 09:00:00 AM",
        "10/04/2026 09:04:00 AM",
        "b@x.example",
        "A1",
        "3",
        "Too expensive",
        "Platform",
        "Analytics",
    ],
    [
        "1003",
        "42",
        "10/05/2026 09:00:00 AM",
        "10/05/2026 09:04:00 AM",
        "c@y.example",
        "A2",
        "",
        "",
        "",
        "",
    ],
    [
        "1004",
        "42",
        "10/06/2026 09:00:00 AM",
        "10/06/2026 09:04:00 AM",
        "d@y.example",
        "A2",
        "7",
        "",
        "",
        "Analytics",
    ],
]
SM_EXPECT = dict(
    format="surveymonkey",
    score_column="How likely is it that you would recommend Acme to a friend or colleague?",
    comment_column="What is the primary reason for your score?",
    rows_in=4,
    rows_kept=3,
    n=3,
    rejected_by_reason={"missing_score": 1},
)


def surveymonkey_csv(d: Path) -> Path:
    p = d / "surveymonkey.csv"
    p.write_text(_csv(SM_HEAD + SM_ROWS), encoding="utf-8")
    return p


def surveymonkey_xlsx_merged_header(d: Path) -> Path:
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    for row in SM_HEAD + SM_ROWS:
        ws.append([int(v) if v.isdigit() and len(v) <= 2 else (v or None) for v in row])
    ws.merge_cells(start_row=1, start_column=9, end_row=1, end_column=10)
    p = d / "surveymonkey.xlsx"
    wb.save(p)
    return p


def delighted_csv(d: Path) -> Path:
    p = d / "delighted.csv"
    p.write_text(
        _csv(
            [
                [
                    "Response ID",
                    "Email",
                    "Name",
                    "Score",
                    "Comment",
                    "Created At",
                    "Role",
                    "Account ID",
                ],
                ["d1", "a@x.example", "A", "10", "Love it", "2026-10-01T10:00:00Z", "user", "A1"],
                [
                    "d2",
                    "b@x.example",
                    "B",
                    "0",
                    "Nothing works",
                    "2026-10-01T11:00:00+02:00",
                    "user",
                    "A1",
                ],
                ["d3", "c@x.example", "C", "8", "", "2026-10-02T10:00:00Z", "user", "A2"],
                ["d3", "c@x.example", "C", "8", "", "2026-10-02T10:00:00Z", "user", "A2"],
            ]
        ),
        encoding="utf-8",
    )
    return p


def customergauge_semicolon_cp1252(d: Path) -> Path:
    p = d / "customergauge.csv"
    p.write_bytes(
        _csv(
            [
                [
                    "Record ID",
                    "Company",
                    "Contact E-mail",
                    "Likelihood to recommend (NPS)",
                    "Reason for score",
                    "Date Completed",
                    "Revenue",
                ],
                [
                    "1",
                    "Café Müller",
                    "x@cafe.example",
                    "10 - Extremely likely",
                    "Très bien",
                    "2026-10-01",
                    "1.234,50",
                ],
                [
                    "2",
                    "Café Müller",
                    "y@cafe.example",
                    "0 = Not at all likely",
                    "Trop cher",
                    "2026-10-02",
                    "99,00",
                ],
                ["3", "Brot AG", "z@brot.example", " 9 ", "gut", "2026-10-03", "5,00"],
                ["4", "Brot AG", "w@brot.example", "9.0", "", "2026-10-03", "5,00"],
            ],
            delimiter=";",
        ).encode("cp1252")
    )
    return p


def typeform_csv(d: Path) -> Path:
    p = d / "typeform.csv"
    p.write_text(
        _csv(
            [
                [
                    "#",
                    "How likely are you to recommend Acme to a colleague?",
                    "What's the main reason for your score?",
                    "Submit Date (UTC)",
                    "Network ID",
                ],
                ["abc1", "9", "Great onboarding", "2026-10-01 10:00:00", "n1"],
                ["abc2", "4", "Slow support", "2026-10-01 10:05:00", "n2"],
                ["abc3", "10", "", "2026-10-01 10:09:00", "n3"],
            ]
        ),
        encoding="utf-8",
    )
    return p


def google_forms_csv(d: Path) -> Path:
    p = d / "google_forms.csv"
    p.write_text(
        _csv(
            [
                [
                    "Timestamp",
                    "Email Address",
                    "On a scale of 0-10, how likely are you to recommend us?",
                    "Why?",
                ],
                ["10/3/2026 14:11:33", "a@x.example", "10", "Partnership feels real"],
                ["10/3/2026 15:11:33", "b@x.example", "8", "ok"],
                ["10/4/2026 9:00:00", "c@x.example", "2", "Deliveries are late"],
            ]
        ),
        encoding="utf-8",
    )
    return p


def generic_xlsx(d: Path) -> Path:
    p = d / "plain.xlsx"
    pd.DataFrame(
        {
            "id": ["g1", "g2", "g3"],
            "NPS": [10, 7, 6],
            "Feedback": ["good", "fine", "bugs"],
            "date": ["2026-10-01", "2026-10-02", "2026-10-03"],
        }
    ).to_excel(p, index=False)
    return p


def score_by_values_only(d: Path) -> Path:
    p = d / "by_values.csv"
    rows = [["rid", "q7", "q8", "when"]]
    for i, s in enumerate([0, 3, 5, 7, 8, 9, 10, 10, 6]):
        rows.append([f"r{i}", str(s), f"comment {i}", "2026-10-01"])
    p.write_text(_csv(rows), encoding="utf-8")
    return p


def two_score_columns_mapped(d: Path) -> Path:
    p = d / "two_scores.csv"
    p.write_text(
        _csv(
            [
                [
                    "id",
                    "How likely are you to recommend the product?",
                    "Support rating 0-10",
                    "Comment",
                ],
                ["1", "10", "2", "x"],
                ["2", "9", "3", "y"],
                ["3", "0", "10", "z"],
            ]
        ),
        encoding="utf-8",
    )
    return p


def na_and_out_of_range(d: Path) -> Path:
    p = d / "na_range.csv"
    rows = [["Response ID", "Score", "Comment", "Date"]]
    for i, s in enumerate(["10", "N/A", "11", "-1", "9", "n/a", "", "7", "12.5", "abc"]):
        rows.append([f"x{i}", s, "", "2026-10-01"])
    p.write_text(_csv(rows), encoding="utf-8")
    return p


def blank_rows_and_dup_ids(d: Path) -> Path:
    p = d / "blank_rows.csv"
    p.write_text(
        _csv(
            [
                ["Response ID", "Score", "Comment", "Date", "Email"],
                ["a", "10", "", "2026-10-01", "a@x.example"],
                ["", "", "", "", ""],
                ["b", "9", "", "2026-10-01", "b@x.example"],
                ["b", "3", "", "2026-10-02", "c@x.example"],
                ["", "", "", "", ""],
            ]
        ),
        encoding="utf-8",
    )
    return p


def bad_dates(d: Path) -> Path:
    p = d / "bad_dates.csv"
    p.write_text(
        _csv(
            [
                ["Response ID", "Score", "Comment", "Submitted At"],
                ["a", "10", "", "2026-10-01 10:00"],
                ["b", "5", "", "yesterday"],
                ["c", "8", "", ""],
            ]
        ),
        encoding="utf-8",
    )
    return p


def empty_file(d: Path) -> Path:
    p = d / "empty.csv"
    p.write_bytes(b"")
    return p


def whitespace_file(d: Path) -> Path:
    p = d / "whitespace.csv"
    p.write_bytes(b"\r\n\r\n   \r\n")
    return p


def header_only(d: Path) -> Path:
    p = d / "header_only.csv"
    p.write_text("Response ID,Score,Comment\r\n", encoding="utf-8")
    return p


def qualtrics_header_only(d: Path) -> Path:
    p = d / "qualtrics_header_only.csv"
    p.write_bytes(_csv(QUALTRICS_HEAD).encode("utf-8-sig"))
    return p


def binary_named_csv(d: Path) -> Path:
    p = d / "photo.csv"
    rng = np.random.default_rng(1)
    p.write_bytes(b"\x89PNG\r\n\x1a\n" + rng.integers(0, 256, 4000, dtype=np.uint8).tobytes())
    return p


def old_xls(d: Path) -> Path:
    p = d / "old.xls"
    p.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 600)
    return p


def prose_not_a_table(d: Path) -> Path:
    p = d / "notes.csv"
    p.write_text(
        "Dear team,\nplease find the results attached, as discussed.\nBest, Sam\n"
        "PS: call me, or write, whenever.\n",
        encoding="utf-8",
    )
    return p


def no_score_column(d: Path) -> Path:
    p = d / "no_score.csv"
    p.write_text(
        _csv([["name", "city", "comment"], ["a", "Oslo", "hi"], ["b", "Rome", "yo"]]),
        encoding="utf-8",
    )
    return p


def ragged_rows(d: Path) -> Path:
    p = d / "ragged.csv"
    p.write_text("id,score,comment\n1,9,ok\n2,3,bad,extra,cells\n", encoding="utf-8")
    return p


def cp1252_forced_utf8(d: Path) -> Path:
    return customergauge_semicolon_cp1252(d)


def email_domain_join(d: Path) -> Path:
    p = d / "domain_join.csv"
    p.write_text(
        _csv(
            [
                ["Response ID", "Email", "Score", "Comment", "Date"],
                ["1", "a@acme.example", "10", "", "2026-10-01"],
                ["2", "b@ACME.example", "6", "", "2026-10-01"],
                ["3", "c@unknown.example", "9", "", "2026-10-01"],
            ]
        ),
        encoding="utf-8",
    )
    return p


def accounts_with_domain(d: Path) -> Path:
    p = d / "accounts.csv"
    p.write_text(
        _csv(
            [
                [
                    "account_id",
                    "account_name",
                    "tier",
                    "industry",
                    "region",
                    "arr",
                    "owner",
                    "renewal_date",
                    "domain",
                ],
                ["A1", "Acme", "key", "SaaS", "EMEA", "1000", "O", "2027-01-01", "acme.example"],
                ["A2", "Beta", "small", "SaaS", "EMEA", "100", "O", "2027-01-01", "beta.example"],
            ]
        ),
        encoding="utf-8",
    )
    return p


def million_rows(d: Path, n: int = 1_000_000) -> Path:
    """1,000,000 responses with 1% blank scores, 1% out of range and 1% repeats."""
    rng = np.random.default_rng(3)
    scores = rng.integers(0, 11, n).astype(str).astype(object)
    scores[rng.random(n) < 0.01] = ""
    bad = rng.random(n) < 0.01
    scores[bad & (scores != "")] = "11"
    contact = np.array([f"c{i}" for i in range(n)], dtype=object)
    repeat = np.flatnonzero(rng.random(n) < 0.01)
    repeat = repeat[repeat > 0]
    contact[repeat] = contact[repeat - 1]
    frame = pd.DataFrame(
        {
            "Response ID": [f"r{i}" for i in range(n)],
            "Contact ID": contact,
            "Score": scores,
            "Comment": np.where(rng.random(n) < 0.5, "fine", ""),
            "Date": pd.Timestamp("2026-10-01") + pd.to_timedelta(np.arange(n) % 86400, unit="s"),
        }
    )
    p = d / "million.csv"
    frame.to_csv(p, index=False)
    return p


def million_expectation(path: Path) -> dict:
    """The counts of :func:`million_rows`, worked out independently of the cleaner."""
    f = pd.read_csv(path, dtype=str, keep_default_na=False)
    missing = f["Score"] == ""
    out = f["Score"] == "11"
    ok = ~missing & ~out
    dup = f[ok].duplicated("Contact ID", keep="last").sum()
    return dict(
        rows_in=len(f),
        rows_kept=int(ok.sum() - dup),
        rejected_by_reason={
            k: int(v)
            for k, v in (
                ("missing_score", missing.sum()),
                ("score_out_of_range", out.sum()),
                ("duplicate_submission", dup),
            )
            if v
        },
    )


CASES: dict[str, Case] = {
    "qualtrics_utf8_bom": Case(qualtrics_utf8_bom, {**QUALTRICS_EXPECT, "encoding": "utf-8-sig"}),
    "qualtrics_legacy_utf16_tab": Case(
        qualtrics_legacy_utf16_tab, {**QUALTRICS_EXPECT, "encoding": "utf-16", "delimiter": "\t"}
    ),
    "qualtrics_legacy_two_header_rows": Case(
        qualtrics_legacy_two_header_rows,
        {**QUALTRICS_EXPECT, "delimiter": "\t", "format": "qualtrics_legacy"},
    ),
    "surveymonkey_csv": Case(surveymonkey_csv, SM_EXPECT),
    "surveymonkey_xlsx_merged_header": Case(
        surveymonkey_xlsx_merged_header, {**SM_EXPECT, "encoding": "xlsx"}
    ),
    "delighted_csv": Case(
        delighted_csv,
        dict(
            format="delighted",
            score_column="Score",
            comment_column="Comment",
            rows_in=4,
            rows_kept=3,
            rejected_by_reason={"duplicate_response_id": 1},
        ),
    ),
    "customergauge_semicolon_cp1252": Case(
        customergauge_semicolon_cp1252,
        dict(
            format="generic",
            encoding="cp1252",
            delimiter=";",
            score_column="Likelihood to recommend (NPS)",
            comment_column="Reason for score",
            rows_in=4,
            rows_kept=4,
            nps=50.0,
            n=4,
        ),
    ),
    "typeform_csv": Case(
        typeform_csv,
        dict(
            format="typeform",
            score_column="How likely are you to recommend Acme to a colleague?",
            comment_column="What's the main reason for your score?",
            rows_in=3,
            rows_kept=3,
        ),
    ),
    "google_forms_csv": Case(
        google_forms_csv,
        dict(
            score_column="On a scale of 0-10, how likely are you to recommend us?",
            comment_column="Why?",
            rows_in=3,
            rows_kept=3,
            nps=0.0,
        ),
    ),
    "generic_xlsx": Case(
        generic_xlsx,
        dict(
            score_column="NPS", comment_column="Feedback", rows_in=3, rows_kept=3, encoding="xlsx"
        ),
    ),
    "score_by_values_only": Case(
        score_by_values_only, dict(score_column="q7", comment_column="q8", rows_kept=9)
    ),
    "two_score_columns_mapped": Case(
        two_score_columns_mapped,
        dict(score_column="Support rating 0-10", nps=-33.33),
        options={"mapping": {"score": "Support rating 0-10"}},
    ),
    "two_score_columns_detected": Case(
        two_score_columns_mapped,
        dict(score_column="How likely are you to recommend the product?", nps=33.33),
    ),
    "na_and_out_of_range": Case(
        na_and_out_of_range,
        dict(
            rows_in=10,
            rows_kept=3,
            rejected_by_reason={"missing_score": 1, "invalid_score": 4, "score_out_of_range": 2},
        ),
    ),
    "blank_rows_and_dup_ids": Case(
        blank_rows_and_dup_ids,
        dict(
            rows_in=5, rows_kept=2, rejected_by_reason={"blank_row": 2, "duplicate_response_id": 1}
        ),
    ),
    "bad_dates": Case(
        bad_dates, dict(rows_in=3, rows_kept=1, rejected_by_reason={"invalid_timestamp": 2})
    ),
    "email_domain_needs_account_id": Case(
        email_domain_join,
        error=r"domain_join\.csv: no column links the responses to the account master",
        options={"accounts": "accounts.csv"},
    ),
    "empty_file": Case(empty_file, error=r"empty\.csv: the file is empty"),
    "whitespace_file": Case(whitespace_file, error=r"the file is empty"),
    "header_only": Case(header_only, error=r"header_only\.csv: has header rows but no responses"),
    "qualtrics_header_only": Case(qualtrics_header_only, error=r"has header rows but no responses"),
    "binary_named_csv": Case(binary_named_csv, error=r"photo\.csv: not a table at all"),
    "old_xls": Case(old_xls, error=r"old binary Excel \(\.xls\)"),
    "prose_not_a_table": Case(
        prose_not_a_table, error=r"notes\.csv: (no NPS score column|cannot be read as a table)"
    ),
    "no_score_column": Case(no_score_column, error=r"no_score\.csv: no NPS score column found"),
    "ragged_rows": Case(ragged_rows, error=r"ragged\.csv: cannot be read as a table .* line 3"),
    "cp1252_forced_utf8": Case(
        cp1252_forced_utf8,
        error=r"cannot be decoded as utf-8|not utf-8",
        options={"encoding": "utf-8"},
    ),
    "mapped_column_missing": Case(
        typeform_csv,
        error=r"'Q9' \(for score\).*not in the export",
        options={"mapping": {"score": "Q9"}},
    ),
}


def main(out: str) -> None:
    folder = Path(out)
    folder.mkdir(parents=True, exist_ok=True)
    accounts_with_domain(folder)
    for name, case in CASES.items():
        path = case.write(folder)
        print(f"{name}: {path}")
    print(json.dumps({n: c.error or c.expect for n, c in CASES.items()}, indent=1, default=str))


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "test-output/corpus")
