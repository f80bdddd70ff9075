"""Reading landscape catalogs: the on-disk shape, its rules, and the frozen model."""

#: The files of a landscape that have a schema (`torchscape schema --kind`).
FILE_KINDS = ("data", "settings", "guide")
