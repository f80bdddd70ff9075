"""Building the static site from a loaded landscape."""
