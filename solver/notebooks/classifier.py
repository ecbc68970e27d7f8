"""Problem 4's notebook code: the surname data, an LSTM classifier with its backward pass, Adam.

Standalone NumPy like :mod:`.provided`; the student writes
:func:`train_classifier` (the loop), everything else is given. A name is read
character by character (a learned vector per character), by one LSTM forwards
and by another backwards, and the two final hidden states are scored against
every language: one network of hw6's own classifier (:mod:`solver.problems.names_classifier`)
without its n-gram bag.
"""

from __future__ import annotations

import numpy as np

ALPHABET = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ .,;'"


def normalise(name):
    """The name as the network reads it: accents dropped, characters outside ALPHABET removed."""
    import unicodedata

    text = unicodedata.normalize("NFD", name.strip())
    return "".join(c for c in text if unicodedata.category(c) != "Mn" and c in ALPHABET)[:40]


def load_names(folder):
    """Every <Language>.txt in folder (hidden files left out): names (normalised), labels, languages."""
    import pathlib

    names, labels, languages, seen = [], [], [], set()
    files = [p for p in sorted(pathlib.Path(folder).glob("*.txt")) if not p.name.startswith(".") and p.is_file()]
    for path in files:
        label = len(languages)
        for line in path.read_text(encoding="utf-8", errors="replace").splitlines():
            name = normalise(line)
            if name.strip() and (name, label) not in seen:
                seen.add((name, label))
                names.append(name)
                labels.append(label)
        languages.append(path.stem)
    return names, np.array(labels), languages


def split_names(labels, fraction=0.1, seed=0):
    """Indices of the training and test names: each language keeps ``fraction`` of its names for the test."""
    rng, train, test = np.random.default_rng(seed), [], []
    for label in np.unique(labels):
        members = rng.permutation(np.flatnonzero(labels == label))
        cut = max(1, round(fraction * len(members)))
        test.append(members[:cut])
        train.append(members[cut:])
    return np.sort(np.concatenate(train)), np.sort(np.concatenate(test))


def encode(names):
    """Character indices padded with 0 to the longest name (B, T), and each name's length (B,)."""
    lengths = np.array([len(n) for n in names])
    codes = np.zeros((len(names), lengths.max()), dtype=np.int64)
    for row, name in enumerate(names):
        codes[row, : len(name)] = [ALPHABET.index(c) for c in name]
    return codes, lengths


def reverse_names(codes, lengths):
    """Each row's first ``lengths`` codes in reverse order; the padding after them stays where it is."""
    steps = np.arange(codes.shape[1])
    source = lengths[:, None] - 1 - steps[None, :]
    return np.take_along_axis(codes, np.where(source >= 0, source, steps[None, :]), axis=1)


def new_classifier(classes, hidden=128, embedding=32, seed=0):
    """Initial weights: E (V, E); for each direction ("fwd" reads a name forwards, "bwd" backwards) U (E, 4H),
    W (H, 4H), b (4H,) with gates f, i, o, g; the head V_out (2H, C), c (C,)."""
    rng = np.random.default_rng([seed, 41])
    bound = 1.0 / np.sqrt(hidden)
    params = {"E": rng.standard_normal((len(ALPHABET), embedding))}
    for direction in ("fwd", "bwd"):
        params["U_" + direction] = rng.uniform(-bound, bound, (embedding, 4 * hidden))
        params["W_" + direction] = rng.uniform(-bound, bound, (hidden, 4 * hidden))
        params["b_" + direction] = rng.uniform(-bound, bound, 4 * hidden)
    bound = 1.0 / np.sqrt(2 * hidden)
    params["V_out"] = rng.uniform(-bound, bound, (2 * hidden, classes))
    params["c"] = rng.uniform(-bound, bound, classes)
    return params


def lstm_states(x, U, W, b):
    """Every hidden and cell state of one LSTM over x (B, T, E), index 0 the zero state, and the gates."""
    batch, steps, _ = x.shape
    hidden = W.shape[0]
    pre = x @ U + b  # (B, T, 4H): the input part of every step at once
    hs, cs = np.zeros((batch, steps + 1, hidden)), np.zeros((batch, steps + 1, hidden))
    gates = np.empty((batch, steps, 4 * hidden))
    for t in range(steps):
        z = pre[:, t] + hs[:, t] @ W
        gates[:, t, : 3 * hidden] = 1.0 / (1.0 + np.exp(-z[:, : 3 * hidden]))
        gates[:, t, 3 * hidden :] = np.tanh(z[:, 3 * hidden :])
        f, i, o, g = (gates[:, t, k * hidden : (k + 1) * hidden] for k in range(4))
        cs[:, t + 1] = f * cs[:, t] + i * g
        hs[:, t + 1] = np.tanh(cs[:, t + 1]) * o
    return hs, cs, gates


