"""Push to devices: the provider interface, the provider chosen by settings, the AWS (SNS) provider."""
