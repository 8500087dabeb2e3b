"""The embedded local runtime: local AWS (moto's server), the local HTTP API, local crons, the CLI."""
