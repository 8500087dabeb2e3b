"""Mobile push: one provider interface, an SNS implementation for AWS (a recording one lives in `local/`)."""
