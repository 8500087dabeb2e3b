"""The dashboard page's built files (dashboard/dist), as served by the `dashboard-api` function."""
