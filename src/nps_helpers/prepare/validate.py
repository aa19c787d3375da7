"""The Great Expectations gate on canonical responses.

A wave only reaches the report when its responses pass every critical expectation;
warnings are recorded in quality.json and shown on the deck's data-quality page.
Each run writes Great Expectations' JSON of the validation result (counts and failing
response ids, never a comment's text) and of the suite to ``reports/<wave>/data-quality/``;
the workbook's own page beside them is built by :mod:`nps_helpers.deck.quality_page`
(:func:`nps_helpers.wave.validate_wave`). Great Expectations is imported here only, inside
the functions, because importing it takes seconds.
"""

from __future__ import annotations

import json
import math
import os
import shutil
from pathlib import Path
from typing import Any

import pandas as pd

from nps_helpers.errors import WaveValidationError
from nps_helpers.io import files
from nps_helpers.metrics.scoring import (
    CATEGORIES,
    DETRACTOR_MAX,
    PASSIVE_MIN,
    PROMOTER_MIN,
)
from nps_helpers.params import CANONICAL_ROLES, WaveParams

REQUIRED_COLUMNS = (
    "wave_id",
    "response_id",
    "respondent_id",
    "account_id",
    "role",
    "score",
    "category",
    "comment",
    "responded_at",
    "tier",
    "industry",
    "region",
    "arr",
    "owner",
    "renewal_date",
)
#: Column added for the gate only: the account_id when it is not in the account master.
UNKNOWN_ACCOUNT = "account_id_not_in_master"
TEXT_TYPES = ["str", "string", "object", "StringDtype"]
#: Columns whose offending values a failure may name (in the summary and GX's JSON, never
#: as HTML): fixed sets, numbers and dates. Any other column (the comment, the ids,
#: the account owner) is named by the failing response ids only.
VALUE_COLUMNS = frozenset(
    {"wave_id", "role", "category", "score", "tier", "industry", "region", "arr"}
    | {"responded_at", "renewal_date"}
)
RESULT_FILE = "validation_result.json"
#: What GX's JSON keeps of a result: counts and the observed value.
RESULT_KEYS = (
    "element_count",
    "missing_count",
    "missing_percent",
    "unexpected_count",
    "unexpected_percent",
    "unexpected_percent_total",
    "unexpected_percent_nonmissing",
    "observed_value",
)
#: ... and, for a column of :data:`VALUE_COLUMNS`, the offending values.
VALUE_KEYS = ("partial_unexpected_list", "partial_unexpected_counts")


def lacking(responses: pd.DataFrame) -> dict[str, str]:
    """What the wave lacks that some checks need, each with why in plain words:
    ``accounts`` when no response has an annual revenue (no account master: an
    export-only wave), ``dates`` when no response carries a date (the export has no date column)."""
    out = {}
    # the account master's annual revenue is never blank (io.crm), so an empty arr
    # column is a wave without it, whatever the export's own columns fill
    if len(responses) and "arr" in responses and responses["arr"].isna().all():
        out["accounts"] = "no account master was given (inputs.accounts)"
    if len(responses) and "responded_at" in responses and responses["responded_at"].isna().all():
        out["dates"] = "the export has no response date column"
    return out


