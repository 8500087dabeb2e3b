"""The report pipeline: the state machine's definition, its steps, and the registry of report sources."""