def classifier_forward(params, codes, lengths, dropout=0.0, rng=None):
    """Logits (B, C) from both directions' final hidden states, and what the backward pass needs.

    With a generator ``rng`` (training), each of the head's inputs is zeroed with probability ``dropout``
    and the others scaled by 1 / (1 - dropout); without one nothing is dropped.
    """
    rows = np.arange(len(lengths))
    runs, finals = [], []
    for direction, read in (("fwd", codes), ("bwd", reverse_names(codes, lengths))):
        x = params["E"][read]
        hs, cs, gates = lstm_states(x, params["U_" + direction], params["W_" + direction], params["b_" + direction])
        runs.append((read, x, hs, cs, gates))
        finals.append(hs[rows, lengths])  # after the name's last letter (forwards) or its first (backwards)
    features = np.concatenate(finals, axis=1)  # (B, 2H)
    mask = None
    if rng is not None and dropout:
        mask = (rng.random(features.shape) >= dropout) / (1.0 - dropout)
        features = features * mask
    return features @ params["V_out"] + params["c"], (lengths, runs, features, mask)


def cross_entropy(logits, labels, weights=None, smoothing=0.0):
    """Class-weighted, label-smoothed mean cross-entropy, and its gradient with respect to the logits.

    The target puts 1 - smoothing on the label and smoothing / C on every class; each name counts with
    its label's weight (all 1 without ``weights``) and the sum is divided by the sum of those weights.
    """
    classes = logits.shape[1]
    weights = np.ones(classes) if weights is None else np.asarray(weights)
    shifted = logits - logits.max(axis=1, keepdims=True)
    log_probs = shifted - np.log(np.exp(shifted).sum(axis=1, keepdims=True))
    target = np.full(logits.shape, smoothing / classes)
    target[np.arange(len(labels)), labels] += 1.0 - smoothing
    per_class = target * weights  # (B, C): each class's share of the loss, weighted
    total = weights[labels].sum()
    loss = -(per_class * log_probs).sum() / total
    d_logits = (np.exp(log_probs) * per_class.sum(axis=1, keepdims=True) - per_class) / total
    return float(loss), d_logits


def lstm_backward(W, x, hs, cs, gates, d_hs):
    """Backpropagation through time of one LSTM from dL/dh_t (B, T, H): the gradients of U, W, b and of x."""
    hidden = W.shape[0]
    d_h, d_c = np.zeros_like(d_hs[:, 0]), np.zeros_like(d_hs[:, 0])
    d_z = np.empty_like(gates)  # (B, T, 4H)
    for t in range(gates.shape[1] - 1, -1, -1):
        d_h = d_h + d_hs[:, t]
        f, i, o, g = (gates[:, t, k * hidden : (k + 1) * hidden] for k in range(4))
        tanh_c = np.tanh(cs[:, t + 1])
        d_c = d_c + d_h * o * (1.0 - tanh_c**2)
        d_z[:, t, :hidden] = d_c * cs[:, t] * f * (1 - f)
        d_z[:, t, hidden : 2 * hidden] = d_c * g * i * (1 - i)
        d_z[:, t, 2 * hidden : 3 * hidden] = d_h * tanh_c * o * (1 - o)
        d_z[:, t, 3 * hidden :] = d_c * i * (1 - g**2)
        d_h, d_c = d_z[:, t] @ W.T, d_c * f
    flat = d_z.reshape(-1, 4 * hidden)
    grads = (x.reshape(-1, x.shape[2]).T @ flat, hs[:, :-1].reshape(-1, hidden).T @ flat, flat.sum(axis=0))
    return grads, d_z


