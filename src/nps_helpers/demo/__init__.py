"""The synthetic demo company: CRM files, invitation lists and Qualtrics exports."""
