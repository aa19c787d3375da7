"""The Great Expectations gate on canonical responses.

A wave only reaches the report when its responses pass every critical expectation.
Warnings are recorded in quality.json and shown on the deck's data-quality page.
Great Expectations is imported here only, inside the functions, because importing
it takes seconds.
"""

from __future__ import annotations

import datetime as dt
import os
from typing import Any

import pandas as pd

from nps_helpers.errors import WaveValidationError
from nps_helpers.params import CANONICAL_ROLES, WaveParams
from nps_helpers.scoring import CATEGORIES

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


def build_suite(params: WaveParams) -> list[Any]:
    """The expectations of the canonical responses of one wave."""
    import great_expectations as gx
    from great_expectations.expectations.metadata_types import FailureSeverity

    e = gx.expectations
    warn = {"severity": FailureSeverity.WARNING}
    field_from = pd.Timestamp(params.field_start - dt.timedelta(days=7), tz="UTC")
    field_to = pd.Timestamp(params.field_end + dt.timedelta(days=15), tz="UTC")
    return [
        e.ExpectTableColumnsToMatchSet(column_set=list(REQUIRED_COLUMNS), exact_match=False),
        e.ExpectTableRowCountToBeBetween(min_value=1),
        e.ExpectColumnValuesToBeInSet(column="wave_id", value_set=[params.wave_id]),
        e.ExpectColumnValuesToNotBeNull(column="response_id"),
        e.ExpectColumnValuesToBeUnique(column="response_id"),
        e.ExpectColumnValuesToNotBeNull(column="respondent_id"),
        e.ExpectColumnValuesToBeUnique(column="respondent_id"),
        e.ExpectColumnValuesToNotBeNull(column="account_id"),
        e.ExpectColumnValuesToNotBeNull(column="score"),
        e.ExpectColumnValuesToBeBetween(column="score", min_value=0, max_value=10),
        e.ExpectColumnValuesToBeInSet(column="category", value_set=list(CATEGORIES)),
        e.ExpectColumnValuesToBeInSet(column="role", value_set=list(CANONICAL_ROLES)),
        e.ExpectColumnValuesToNotBeNull(column="tier"),
        e.ExpectColumnValuesToBeBetween(column="arr", min_value=0),
        e.ExpectColumnValuesToNotBeNull(column="responded_at"),
        e.ExpectColumnValuesToBeBetween(
            column="responded_at", min_value=field_from, max_value=field_to, **warn
        ),
        e.ExpectColumnValuesToNotMatchRegex(column="comment", regex=r"<\s*script", **warn),
    ]


def run_gate(responses: pd.DataFrame, params: WaveParams) -> dict[str, Any]:
    """Validate ``responses`` with Great Expectations and summarise the result.

    Returns
    -------
    dict
        success, counts of evaluated / failed expectations, and one entry per
        expectation with its severity, success, unexpected count and up to 20 of the
        failing response ids.

    Raises
    ------
    WaveValidationError
        When a critical expectation fails; the message names each failed check,
        its column and the failing response ids.
    """
    os.environ.setdefault("GX_ANALYTICS_ENABLED", "false")
    import great_expectations as gx
    from great_expectations.data_context.types.base import ProgressBarsConfig

    context = gx.get_context(mode="ephemeral")
    context.variables.progress_bars = ProgressBarsConfig(globally=False, metric_calculations=False)
    batch_def = (
        context.data_sources.add_pandas("nps")
        .add_dataframe_asset("responses")
        .add_batch_definition_whole_dataframe(params.wave_id)
    )
    suite = context.suites.add(gx.ExpectationSuite(name="canonical_responses"))
    for expectation in build_suite(params):
        suite.add_expectation(expectation)
    definition = context.validation_definitions.add(
        gx.ValidationDefinition(name=f"gate-{params.wave_id}", data=batch_def, suite=suite)
    )
    frame = responses.copy()
    for col in frame.columns:  # GX compares plain values, not pandas extension types
        if isinstance(frame[col].dtype, pd.CategoricalDtype):
            frame[col] = frame[col].astype(object)
    frame["score"] = frame["score"].astype(float)
    result = definition.run(
        batch_parameters={"dataframe": frame},
        result_format={
            "result_format": "COMPLETE",
            "unexpected_index_column_names": ["response_id"],
        },
    )
    checks = []
    for r in result.results:
        config = r.expectation_config
        kwargs = {k: v for k, v in config.kwargs.items() if k != "batch_id"}
        ids = [str(row.get("response_id")) for row in (r.result.get("unexpected_index_list") or [])]
        checks.append(
            {
                "expectation": config.type,
                "column": kwargs.get("column"),
                "kwargs": {k: str(v) for k, v in kwargs.items()},
                "severity": str(
                    getattr(config, "severity", "critical").value
                    if hasattr(getattr(config, "severity", None), "value")
                    else getattr(config, "severity", "critical")
                ),
                "success": bool(r.success),
                "unexpected_count": int(r.result.get("unexpected_count") or 0),
                "failing_response_ids": ids[:20],
                "exception": (r.exception_info or {}).get("exception_message")
                if isinstance(r.exception_info, dict)
                else None,
            }
        )
    failed = [c for c in checks if not c["success"]]
    critical = [c for c in failed if c["severity"] == "critical"]
    summary = {
        "success": not critical,
        "evaluated": len(checks),
        "passed": len(checks) - len(failed),
        "warnings": len(failed) - len(critical),
        "critical_failures": len(critical),
        "checks": checks,
    }
    if critical:
        lines = []
        for c in critical:
            where = f" column {c['column']}" if c["column"] else ""
            ids = (
                f": response ids {', '.join(c['failing_response_ids'])}"
                if c["failing_response_ids"]
                else ""
            )
            detail = f" ({c['exception']})" if c["exception"] else ""
            lines.append(
                f"  - {c['expectation']}{where}: {c['unexpected_count']} rows{ids}{detail}"
            )
        raise WaveValidationError(
            f"wave {params.wave_id}: the canonical responses failed {len(critical)} critical "
            "Great Expectations check(s):\n" + "\n".join(lines)
        )
    return summary
