"""Every U.S. security partner on one page: the watch table, its signals, and what changed since a load."""
