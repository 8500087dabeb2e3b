"""Jobs: one run of a report for a subscription (a schedule slot or a run-now), or a one-off export."""
