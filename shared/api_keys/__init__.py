"""API keys of the mobile-n10n compatible routes: created, listed and revoked by platform admins, stored hashed."""
