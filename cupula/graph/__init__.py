"""Network analytics on a viewer's view: projection, measures, leaders, key players."""
