"""Build the paper in this folder: `python build.py [all|pdf|html|docx|check|watch|stats|bundle|diff|clean]`."""

from paperbuild.cli import main_entry

if __name__ == "__main__":  # the PDF typesetter's process imports this file too
    main_entry()
