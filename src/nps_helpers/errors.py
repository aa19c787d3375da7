"""Exception classes whose messages tell an analyst what to fix.

Every error the workbook raises on purpose derives from :class:`NpsWorkbookError`;
the CLI turns these into one readable paragraph and a non-zero exit code instead
of a traceback.
"""

from __future__ import annotations


class NpsWorkbookError(Exception):
    """Base class of the workbook's own errors."""


class ParamsError(NpsWorkbookError):
    """A params YAML file is missing, unreadable, or has a wrong key or value."""


class ExportFormatError(NpsWorkbookError):
    """A survey export or CRM file cannot be read into the expected shape."""


class MappingError(NpsWorkbookError):
    """Labels in the export have no mapping to canonical values in params."""


class WaveValidationError(NpsWorkbookError):
    """The canonical responses failed the Great Expectations gate."""


class NotebookFailedError(NpsWorkbookError):
    """A wave notebook failed while Papermill executed it."""
