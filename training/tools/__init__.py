"""Tools run by hand from training/ (python -m tools.<name>); not shipped with the code."""
