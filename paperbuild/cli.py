"""The command line: parse arguments, run the pipeline, print diagnostics and progress, return the exit code.

Takes argv; gives an exit code (0 success, 1 errors in the input, 2 wrong usage, 3 broken environment). This is
the only module that prints. No traceback reaches the user unless `--debug` is given.
"""

from __future__ import annotations

import argparse
import contextlib
import gc
import json
import os
import shlex
import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from paperbuild import __version__
from paperbuild.diagnostics import Diagnostic, Severity, to_json
from paperbuild.errors import PaperbuildError, UsageError

if TYPE_CHECKING:
    from paperbuild.pipeline import BuildResult, Options

COMMANDS = ("all", "pdf", "html", "docx", "check", "watch", "clean", "stats", "bundle", "diff", "init", "import")
TAKES_ARGUMENT = {"diff": "REV", "init": "DIR", "import": "SRC"}
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
        "argument",
        nargs="?",
        default=None,
        metavar="REV|DIR|SRC",
        help="diff: the git revision to compare the working tree with; init: the folder of the new project; "
        "import: the paper to import (a JOSS, Manubot or Quarto folder, a thesis folder, a Markdown file)",
    )
    parser.add_argument(
        "into", nargs="?", default=None, metavar="DIR", help="import: the new project's folder (default: SRC's name)"
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
    parser.add_argument(
        "--review", action="store_true", help="bundle: anonymised, with the review style, for double-blind review"
    )
    parser.add_argument("--port", type=int, default=8000, help="watch: port of the preview server (0: any free one)")
    parser.add_argument("--quiet", action="store_true", help="print only errors and warnings")
    parser.add_argument("--verbose", action="store_true", help="also say what was read and written")
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


def _print_stage(stage: str, seconds: float) -> None:
    print(f"  {stage:<12} {seconds:6.2f} s", file=sys.stderr, flush=True)


def _report(result: BuildResult, args: argparse.Namespace) -> None:
    _print_diagnostics(result.diagnostics, args.output_format)
    if not args.quiet and args.output_format == "text":
        if args.verbose:
            for line in result.details:
                print(f"  {line}", file=sys.stderr)
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

    def failed(message: str) -> None:
        print(
            f"[{time.strftime('%H:%M:%S')}] paperbuild: error: {message} (still watching)", file=sys.stderr, flush=True
        )

    try:
        watch(root, options, args.port, report, started, failed)
    except KeyboardInterrupt:
        print("stopped", file=sys.stderr)
    return 0


def _check_usage(parser: argparse.ArgumentParser, args: argparse.Namespace) -> None:
    """The combinations argparse cannot express: which commands take the positional argument and --review."""
    usage = parser.format_usage().strip()
    wanted = TAKES_ARGUMENT.get(args.command)
    if wanted and args.argument is None:
        example = {"diff": "diff HEAD~1", "init": "init my-paper", "import": "import paper/ my-paper"}[args.command]
        raise UsageError(f"{args.command} needs {wanted}, e.g. '{example}'\n{usage}")
    if not wanted and args.argument is not None:
        raise UsageError(f"{args.command} takes no argument (got '{args.argument}')\n{usage}")
    if args.command != "import" and args.into is not None:
        raise UsageError(f"{args.command} takes one argument at most (got '{args.into}')\n{usage}")
    if args.review and args.command != "bundle":
        raise UsageError(f"--review is an option of bundle only\n{usage}")


def _run(args: argparse.Namespace) -> int:
    from paperbuild.pipeline import Options, run_build, run_check

    if args.command == "init":
        return _init(Path(args.argument), args)
    if args.command == "import":
        return _import(Path(args.argument), args)
    root = (args.project or default_project()).resolve()
    live = not args.quiet and args.output_format == "text" and args.command != "watch"
    options = Options(
        out_dir=args.out,
        style=args.style,
        csl=args.csl,
        pdf_standard=args.pdf_standard,
        on_stage=_print_stage if live else None,
    )
    if args.command in SUBMISSION_COMMANDS:
        return SUBMISSION_COMMANDS[args.command](root, options, args)
    if args.command == "watch":
        return _watch(root, options, args)
    if args.command == "clean":
        from paperbuild.output import clean, output_folder

        for path in clean(output_folder(root, args.out)):
            print(f"removed {path}", file=sys.stderr)
        return 0
    if args.command == "check":
        result = run_check(root, options)
    else:
        result = run_build(root, FORMATS_OF[args.command], options)
    _report(result, args)
    return 0 if result.ok else 1


def _init(folder: Path, args: argparse.Namespace) -> int:
    from paperbuild.scaffold import init

    written = init(folder)
    if not args.quiet:
        for rel in written:
            print(f"created {folder / rel}", file=sys.stderr)
        python = shlex.quote(sys.executable)  # the Python paperbuild is installed in, not whichever `python` is first
        print(f"next: cd {shlex.quote(str(folder))} && git init && {python} build.py", file=sys.stderr)
    return 0


def _import(src: Path, args: argparse.Namespace) -> int:
    from paperbuild.importers import import_paper
    from paperbuild.scaffold import write_new_project

    plan = import_paper(src)
    folder = Path(args.into) if args.into else Path(src.resolve().stem)
    written = write_new_project(folder, plan.files, "import")
    if not args.quiet and args.output_format == "text":
        print(f"read {src} as a {plan.kind}", file=sys.stderr)
        for rel in written:
            print(f"created {folder / rel}", file=sys.stderr)
    _print_diagnostics(plan.diagnostics, args.output_format)
    if not args.quiet and args.output_format == "text":
        python = shlex.quote(sys.executable)
        print(f"next: cd {shlex.quote(str(folder))} && git init && {python} build.py check", file=sys.stderr)
    return 0


def _stats(root: Path, options: Options, args: argparse.Namespace) -> int:
    from paperbuild.stats_command import run_stats

    result, stats = run_stats(root, options)
    if args.output_format == "json":
        document = {"stats": stats.to_json(), "diagnostics": [d.to_json() for d in sorted(result.diagnostics)]}
        print(json.dumps(document, ensure_ascii=False, indent=2))
    else:
        _print_diagnostics(result.diagnostics, "text")
        if not args.quiet:
            for path in result.written.values():
                print(f"wrote {path}", file=sys.stderr)
        print("\n".join(stats.lines()))
    return 0 if result.ok else 1


def _bundle(root: Path, options: Options, args: argparse.Namespace) -> int:
    from paperbuild.bundle import make_bundle

    bundle = make_bundle(root, options, review=args.review)
    _report(bundle.result, args)
    if bundle.path is not None and not args.quiet and args.output_format == "text":
        size = sum(len(entry.data) for entry in bundle.entries)
        amount = f"{size / 1e6:.1f} MB" if size >= 1e6 else f"{size / 1e3:.0f} kB"
        print(
            f"wrote {bundle.path} ({len(bundle.entries)} files, {amount} before compression)",
            file=sys.stderr,
        )
    return 0 if bundle.result.ok else 1


def _diff(root: Path, options: Options, args: argparse.Namespace) -> int:
    from paperbuild.revision_diff import make_diff

    diff = make_diff(root, args.argument, options)
    _report(diff.result, args)
    counts = diff.counts
    if diff.result.ok and not args.quiet and args.output_format == "text":
        print(
            f"compared with {diff.revision.short} ({diff.revision.subject}): {counts.changed} changed, "
            f"{counts.inserted} inserted, {counts.deleted} deleted, {counts.moved} moved; "
            f"{counts.words_inserted} words inserted, {counts.words_deleted} deleted; "
            f"{len(counts.references_added)} references added, {len(counts.references_removed)} removed",
            file=sys.stderr,
        )
    return 0 if diff.result.ok else 1


SUBMISSION_COMMANDS: dict[str, Callable[[Path, Options, argparse.Namespace], int]] = {
    "stats": _stats,
    "bundle": _bundle,
    "diff": _diff,
}


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line with `argv` (default: sys.argv[1:]) and return the exit code."""
    debug = "--debug" in (argv if argv is not None else sys.argv[1:])
    try:
        parser = make_parser()
        args = parser.parse_args(argv)
        _check_usage(parser, args)
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
    except ImportError as exc:
        if debug:
            raise
        print(
            f"paperbuild: error: {exc.name or exc} is not installed; reinstall paperbuild "
            "(python -m pip install -e '.[test]')",
            file=sys.stderr,
        )
        return 3
    except OSError as exc:
        if debug:
            raise
        where = f" {exc.filename}" if exc.filename else ""
        print(f"paperbuild: error: cannot access{where}: {exc.strerror or exc}", file=sys.stderr)
        return 1
    except Exception as exc:  # a bug: say so in one line; --debug shows where
        if debug:
            raise
        print(
            f"paperbuild: internal error ({type(exc).__name__}: {exc}); this is a bug in paperbuild, please "
            "report it with the output of the same command run with --debug",
            file=sys.stderr,
        )
        return 1


GC_THRESHOLDS = (200_000, 30, 30)
"""The command's collector thresholds (mypy's): a collection every 200,000 allocations, older generations almost
never. The paper's AST lives until the end, yet Python's defaults had the collector walk it again and again: 0.2 s
of a 15,000-word build, for next to no garbage freed. (The PDF worker, used once, runs without the collector.)"""


def main_entry() -> None:
    """Console-script entry point: exit with `main()`'s code.

    The process ends without the interpreter's teardown, which freed the parsed paper object by object and
    unloaded every module: 0.07-0.1 s after the last file was written, for nothing. Everything is written and
    closed by then, the output streams are flushed here, and paperbuild registers nothing with atexit."""
    gc.set_threshold(*GC_THRESHOLDS)  # here, in the command's own process, not for library callers
    code = main()
    with contextlib.suppress(OSError, ValueError):  # a reader that went away (`| head`), a closed stream
        sys.stdout.flush()
        sys.stderr.flush()
    os._exit(code)
