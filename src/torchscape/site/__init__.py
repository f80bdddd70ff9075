"""Building the static site from a loaded landscape."""

#: Said by `build` and `validate` of a landscape without a settings file.
NO_SETTINGS_NOTE = (
    "no settings file: the site is titled 'Open source Landscape' and its pages have no address of "
    "their own; a settings.yml beside the data file (or --settings-file) with foundation and url names them"
)
