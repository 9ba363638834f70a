"""Figures: functions over the store that return Figure objects with their sources."""
