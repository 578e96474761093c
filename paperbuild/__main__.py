"""`python -m paperbuild` is the same command line as `python build.py`."""

from paperbuild.cli import main_entry

if __name__ == "__main__":  # the PDF typesetter's process imports this file too
    main_entry()
