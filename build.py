"""Build the paper in this folder: `python build.py [all|pdf|html|docx|check|watch|stats|bundle|diff|clean]`."""

from paperbuild.cli import main_entry

main_entry()
