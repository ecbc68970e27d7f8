"""Beam search, two ways that must agree.

:mod:`.tree` runs over an explicit table of next-token log-probabilities in
plain Python (Fractions give exact sums for the sheets); :mod:`.batched`
scores all hypotheses of a step with one decoder call and selects the top k
with partial selection (NumPy, or torch where installed); :mod:`.decoders`
holds the decoders the batched engine calls, including a tiny random RNN
language model.

The tie rule, shared by both engines: hypotheses are ranked by cumulative
log-probability, best first; equal log-probabilities are ordered by their
tokens' positions in the vocabulary, compared from the first token (the
sequence whose first differing token comes earlier in the vocabulary ranks
higher). Among the children of one hypothesis this is simply "earlier token
in the vocabulary first".
"""
