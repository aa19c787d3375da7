"""Pure NPS arithmetic over DataFrames: scoring (the cut points), segments, accounts,
coverage, trend, planning."""
