"""The command line: parse arguments, run the pipeline, print diagnostics and progress, return the exit code.

Takes argv; gives an exit code (0 success, 1 errors in the input, 2 wrong usage, 3 broken environment). This is
the only module that prints. No traceback reaches the user unless `--debug` is given.
"""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from paperbuild import __version__
from paperbuild.diagnostics import Diagnostic, Severity, to_json
from paperbuild.errors import PaperbuildError, UsageError

if TYPE_CHECKING:
    from paperbuild.pipeline import BuildResult, Options

COMMANDS = ("all", "pdf", "html", "docx", "check", "watch", "clean")
PDF_STANDARDS = ("pdf/ua-1", "pdf/ua-2", "pdf/a-1b", "pdf/a-2b", "pdf/a-3b", "pdf/a-2u", "pdf/a-3u", "pdf/a-4u")
FORMATS_OF = {"all": ("html", "pdf", "docx"), "pdf": ("pdf",), "html": ("html",), "docx": ("docx",)}


def default_project() -> Path:
    """The folder holding the running build.py; the current folder when run as `paperbuild`."""
    script = Path(sys.argv[0]) if sys.argv and sys.argv[0] else Path()
    return script.resolve().parent if script.name == "build.py" else Path.cwd()


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # type: ignore[override]
        raise UsageError(f"{message}\n{self.format_usage().strip()}")


def make_parser() -> argparse.ArgumentParser:
    """The argument parser of `python build.py` and `paperbuild`."""
    parser = _Parser(prog="paperbuild", description="Build a paper from Markdown chapters and BibTeX.")
    parser.add_argument(
        "command", nargs="?", default="all", choices=COMMANDS, help="what to do (default: all = html, pdf and docx)"
    )
    parser.add_argument(
        "--project",
        type=Path,
        default=None,
        metavar="DIR",
        help="the paper project (default: the folder holding build.py, else the current folder)",
    )
    parser.add_argument("--out", type=Path, default=None, metavar="DIR", help="output folder (default: PROJECT/build)")
    parser.add_argument("--style", default=None, metavar="NAME", help="house style folder under styles/")
    parser.add_argument("--csl", default=None, metavar="NAME|PATH", help="citation style (CSL name or .csl file)")
    parser.add_argument(
        "--format", choices=("text", "json"), default="text", dest="output_format", help="how to print diagnostics"
    )
    parser.add_argument(
        "--pdf-standard",
        choices=PDF_STANDARDS,
        default="pdf/ua-1",
        help="PDF variant: tagged, accessible PDF/UA-1 by default; pdf/a-3b for archiving",
    )
    parser.add_argument("--port", type=int, default=8000, help="watch: port of the preview server (0: any free one)")
    parser.add_argument("--quiet", action="store_true", help="print only errors and warnings")
    parser.add_argument("--debug", action="store_true", help="show tracebacks")
    parser.add_argument("--version", action="version", version=f"paperbuild {__version__}")
    return parser


def _print_diagnostics(diagnostics: Sequence[Diagnostic], output_format: str) -> None:
    if output_format == "json":
        print(to_json(diagnostics))
        return
    for diagnostic in sorted(diagnostics):
        print(diagnostic.format(), file=sys.stderr)
    errors = sum(d.severity is Severity.ERROR for d in diagnostics)
    warnings = len(diagnostics) - errors
    if diagnostics:
        print(f"{errors} error(s), {warnings} warning(s)", file=sys.stderr)


def _report(result: BuildResult, args: argparse.Namespace) -> None:
    _print_diagnostics(result.diagnostics, args.output_format)
    if not args.quiet and args.output_format == "text":
        for stage, seconds in result.timings:
            print(f"  {stage:<12} {seconds:6.2f} s", file=sys.stderr)
        for path in result.written.values():
            print(f"wrote {path}", file=sys.stderr)
        if result.up_to_date:
            print(f"up to date (inputs unchanged): {', '.join(result.up_to_date)}", file=sys.stderr)


def _watch(root: Path, options: Options, args: argparse.Namespace) -> int:
    from paperbuild.watch import watch

    shown: dict[str, list[Diagnostic]] = {}

    def report(result: BuildResult, what: str) -> None:
        if result.diagnostics != shown.get(what):
            _print_diagnostics(result.diagnostics, args.output_format)
            shown[what] = result.diagnostics
        done = ", ".join(result.written) or "nothing to do" if result.ok else "stopped by errors"
        seconds = sum(t for _, t in result.timings)
        print(f"[{time.strftime('%H:%M:%S')}] {what}: {done} ({seconds:.2f} s)", file=sys.stderr, flush=True)

    def started(url: str) -> None:
        print(f"serving {url} (live reload); Ctrl-C stops", file=sys.stderr, flush=True)

    try:
        watch(root, options, args.port, report, started)
    except KeyboardInterrupt:
        print("stopped", file=sys.stderr)
    except OSError as exc:
        raise UsageError(f"cannot serve on port {args.port}: {exc.strerror}; try --port 0") from exc
    return 0


def _run(args: argparse.Namespace) -> int:
    from paperbuild.pipeline import Options, run_build, run_check

    root = (args.project or default_project()).resolve()
    options = Options(out_dir=args.out, style=args.style, csl=args.csl, pdf_standard=args.pdf_standard)
    if args.command == "watch":
        return _watch(root, options, args)
    if args.command == "clean":
        from paperbuild.output import clean

        for path in clean((args.out or root / "build").resolve()):
            print(f"removed {path}", file=sys.stderr)
        return 0
    if args.command == "check":
        result = run_check(root, options)
    else:
        result = run_build(root, FORMATS_OF[args.command], options)
    _report(result, args)
    return 0 if result.ok else 1


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line with `argv` (default: sys.argv[1:]) and return the exit code."""
    debug = "--debug" in (argv if argv is not None else sys.argv[1:])
    try:
        args = make_parser().parse_args(argv)
        return _run(args)
    except PaperbuildError as exc:
        if debug:
            raise
        print(f"paperbuild: error: {exc}", file=sys.stderr)
        return exc.exit_code
    except SystemExit as exc:  # argparse's --help and --version
        return exc.code if isinstance(exc.code, int) else 0
    except KeyboardInterrupt:
        print("paperbuild: interrupted", file=sys.stderr)
        return 130


def main_entry() -> None:
    """Console-script entry point: exit with `main()`'s code."""
    sys.exit(main())
