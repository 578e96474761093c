"""Build the paper in this folder: `python build.py [all|pdf|html|docx|check|watch|stats|bundle|diff|clean]`."""

import os
import sys

if __name__ == "__main__":
    # Python put this file's folder first on sys.path: a yaml.py or paperbuild.py lying in the project would be
    # imported instead of the installed packages. Take it off (os and sys were loaded before this file ran).
    here = os.path.dirname(os.path.realpath(__file__))
    if not sys.flags.safe_path and sys.path and os.path.realpath(sys.path[0]) == here:
        del sys.path[0]
    try:
        from paperbuild.cli import main_entry
    except ModuleNotFoundError as exc:
        if exc.name != "paperbuild":
            raise
        import shlex

        python = shlex.quote(sys.executable)
        sys.stderr.write(f"paperbuild is not installed; install it: {python} -m pip install -e {shlex.quote(here)}\n")
        sys.exit(3)
    main_entry()