def _suite_items(
    params: WaveParams, account_ids: list[str] | None, rows_in: int | None
) -> list[tuple[str | None, Any]]:
    """Every expectation of the wave with what it needs (``accounts``, ``dates``, or None)."""
    import great_expectations as gx
    from great_expectations.expectations.metadata_types import FailureSeverity
    from great_expectations.expectations.row_conditions import Column

    e = gx.expectations
    warn = {"severity": FailureSeverity.WARNING}
    lo, hi = params.window
    always = [
        e.ExpectTableColumnsToMatchSet(
            column_set=list(REQUIRED_COLUMNS),
            exact_match=False,
            description="the canonical columns must all be there",
        ),
        e.ExpectTableRowCountToBeBetween(
            min_value=params.min_responses,
            description=f"a report needs at least {params.min_responses} responses (min_responses)",
        ),
        e.ExpectColumnValuesToBeInSet(
            column="wave_id",
            value_set=[params.wave_id],
            description=f"wave_id must be {params.wave_id}",
        ),
        e.ExpectColumnValuesToNotBeNull(
            column="response_id", description="every response needs a response_id"
        ),
        e.ExpectColumnValuesToBeUnique(
            column="response_id", description="response_id must be unique within the wave"
        ),
        e.ExpectColumnValuesToBeInTypeList(
            column="response_id", type_list=TEXT_TYPES, description="response_id must be text"
        ),
        e.ExpectColumnValuesToNotBeNull(
            column="respondent_id", description="every response needs a respondent_id"
        ),
        e.ExpectColumnValuesToBeUnique(
            column="respondent_id", description="one response per respondent and wave"
        ),
        e.ExpectColumnValuesToNotMatchRegex(
            column="respondent_id",
            regex=r"@",
            description="respondent_id must never be an e-mail address",
        ),
        e.ExpectColumnValuesToNotBeNull(column="score", description="every response needs a score"),
        e.ExpectColumnValuesToBeInTypeList(
            column="score",
            type_list=["Int8Dtype", "int8"],
            description="score must be a small integer (Int8)",
        ),
        e.ExpectColumnValuesToBeBetween(
            column="score", min_value=0, max_value=10, description="score must be between 0 and 10"
        ),
        e.ExpectColumnValuesToBeInSet(
            column="category",
            value_set=list(CATEGORIES),
            description="category must be promoter, passive or detractor",
        ),
        # One check per category, each on the rows its scores select: GX's pandas
        # implementation of ExpectColumnPairValuesToBeInSet walks the rows one by one
        # (15 s on 200,000 responses); a row condition keeps the check vectorized.
        *(
            e.ExpectColumnValuesToBeInSet(
                column="category",
                value_set=[name],
                row_condition=condition,
                description=f"category must match the score ({label} is {name})",
            )
            for name, label, condition in (
                ("promoter", f"{PROMOTER_MIN}-10", Column("score") >= PROMOTER_MIN),
                (
                    "passive",
                    f"{PASSIVE_MIN}-{PROMOTER_MIN - 1}",
                    Column("score").is_in(list(range(PASSIVE_MIN, PROMOTER_MIN))),
                ),
                ("detractor", f"0-{DETRACTOR_MAX}", Column("score") <= DETRACTOR_MAX),
            )
        ),
        e.ExpectColumnValuesToBeInSet(
            column="role",
            value_set=list(CANONICAL_ROLES),
            description="role must be " + ", ".join(CANONICAL_ROLES),
        ),
    ]
    accounts = [
        e.ExpectColumnValuesToNotBeNull(
            column="account_id", description="every response needs an account"
        ),
        e.ExpectColumnValuesToBeInSet(
            column="tier",
            value_set=list(params.tiers),
            description="tier must be one of " + ", ".join(params.tiers),
        ),
        e.ExpectColumnValuesToNotBeNull(column="tier", description="every account needs a tier"),
        e.ExpectColumnValuesToBeBetween(
            column="arr", min_value=0, description="annual revenue (arr) cannot be negative"
        ),
    ]
    dates = [
        e.ExpectColumnValuesToNotBeNull(
            column="responded_at", description="every response needs its date"
        ),
        e.ExpectColumnValuesToBeBetween(
            column="responded_at",
            min_value=pd.Timestamp(lo, tz="UTC"),
            max_value=pd.Timestamp(hi, tz="UTC") + pd.Timedelta(days=1) - pd.Timedelta(seconds=1),
            description=f"responses must be dated within the field period ({lo} to {hi})",
        ),
    ]
    last = [
        e.ExpectColumnValuesToNotMatchRegex(
            column="comment",
            regex=r"<\s*script",
            **warn,
            description="comments hold script tags (shown as text, never run)",
        ),
    ]
    suite: list[tuple[str | None, Any]] = [
        *((None, x) for x in always),
        *(("accounts", x) for x in accounts),
        *(("dates", x) for x in dates),
        *((None, x) for x in last),
    ]
    if account_ids is not None:
        # The account master can hold a hundred thousand ids; passing them as a
        # value_set makes GX copy and render them again and again (50 s for 127,000).
        # The lookup is done once in pandas (see _frame_for_gx) and GX checks its result.
        suite.append(
            (
                "accounts",
                e.ExpectColumnValuesToBeNull(
                    column=UNKNOWN_ACCOUNT,
                    description=f"account_id must be in the account master "
                    f"({len(set(account_ids))} accounts)",
                ),
            )
        )
    if rows_in:
        need = math.ceil(rows_in * (1 - params.max_rejected_share))
        suite.append(
            (
                None,
                e.ExpectTableRowCountToBeBetween(
                    min_value=need,
                    description=f"at most {params.max_rejected_share:.0%} of the export's "
                    f"{rows_in} rows may be rejected, so at least {need} must be kept "
                    "(max_rejected_share)",
                ),
            )
        )
    return suite


