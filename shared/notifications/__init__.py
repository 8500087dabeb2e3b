"""Notification reports (seed 000): send with deduplication, harvest to devices, count receipts, serve and extract."""
