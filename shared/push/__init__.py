"""Push to devices: the provider interface, the provider chosen by settings (`PUSH_PROVIDER`), the SNS provider."""
