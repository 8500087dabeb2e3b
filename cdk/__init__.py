"""Infrastructure only: the two stacks and one construct per concern, built from `shared.catalog`."""
