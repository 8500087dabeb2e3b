"""Subscriptions: who receives which report, filtered how, in which formats, over which channels, on which schedule."""
