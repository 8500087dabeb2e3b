"""Capacity and cost planning: which reports fall due when, how long a spike takes to drain under the account's
quotas (a discrete-event simulation, each quota a token bucket or a concurrency pool), and what a report costs."""
