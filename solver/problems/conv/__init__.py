"""Problem 6, convolutional networks, as two problems sharing one exact engine.

:mod:`.filter` is 6a and 6b (the filter behind a convolution) and :mod:`.transpose`
is 6c (transpose convolution); each has its own parameters section and the same
files as every other problem. What both use sits here: :mod:`.exact` (exact
convolution arithmetic), :mod:`.numeric` (the independent float64 routes of the
cross-checks) and :mod:`.linsolve` (exact linear systems, for 6b).
"""
