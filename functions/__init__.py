"""Lambda entry points: parse the event, call the domain, shape the reply. One module per function."""
