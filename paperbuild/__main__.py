"""`python -m paperbuild` is the same command line as `python build.py`."""

from paperbuild.cli import main_entry

main_entry()
