"""The PrairieLearn export's parts: the questions' statements and inputs (:mod:`.questions`) and the
runtime shipped to the course (``hw6_prairielearn.py``, read as a file, never imported by hw6)."""