def classifier_backward(params, cache, d_logits):
    """Gradients of every parameter from dL/dlogits (B, C): backpropagation through time in both directions."""
    lengths, runs, features, mask = cache
    grads = {"E": np.zeros_like(params["E"]), "V_out": features.T @ d_logits, "c": d_logits.sum(axis=0)}
    d_features = d_logits @ params["V_out"].T  # (B, 2H)
    if mask is not None:
        d_features = d_features * mask
    hidden = params["W_fwd"].shape[0]
    for k, (direction, (read, x, hs, cs, gates)) in enumerate(zip(("fwd", "bwd"), runs, strict=True)):
        d_hs = np.zeros((len(lengths), gates.shape[1], hidden))
        d_hs[np.arange(len(lengths)), lengths - 1] = d_features[:, k * hidden : (k + 1) * hidden]
        (d_U, d_W, d_b), d_z = lstm_backward(params["W_" + direction], x, hs, cs, gates, d_hs)
        grads["U_" + direction], grads["W_" + direction], grads["b_" + direction] = d_U, d_W, d_b
        np.add.at(grads["E"], read, d_z @ params["U_" + direction].T)
    return grads


def adam_step(params, grads, state, lr, betas=(0.9, 0.999), eps=1e-8):
    """One Adam update of every parameter in place; ``state`` starts as {} and keeps the moments."""
    state["step"] = state.get("step", 0) + 1
    for name, grad in grads.items():
        m = state.setdefault("m_" + name, np.zeros_like(grad))
        v = state.setdefault("v_" + name, np.zeros_like(grad))
        m[...] = betas[0] * m + (1 - betas[0]) * grad
        v[...] = betas[1] * v + (1 - betas[1]) * grad * grad
        m_hat, v_hat = m / (1 - betas[0] ** state["step"]), v / (1 - betas[1] ** state["step"])
        params[name] -= lr * m_hat / (np.sqrt(v_hat) + eps)


def predict(params, codes, lengths, batch=512):
    """The most probable language of every name, in batches of similar lengths (each padded to its longest)."""
    order, out = np.argsort(lengths, kind="stable"), np.empty(len(lengths), dtype=np.int64)
    for start in range(0, len(order), batch):
        rows = order[start : start + batch]
        out[rows] = classifier_forward(params, codes[rows, : lengths[rows].max()], lengths[rows])[0].argmax(axis=1)
    return out


def scores(params, codes, lengths, labels):
    """Accuracy (the share of names whose most probable language is theirs) and balanced accuracy (its mean over
    the languages, each language's recall counted once)."""
    right = predict(params, codes, lengths) == labels
    return float(np.mean(right)), float(np.mean([np.mean(right[labels == c]) for c in np.unique(labels)]))


def language_weights(labels, classes):
    """Each language's loss weight: the square root of (all names / (classes * its names)), 1 for an average one."""
    counts = np.maximum(np.bincount(labels, minlength=classes), 1)
    return np.sqrt(counts.sum() / (classes * counts))


def train_classifier(
    params, codes, lengths, labels, weights, epochs, batch_size, lr, final_ratio, dropout, smoothing, seed=0
):
    """Train with Adam on a cosine schedule; returns each epoch's mean training loss.

    Each epoch visits the names in a new random order, in batches of similar lengths (sort the
    shuffled names by length, cut them into batches, shuffle the batches), and pads a batch only
    to its own longest name. Per batch: classifier_forward (with dropout, drawing its masks from the
    same generator), cross_entropy (with the language weights and label smoothing), classifier_backward,
    adam_step. The learning rate of epoch k (0-based) is
    lr * (final_ratio + (1 - final_ratio) * (1 + cos(pi * k / (epochs - 1))) / 2).
    """
    rng, state, curve = np.random.default_rng([seed, 42]), {}, []
    for epoch in range(epochs):
        rate = lr * (final_ratio + (1 - final_ratio) * 0.5 * (1 + np.cos(np.pi * epoch / max(1, epochs - 1))))
        order = rng.permutation(len(labels))
        order = order[np.argsort(lengths[order], kind="stable")]
        batches = [order[k : k + batch_size] for k in range(0, len(order), batch_size)]
        total = 0.0
        for index in rng.permutation(len(batches)):
            rows = batches[index]
            logits, cache = classifier_forward(params, codes[rows, : lengths[rows].max()], lengths[rows], dropout, rng)
            loss, d_logits = cross_entropy(logits, labels[rows], weights, smoothing)
            adam_step(params, classifier_backward(params, cache, d_logits), state, rate)
            total += loss * len(rows)
        curve.append(total / len(labels))
    return curve
