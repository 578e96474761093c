"""`python -m paperbuild` is the same command line as `python build.py`."""

import os
import sys

if __name__ == "__main__":
    # `-m` put the current folder first on sys.path: run in a stranger's project, a yaml.py or jinja2.py lying there
    # would be imported instead of the installed package. Take it off before paperbuild imports anything.
    if not sys.flags.safe_path and sys.path and os.path.realpath(sys.path[0] or ".") == os.path.realpath("."):
        del sys.path[0]
    from paperbuild.cli import main_entry

    main_entry()
