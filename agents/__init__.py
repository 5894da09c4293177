"""Faust agents and the pure parsing / extraction logic they call."""
