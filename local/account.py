"""The local AWS account: one region and account id for every ARN and event the local runtime makes."""

REGION = "us-east-1"
ACCOUNT_ID = "123456789012"