def build_suite(
    params: WaveParams,
    account_ids: list[str] | None = None,
    rows_in: int | None = None,
    lacks: dict[str, str] | None = None,
) -> list[Any]:
    """The expectations of the canonical responses of one wave that apply to it, each
    with a plain-words description that failure messages use.

    Parameters
    ----------
    params
        The wave's parameters (field window, tiers, thresholds).
    account_ids
        The account master's ids; responses must belong to one of them.
    rows_in
        Rows of the export; with it, the kept rows must be at least
        ``(1 - max_rejected_share) * rows_in``.
    lacks
        What the wave lacks (:func:`lacking`): the checks that need it are left out.
    """
    lacks = lacks or {}
    return [x for needs, x in _suite_items(params, account_ids, rows_in) if needs not in lacks]


def not_applied(
    params: WaveParams, lacks: dict[str, str], account_ids: list[str] | None = None
) -> list[dict[str, str]]:
    """The checks :func:`build_suite` leaves out for what the wave lacks, each with
    its description and the reason it did not apply."""
    items = _suite_items(params, account_ids, None)
    if "accounts" in lacks and account_ids is None:
        items.append(("accounts", None))  # the account master's own check
    return [
        {
            "description": x.description
            if x is not None
            else "account_id must be in the account master",
            "reason": lacks[needs],
        }
        for needs, x in items
        if needs in lacks
    ]


def _plain(check: dict[str, Any]) -> str:
    """One line of plain words for a failed check: the count, the offending values of a
    category column and the failing response ids (never the text of a comment)."""
    line = check["description"]
    if check["observed_value"] is not None and check["unexpected_count"] == 0:
        return f"{line}: found {check['observed_value']}"
    line += f": {check['unexpected_count']} row(s) fail"
    if check["examples"]:
        line += "; values " + ", ".join(check["examples"][:5])
    if check["failing_response_ids"]:
        line += "; response ids " + ", ".join(check["failing_response_ids"][:5])
    if check["exception"]:
        line += f"; {check['exception']}"
    return line


_ARROW_TEXT = pd.StringDtype("pyarrow")
_TEXT_KINDS = ("string", "empty")  # infer_dtype of text with or without missing values


def _python_value(value: Any) -> Any:
    """An offending value as plain Python: numpy scalars unwrapped, pandas' missing
    value (which Arrow-backed text reports) as None."""
    if value is pd.NA:
        return None
    return value.item() if hasattr(value, "item") else value


def _frame_for_gx(responses: pd.DataFrame, account_ids: list[str] | None) -> pd.DataFrame:
    # Only the contract's columns: GX copies the frame several times per check.
    frame = responses[[c for c in responses.columns if c in REQUIRED_COLUMNS]].copy()
    for col in frame.columns:  # GX compares plain values, not categories
        if isinstance(frame[col].dtype, pd.CategoricalDtype):
            frame[col] = frame[col].astype(object)
    if account_ids is not None:
        ids = frame["account_id"].astype(object)
        known = ids.isin(pd.Index(account_ids)) | ids.isna()
        frame[UNKNOWN_ACCOUNT] = ids.where(~known, None)
    # text as Arrow-backed strings: GX asks each column for its missing values again
    # and again, which an object column answers by visiting every value and an Arrow
    # one from its validity bitmap (the gate takes a third less time at 200,000 rows)
    for col in frame.columns:
        if frame[col].dtype == object and pd.api.types.infer_dtype(frame[col]) in _TEXT_KINDS:
            frame[col] = frame[col].astype(_ARROW_TEXT)
    return frame.copy()  # one consolidated block per dtype


def _safe_result(raw: dict[str, Any]) -> dict[str, Any]:
    """GX's JSON of one expectation's result, kept on disk without the responses' text:
    the counts, the observed value, the failing response ids, and the offending values
    only of a category column (:data:`VALUE_COLUMNS`)."""
    config = raw.get("expectation_config") or {}
    column = (config.get("kwargs") or {}).get("column")
    result = raw.get("result") or {}
    kept = {k: result[k] for k in RESULT_KEYS if k in result}
    if column is None and "details" in result:  # a table check: column names, counts
        kept["details"] = result["details"]
    if column in VALUE_COLUMNS:
        kept.update({k: result[k] for k in VALUE_KEYS if k in result})
    for key in ("unexpected_index_list", "partial_unexpected_index_list"):
        if key in result:
            kept[key] = [
                {"response_id": row.get("response_id")} if isinstance(row, dict) else row
                for row in result[key] or []
            ]
    info = raw.get("exception_info") or {}
    return {
        **{k: v for k, v in raw.items() if k not in ("result", "exception_info")},
        "result": kept,
        "exception_info": {
            k: info[k] for k in ("raised_exception", "exception_message") if k in info
        },
    }


