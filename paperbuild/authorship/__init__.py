"""Who wrote the paper and what each did: the authors and affiliations of metadata.yaml, read into one schema.

authors.py reads paperbuild's own author schema (names in parts, ORCID, e-mail, affiliations, equal contributors,
the corresponding author, country codes); schemas.py maps the author schemas of JOSS, Quarto, Manubot and R
Markdown into it (for metadata.yaml and for `import`); credit.py reads CRediT roles with their degree, in
CRediT's, Quarto's and Manubot's spellings.
"""
