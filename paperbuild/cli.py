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
import re
import shlex
import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, TextIO

from paperbuild import __version__
from paperbuild.diagnostics import Diagnostic, Severity, to_json
from paperbuild.errors import PaperbuildError, UsageError
from paperbuild.limits import memory_cap

if TYPE_CHECKING:
    from paperbuild.pipeline import BuildResult, Options

COMMANDS = (
    "all",
    "pdf",
    "html",
    "docx",
    "jats",
    "check",
    "watch",
    "clean",
    "stats",
    "bundle",
    "diff",
    "init",
    "import",
)
TAKES_ARGUMENT = {"diff": "REV", "init": "DIR", "import": "SRC"}
PDF_STANDARDS = ("pdf/ua-1", "pdf/ua-2", "pdf/a-1b", "pdf/a-2b", "pdf/a-3b", "pdf/a-2u", "pdf/a-3u", "pdf/a-4u")
FORMATS_OF = {
    "all": ("html", "pdf", "docx", "jats"),
    "pdf": ("pdf",),
    "html": ("html",),
    "docx": ("docx",),
    "jats": ("jats",),
}
CONTROL = re.compile("[\x00-\x1f\x7f-\x9f]")
"""Control characters (C0, DEL, C1): in a file name, a commit subject or a message they could move the cursor, clear
the screen or retitle the terminal, so every line printed shows them as escapes."""


def _say(text: str, *, file: TextIO | None = None, flush: bool = False, lines: bool = False) -> None:
    """Print `text` to stderr (or `file`) with each control character shown as `\\x1b`; newlines too, unless `text`
    is meant to be several `lines`."""
    shown = CONTROL.sub(lambda match: "\n" if lines and match[0] == "\n" else f"\\x{ord(match[0]):02x}", text)
    print(shown, file=file or sys.stderr, flush=flush)


def _say_json(text: str) -> None:
    """Print a JSON document to stdout; json escapes C0 controls itself, DEL and C1 are escaped here."""
    print(re.sub("[\x7f-\x9f]", lambda match: f"\\u{ord(match[0]):04x}", text))


def default_project() -> Path:
    """The folder holding the running build.py; the current folder when run as `paperbuild`."""
    script = Path(sys.argv[0]) if sys.argv and sys.argv[0] else Path()
    return script.resolve().parent if script.name == "build.py" else Path.cwd()


def _port(text: str) -> int:
    """A TCP port number for --port: 0 (any free port) to 65535."""
    try:
        port = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"'{text}' is not a port number") from None
    if not 0 <= port <= 65535:
        raise argparse.ArgumentTypeError(f"{port} is not a port number (0 to 65535; 0 picks a free one)")
    return port


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # type: ignore[override]
        raise UsageError(f"{message}\n{self.format_usage().strip()}")


def make_parser() -> argparse.ArgumentParser:
    """The argument parser of `python build.py` and `paperbuild`."""
    parser = _Parser(prog="paperbuild", description="Build a paper from Markdown chapters and BibTeX.")
    parser.add_argument(
        "command",
        nargs="?",
        default="all",
        choices=COMMANDS,
        help="what to do (default: all = html, pdf, docx and jats)",
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
        "--journal", default=None, metavar="NAME", help="journal profile shipped with paperbuild, e.g. plos-one"
    )
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
    parser.add_argument("--meca", action="store_true", help="bundle: a MECA package (manifest.xml) for journals")
    parser.add_argument("--port", type=_port, default=8000, help="watch: port of the preview server (0: any free one)")
    parser.add_argument("-q", "--quiet", action="store_true", help="print only errors and warnings")
    parser.add_argument("-v", "--verbose", action="store_true", help="also say what was read and written")
    parser.add_argument("--debug", action="store_true", help="show tracebacks")
    parser.add_argument("--version", action="version", version=f"paperbuild {__version__}")
    return parser


def _print_diagnostics(diagnostics: Sequence[Diagnostic], output_format: str) -> None:
    if output_format == "json":
        _say_json(to_json(diagnostics))
        return
    for diagnostic in sorted(diagnostics):
        _say(diagnostic.format())
    errors = sum(d.severity is Severity.ERROR for d in diagnostics)
    notes = sum(d.severity is Severity.NOTE for d in diagnostics)
    warnings = len(diagnostics) - errors - notes
    if diagnostics:
        _say(f"{errors} error(s), {warnings} warning(s)" + (f", {notes} note(s)" if notes else ""))


def _print_stage(stage: str, seconds: float) -> None:
    _say(f"  {stage:<12} {seconds:6.2f} s", flush=True)


def _report(result: BuildResult, args: argparse.Namespace) -> None:
    _print_diagnostics(result.diagnostics, args.output_format)
    if not args.quiet and args.output_format == "text":
        if args.verbose:
            for line in result.details:
                _say(f"  {line}")
        for path in result.written.values():
            _say(f"wrote {path}")
        if result.up_to_date:
            _say(f"up to date (inputs unchanged): {', '.join(result.up_to_date)}")


def _watch(root: Path, options: Options, args: argparse.Namespace) -> int:
    from paperbuild.watch import watch

    shown: dict[str, list[Diagnostic]] = {}

    def report(result: BuildResult, what: str) -> None:
        if result.diagnostics != shown.get(what):
            _print_diagnostics(result.diagnostics, args.output_format)
            shown[what] = result.diagnostics
        done = ", ".join(result.written) or "nothing to do" if result.ok else "stopped by errors"
        seconds = sum(t for _, t in result.timings)
        _say(f"[{time.strftime('%H:%M:%S')}] {what}: {done} ({seconds:.2f} s)", flush=True)

    def started(url: str) -> None:
        _say(f"serving {url} (live reload); Ctrl-C stops", flush=True)

    def failed(message: str) -> None:
        _say(f"[{time.strftime('%H:%M:%S')}] paperbuild: error: {message} (still watching)", flush=True)

    try:
        watch(root, options, args.port, report, started, failed)
    except KeyboardInterrupt:
        _say("stopped")
    return 0