def _safe_validation_result(result: Any) -> dict[str, Any]:
    """GX's JSON of the validation result (:func:`_safe_result` for each expectation);
    the batch's own description (which can name the data) is left out of its meta."""
    raw = result.to_json_dict()
    meta = {k: v for k, v in (raw.get("meta") or {}).items() if k not in ("batch_spec",)}
    return {
        **raw,
        "meta": meta,
        "results": [_safe_result(r) for r in raw.get("results", [])],
    }


def validate_responses(
    responses: pd.DataFrame,
    params: WaveParams,
    account_ids: list[str] | None = None,
    rows_in: int | None = None,
    out_dir: str | Path | None = None,
) -> dict[str, Any]:
    """Validate ``responses`` with Great Expectations and summarise the result; failed
    checks do not raise here (:func:`check_gate` does), so the report of a failed gate
    can be written first.

    Parameters
    ----------
    responses
        Canonical responses of the wave.
    params
        The wave's parameters.
    account_ids, rows_in
        See :func:`build_suite`.
    out_dir
        Where to write GX's JSON of the validation result (``validation_result.json``)
        and of the suite (``suite.json``): ``reports/<wave>/data-quality``. The result
        names the failing response ids, never the text of a comment or a personal
        value; offending values are kept only for category columns.

    Returns
    -------
    dict
        ``wave_id``, success, counts of evaluated / failed expectations,
        ``validation_result`` (the JSON file, or None), ``data_docs`` (None here; the
        workbook's data-quality page once :func:`nps_helpers.wave.validate_wave` wrote
        it), ``not_applied`` and one entry per expectation with its description,
        severity, success, unexpected count, observed value, the offending values of a
        category column (``examples``; empty for text and personal columns) and the
        first 20 failing response ids.

    Raises
    ------
    WaveValidationError
        When the suite itself is not valid for the installed Great Expectations.
    """
    os.environ.setdefault("GX_ANALYTICS_ENABLED", "false")
    import great_expectations as gx
    from great_expectations.data_context.types.base import ProgressBarsConfig

    context = gx.get_context(mode="ephemeral")
    context.variables.progress_bars = ProgressBarsConfig(globally=False, metric_calculations=False)
    for site in list(context.get_site_names()):  # no Data Docs: the workbook has its own page
        context.delete_data_docs_site(site)
    batch_def = (
        context.data_sources.add_pandas("nps")
        .add_dataframe_asset("responses")
        .add_batch_definition_whole_dataframe(params.wave_id)
    )
    # the suite made whole and stored once: adding expectations one by one to a stored
    # suite compares each with all before it and saves it again (0.3 s for this one)
    lacks = lacking(responses)
    expectations = build_suite(params, account_ids, rows_in, lacks)
    suite = gx.ExpectationSuite(
        name=f"canonical_responses_{params.wave_id}", expectations=expectations
    )
    if len(suite.expectations) != len(expectations):  # the constructor drops invalid ones
        raise WaveValidationError(
            f"wave {params.wave_id}: {len(expectations) - len(suite.expectations)} of the gate's "
            "expectations are not valid for this version of Great Expectations"
        )
    suite = context.suites.add(suite)
    definition = context.validation_definitions.add(
        gx.ValidationDefinition(name=f"gate-{params.wave_id}", data=batch_def, suite=suite)
    )
    checkpoint = context.checkpoints.add(
        gx.Checkpoint(
            name=f"wave-{params.wave_id}",
            validation_definitions=[definition],
            actions=[],
            result_format={
                "result_format": "COMPLETE",
                "unexpected_index_column_names": ["response_id"],
            },
        )
    )
    frame = _frame_for_gx(responses, account_ids)
    # GX checks a column's dtype against "string" as pd.StringDtype(), whose storage is
    # this option: so the Arrow-backed text columns pass as the text they are
    with pd.option_context("mode.string_storage", _ARROW_TEXT.storage):
        run = checkpoint.run(batch_parameters={"dataframe": frame})
    del frame
    (result,) = run.run_results.values()
    checks = [_check(r) for r in result.results]
    failed = [c for c in checks if not c["success"]]
    critical = [c for c in failed if c["severity"] == "critical"]
    written = None
    if out_dir is not None:
        out_dir = Path(out_dir)
        _remove_old_data_docs(out_dir)
        files.write_text(out_dir / "suite.json", _json(suite.to_json_dict()))
        written = files.write_text(out_dir / RESULT_FILE, _json(_safe_validation_result(result)))
    return {
        "wave_id": params.wave_id,
        "success": not critical,
        "evaluated": len(checks),
        "passed": len(checks) - len(failed),
        "warnings": len(failed) - len(critical),
        "critical_failures": len(critical),
        "validation_result": str(written) if written else None,
        "data_docs": None,
        "checks": checks,
        "not_applied": not_applied(params, lacks, account_ids),
    }


