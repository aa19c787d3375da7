"""Every read and write of data: exports, CRM files, processed waves, history, follow-up files."""
