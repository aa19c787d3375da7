"""nps_helpers: the logic behind the B2B NPS workbook's notebooks.

Notebooks stay thin and call these modules; see DESIGN.md for the module map.
"""

__version__ = "0.1.0"
