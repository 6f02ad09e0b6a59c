"""Self-contained HTML reports (no script or style fetched from anywhere)."""
