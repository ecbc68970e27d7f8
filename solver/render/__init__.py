"""LaTeX rendering: the Jinja2 environment, safe TeX text, latexmk."""
