"""paperbuild: Markdown chapters + BibTeX -> journal-ready PDF, HTML and DOCX, with strict citation checks."""

__version__ = "0.1.0"
