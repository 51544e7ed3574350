"""Organisation profiles: the interchange format, import/export and the profile services."""
