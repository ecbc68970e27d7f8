"""Problem 4's classifier: a character-level recurrent network that reads a surname and names its language.

    training     the configuration, length-grouped batches, training with the cache
    evaluation   probabilities, accuracy, balanced and per-language accuracy, confusion, top-k
    oracle       the same network in torch (autograd, torch.nn.LSTM/RNN) for the cross-check
    figures      the training curve and the confusion matrix as deterministic PDFs
    log          submission_log.json: a self-describing record of the run

The data (reading, normalising, splitting) is :mod:`solver.names_data`; the
layers are :mod:`solver.nn`.
"""
