"""The student record: one tab per part of the programme."""
