"""The GUI side of offline data entry (issue 13)."""
