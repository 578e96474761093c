"""The submission tools, above the pipeline: what an author runs once the paper builds.

bundle.py packs the outputs, figures, supplementary material and sources (gathered, anonymised for review and given
the command line's settings by sources.py) into a zip with a MANIFEST, meca.py into a MECA package with a
manifest.xml for submission systems; revision_diff.py marks what changed since a git revision
(read by gitrev.py, compared word by word by worddiff.py); stats_command.py runs a build to count what a journal
counts, pages included.
"""
