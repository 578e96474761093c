"""Build the paper in this folder: `python build.py [pdf|html|docx|all|check] [options]`."""

from paperbuild.cli import main_entry

main_entry()
