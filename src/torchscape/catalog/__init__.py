"""Reading landscape catalogs: the on-disk shape, its rules, and the frozen model."""
