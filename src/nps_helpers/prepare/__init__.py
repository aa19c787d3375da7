"""Raw export to canonical responses: values, columns, cleaning with reasons, the Great
Expectations gate."""
