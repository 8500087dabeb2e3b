"""The domain package every Lambda function imports: models, logic, data access, rendering, channels."""
