"""nps_helpers: the logic behind the B2B NPS workbook's notebooks.

Layers, imports flowing one way from the top of this list down (tests/test_architecture.py
checks it): ``params`` and ``errors`` (with the registry of export layouts,
``io.exports``); ``io`` (every read and write); ``prepare``, ``metrics`` and ``text``
(pure steps over DataFrames) and ``followup``; ``deck`` (what the deck says and how it
looks); ``wave`` (what notebook cells call); ``run``, ``drilldown`` and ``demo``.
"""

__version__ = "0.1.0"