def _json(data: Any) -> str:
    return json.dumps(data, indent=2, default=str) + "\n"


def _check(r: Any) -> dict[str, Any]:
    """One expectation's result for the summary."""
    config = r.expectation_config
    kwargs = {
        k: v
        for k, v in config.kwargs.items()
        if k not in ("batch_id", "value_set", "value_pairs_set")
    }
    column = kwargs.get("column") or kwargs.get("column_A")
    ids = [
        str(_python_value(row.get("response_id")))
        for row in (r.result.get("unexpected_index_list") or [])
        if isinstance(row, dict)
    ]
    examples = (
        sorted(
            {repr(_python_value(v)) for v in (r.result.get("partial_unexpected_list") or [])[:20]}
        )
        if column in VALUE_COLUMNS
        else []
    )
    observed = r.result.get("observed_value")
    exc = r.exception_info if isinstance(r.exception_info, dict) else {}
    return {
        "expectation": config.type,
        "description": config.description or config.type,
        "column": column,
        "kwargs": {k: str(v) for k, v in kwargs.items()},
        "severity": getattr(config.severity, "value", str(config.severity)),
        "success": bool(r.success),
        "unexpected_count": int(r.result.get("unexpected_count") or 0),
        "observed_value": None if observed is None else str(observed),
        "examples": examples[:10],
        "failing_response_ids": ids[:20],
        "exception": exc.get("exception_message") if exc.get("raised_exception") else None,
    }


def _remove_old_data_docs(out_dir: Path) -> None:
    """Remove the Great Expectations Data Docs an earlier version of the workbook wrote
    here: their pages show comments unescaped and load their styling from the web."""
    if not (out_dir / "static" / "styles" / "data_docs_default_styles.css").is_file():
        return
    for name in ("static", "validations", "expectations"):
        shutil.rmtree(out_dir / name, ignore_errors=True)
    (out_dir / "index.html").unlink(missing_ok=True)


def gate_failure(summary: dict[str, Any], page: str | Path | None = None) -> str | None:
    """The gate's verdict in words when a critical check failed (else None): one line of
    plain words per failed check (:func:`_plain`), then where the report is."""
    critical = [c for c in summary["checks"] if not c["success"] and c["severity"] == "critical"]
    if not critical:
        return None
    lines = "\n".join(f"  - {_plain(c)}" for c in critical)
    page = page or summary.get("data_docs")
    if page:
        where = f"\nThe data-quality page: {page}"
    elif summary.get("validation_result"):
        where = f"\nGreat Expectations' result: {summary['validation_result']}"
    else:
        where = ""
    return (
        f"wave {summary['wave_id']} stopped by the data-quality gate; {len(critical)} check(s) "
        f"failed:\n{lines}{where}"
    )


def check_gate(summary: dict[str, Any], page: str | Path | None = None) -> dict[str, Any]:
    """Raise :class:`WaveValidationError` when a critical check of ``summary`` failed
    (:func:`gate_failure` is its message); else return ``summary``."""
    message = gate_failure(summary, page)
    if message:
        raise WaveValidationError(message)
    return summary


def run_gate(
    responses: pd.DataFrame,
    params: WaveParams,
    account_ids: list[str] | None = None,
    rows_in: int | None = None,
    docs_dir: str | Path | None = None,
) -> dict[str, Any]:
    """:func:`validate_responses` (its JSON written to ``docs_dir``), then
    :func:`check_gate`: raises :class:`WaveValidationError` when a critical check
    failed. The notebooks call :func:`nps_helpers.wave.validate_wave`, which writes the
    data-quality page in between."""
    return check_gate(validate_responses(responses, params, account_ids, rows_in, docs_dir))
