"""Raw TeX in a Markdown paper: what pandoc's Markdown reader keeps as raw TeX, made into what it means.

convert.py takes the parsed AST and replaces each raw TeX fragment by the nodes it means, or reports it at its
place; reader.py runs pandoc's LaTeX reader on many fragments in few runs; layout.py names the commands that only
lay a page out (dropped with a note); symbols.py writes TeX's text symbols (`\\textbar{}`) as their characters, in
chapters and in the references citeproc made from the .bib files.
"""
