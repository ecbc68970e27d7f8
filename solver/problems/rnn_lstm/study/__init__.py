"""Problem 3's experiments on the NumPy layers of :mod:`solver.nn`.

data         the running-average task and its two losses
testcases    the fixed test inputs of parts (a)-(c), in 40-digit and float arithmetic
gradients    the gradient-magnitude tool and the vanishing/exploding study, (d)-(j)
derivations  the symbolic results of (e) and (i), with SymPy
training     one- and two-layer networks trained to the loss thresholds of (k), cached
"""
