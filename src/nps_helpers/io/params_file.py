"""A new wave's params file, written as YAML with a comment on every proposed line.

:func:`render_params` turns what :func:`nps_helpers.prepare.proposal.propose` found
(any object with the attributes of its ``Proposal``) into the text of
``params/<wave>.yaml``; :func:`write_params` writes it, and never over an existing file
unless told to. Every guessed label carries a ``# review`` comment.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from pathlib import Path
from typing import Any

import yaml

from nps_helpers.errors import ParamsError
from nps_helpers.io.files import write_text

_PLAIN = re.compile(r"[\w(][\w .()/&+'-]*")  # also plain in [a, b]
_COMMENT_AT = 40


def scalar(value: Any) -> str:
    """A value as a YAML scalar that reads back as the same value: plain when that is
    safe, else double-quoted (JSON's quoting is YAML's)."""
    if isinstance(value, dt.date | bool | int | float) or value is None:
        return yaml.safe_dump(value, default_flow_style=True).splitlines()[0]
    text = str(value)
    plain = bool(_PLAIN.fullmatch(text)) and not text.endswith(" ")
    if plain and yaml.safe_load(f"k: {text}") == {"k": text}:
        return text
    quoted = json.dumps(text, ensure_ascii=False)  # then escape what YAML may not hold
    return "".join(c if c.isprintable() else f"\\U{ord(c):08x}" for c in quoted)


def flow(values: list | tuple) -> str:
    """A list as a YAML flow sequence: [tier, role]."""
    return (
        "[" + ", ".join(flow(v) if isinstance(v, list | tuple) else scalar(v) for v in values) + "]"
    )


def _line(indent: int, key: str, value: str | None, comment: str = "") -> str:
    text = " " * indent + f"{scalar(key)}:" + (f" {value}" if value is not None else "")
    if comment:
        comment = " ".join(comment.split())
        text = (
            f"{text.ljust(_COMMENT_AT)}  # {comment}"
            if len(text) < _COMMENT_AT
            else (f"{text}  # {comment}")
        )
    return text


def render_params(
    proposal: Any,
    inputs: dict[str, str],
    source: str = "",
    previous_wave: str | None = None,
    codebook: str | None = None,
    reading: dict[str, str] | None = None,
) -> str:
    """The text of a new wave's params file.

    Parameters
    ----------
    proposal
        What :func:`nps_helpers.prepare.proposal.propose` returned.
    inputs
        The raw files relative to the project root: ``export`` and, when given,
        ``accounts`` and ``invitations``.
    source
        The export as the analyst named it, for the header comment.
    previous_wave, codebook
        Written when given.
    reading
        How the export was read when the analyst forced it: ``format``, ``encoding``,
        ``delimiter``, ``sheet`` (written as ``export_<name>``).
    """
    p = proposal
    out = [
        f"# Parameters of wave {p.wave_id}, proposed by `nps-wave init` from "
        f"{source or 'the export'}.",
        "# Paths are relative to the project root (the folder that holds params/).",
        "# Check every line marked 'review', then: nps-wave run params/" + f"{p.wave_id}.yaml",
        _line(0, "wave_id", scalar(p.wave_id)),
        _line(0, "company", scalar(p.company), f"review: {p.company_why}"),
        _line(0, "wave_label", scalar(f"Relationship NPS {p.wave_id}")),
        _line(0, "field_start", scalar(p.field_start), f"review: {p.field_why}"),
        _line(0, "field_end", scalar(p.field_end), "review"),
    ]
    if previous_wave:
        out.append(_line(0, "previous_wave", scalar(previous_wave), "the latest earlier wave"))
    out += ["", _line(0, "inputs", None, "copies of the raw files (never modified)")]
    notes = {
        "export": "the survey tool's export",
        "accounts": "CRM account master",
        "invitations": "who was invited, bounced or not",
    }
    for key in ("export", "accounts", "invitations"):
        if inputs.get(key):
            out.append(_line(2, key, scalar(inputs[key]), notes[key]))
    out += [
        "",
        _line(
            0,
            "export_format",
            scalar(p.export_format),
            "given with --format" if (reading or {}).get("format") else "detected",
        ),
        *(
            _line(0, f"export_{name}", scalar(value), f"given with --{name}")
            for name, value in (reading or {}).items()
            if name != "format"
        ),
        _line(0, "columns", None, "export column of each field found, and how it was found"),
    ]
    for name, column in p.columns.items():
        out.append(_line(2, name, scalar(column), p.columns_why.get(name, "")))
    if "comment" not in p.columns:
        out.append(f"  # comment: none ({p.columns_why.get('comment', 'no free-text column')})")
    if p.extra:
        out.append(_line(2, "extra", None, "category columns with 2-12 values, kept as segments"))
        for name, column in p.extra.items():
            out.append(_line(4, name, scalar(column), p.extra_why.get(name, "")))
    out.append("")
    roles_note = "export role label -> decision_maker | influencer | user | other"
    if p.role_map:
        out.append(_line(0, "role_map", None, f"{roles_note}; from {p.role_source}"))
        for g in p.role_map:
            why = f"review: {g.why}" if g.guessed else f"review: no guess ({g.why})"
            out.append(_line(2, g.label, scalar(g.value), f"{why}, {g.rows} rows"))
    else:
        note = f"every label of {p.role_source} is a role name" if p.role_source else "no roles"
        out.append(_line(0, "role_map", "{}", note))
    if getattr(p, "join_on_email_domain", False):
        out.append(
            _line(
                0,
                "join_on_email_domain",
                "true",
                "review: the export has no account column; accounts by e-mail domain",
            )
        )
    out.append(_line(0, "tiers", flow(p.tiers), "allowed account tiers, smallest first"))
    if p.tier_map:
        out.append(_line(0, "tier_map", None, "CRM tier label -> one of tiers"))
        for g in p.tier_map:
            why = f"review: {g.why}" if g.guessed else f"review: no guess ({g.why})"
            out.append(_line(2, g.label, scalar(g.value), f"{why}, {g.rows} rows"))
    else:
        out.append(_line(0, "tier_map", "{}", "no tier label to map"))
    if codebook:
        out.append(_line(0, "codebook", scalar(codebook), "the theme codebook, shared by waves"))
    out += [
        "",
        _line(0, "segments", flow(p.segments), "review: drop any not worth a slide"),
        _line(0, "segment_pairs", flow(p.segment_pairs), "cross tables"),
    ]
    counted = [c for c, w in p.not_segments.items() if w[:1].isdigit()]
    named = {c: w for c, w in p.not_segments.items() if c not in counted}
    if named:
        out.append("# not segments:")
        out += [f"#   {c}: {' '.join(w.split())}" for c, w in named.items()]
    if counted:
        out.append(f"# not segments either, with fewer than 2 or over 12 values: {len(counted)}")
    return "\n".join(out) + "\n"


def write_params(target: str | Path, text: str, force: bool = False) -> Path:
    """Write a params file's text (atomically); an existing file is a
    :class:`~nps_helpers.errors.ParamsError` unless ``force``."""
    target = Path(target)
    if target.exists() and not force:
        raise ParamsError(f"{target} exists; it is kept (use --force to write it again)")
    return write_text(target, text)