def _check_usage(parser: argparse.ArgumentParser, args: argparse.Namespace) -> None:
    """The combinations argparse cannot express: which commands take the positional argument, --review and --meca."""
    usage = parser.format_usage().strip()
    wanted = TAKES_ARGUMENT.get(args.command)
    if wanted and args.argument is None:
        example = {"diff": "diff HEAD~1", "init": "init my-paper", "import": "import paper/ my-paper"}[args.command]
        raise UsageError(f"{args.command} needs {wanted}, e.g. '{example}'\n{usage}")
    if not wanted and args.argument is not None:
        raise UsageError(f"{args.command} takes no argument (got '{args.argument}')\n{usage}")
    if args.command != "import" and args.into is not None:
        raise UsageError(f"{args.command} takes one argument at most (got '{args.into}')\n{usage}")
    for flag in ("review", "meca"):
        if getattr(args, flag) and args.command != "bundle":
            raise UsageError(f"--{flag} is an option of bundle only\n{usage}")


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
        journal=args.journal,
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
            _say(f"removed {path}")
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
            _say(f"created {folder / rel}")
        python = shlex.quote(sys.executable)  # the Python paperbuild is installed in, not whichever `python` is first
        _say(f"next: cd {shlex.quote(str(folder))} && git init && {python} build.py")
    return 0


def _import(src: Path, args: argparse.Namespace) -> int:
    from paperbuild.importers import import_paper
    from paperbuild.scaffold import write_new_project

    plan = import_paper(src)
    folder = Path(args.into) if args.into else Path(src.resolve().stem)
    written = write_new_project(folder, plan.files, "import")
    if not args.quiet and args.output_format == "text":
        _say(f"read {src} as a {plan.kind}")
        for rel in written:
            _say(f"created {folder / rel}")
    _print_diagnostics(plan.diagnostics, args.output_format)
    if not args.quiet and args.output_format == "text":
        python = shlex.quote(sys.executable)
        _say(f"next: cd {shlex.quote(str(folder))} && git init && {python} build.py check")
    return 0


def _stats(root: Path, options: Options, args: argparse.Namespace) -> int:
    from paperbuild.submission.stats_command import run_stats

    result, stats = run_stats(root, options)
    if args.output_format == "json":
        document = {"stats": stats.to_json(), "diagnostics": [d.to_json() for d in sorted(result.diagnostics)]}
        _say_json(json.dumps(document, ensure_ascii=False, indent=2))
    else:
        _print_diagnostics(result.diagnostics, "text")
        if not args.quiet:
            for path in result.written.values():
                _say(f"wrote {path}")
        for line in stats.lines():
            _say(line, file=sys.stdout)
    return 0 if result.ok else 1


def _bundle(root: Path, options: Options, args: argparse.Namespace) -> int:
    from paperbuild.submission.bundle import make_bundle
    from paperbuild.submission.meca import make_meca

    bundle = (make_meca if args.meca else make_bundle)(root, options, review=args.review)
    _report(bundle.result, args)
    if bundle.path is not None and not args.quiet and args.output_format == "text":
        size = sum(len(entry.data) for entry in bundle.entries)
        amount = f"{size / 1e6:.1f} MB" if size >= 1e6 else f"{size / 1e3:.0f} kB"
        _say(
            f"wrote {bundle.path} ({len(bundle.entries)} files, {amount} before compression)",
        )
    return 0 if bundle.result.ok else 1


def _diff(root: Path, options: Options, args: argparse.Namespace) -> int:
    from paperbuild.submission.revision_diff import make_diff

    diff = make_diff(root, args.argument, options)
    _report(diff.result, args)
    counts = diff.counts
    if diff.result.ok and not args.quiet and args.output_format == "text":
        _say(
            f"compared with {diff.revision.short} ({diff.revision.subject}): {counts.changed} changed, "
            f"{counts.inserted} inserted, {counts.deleted} deleted, {counts.moved} moved; "
            f"{counts.words_inserted} words inserted, {counts.words_deleted} deleted; "
            f"{len(counts.references_added)} references added, {len(counts.references_removed)} removed",
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
        with memory_cap():  # limits.py: the heap capped, running out an error naming the stage
            return _run(args)
    except PaperbuildError as exc:
        if debug:
            raise
        _say(f"paperbuild: error: {exc}", lines=True)
        return exc.exit_code
    except SystemExit as exc:  # argparse's --help and --version
        return exc.code if isinstance(exc.code, int) else 0
    except KeyboardInterrupt:
        _say("paperbuild: interrupted")
        return 130
    except ImportError as exc:
        if debug:
            raise
        _say(
            f"paperbuild: error: {exc.name or exc} is not installed; reinstall paperbuild "
            "(python -m pip install -e '.[test]')",
        )
        return 3
    except OSError as exc:
        if debug:
            raise
        where = f" {exc.filename}" if exc.filename else ""
        _say(f"paperbuild: error: cannot access{where}: {exc.strerror or exc}")
        return 1
    except Exception as exc:  # a bug: say so in one line; --debug shows where
        if debug:
            raise
        _say(
            f"paperbuild: internal error ({type(exc).__name__}: {exc}); this is a bug in paperbuild, please "
            "report it with the output of the same command run with --debug",
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
