"""Seed 004's schedules and exports: views over the one subscription and job model."""
