"""API conventions shared by every HTTP function: the resolver, the caller, the error body."""
