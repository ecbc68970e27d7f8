"""Problem 4's notebook code: the surname data, an LSTM classifier with its backward pass, Adam.

Standalone NumPy like :mod:`.provided`; the student writes
:func:`train_classifier` (the loop), everything else is given. A name is read
character by character (a learned vector per character, one LSTM layer) and
its last hidden state scored against every language.
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
    """Every <Language>.txt in folder: names (normalised), labels, languages."""
    import pathlib

    names, labels, languages, seen = [], [], [], set()
    for path in sorted(pathlib.Path(folder).glob("*.txt")):
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


def new_classifier(classes, hidden=128, embedding=32, seed=0):
    """Initial weights: E (V, E), U (E, 4H), W (H, 4H), b (4H,) with gates f, i, o, g, head V_out (H, C), c (C,)."""
    rng = np.random.default_rng([seed, 41])
    bound = 1.0 / np.sqrt(hidden)
    return {
        "E": rng.standard_normal((len(ALPHABET), embedding)),
        "U": rng.uniform(-bound, bound, (embedding, 4 * hidden)),
        "W": rng.uniform(-bound, bound, (hidden, 4 * hidden)),
        "b": rng.uniform(-bound, bound, 4 * hidden),
        "V_out": rng.uniform(-bound, bound, (hidden, classes)),
        "c": rng.uniform(-bound, bound, classes),
    }


def classifier_forward(params, codes, lengths):
    """Logits (B, C) from each name's last hidden state, and what the backward pass needs."""
    x = params["E"][codes]
    batch, steps, _ = x.shape
    hidden = params["W"].shape[0]
    pre = x @ params["U"] + params["b"]  # (B, T, 4H): the input part of every step at once
    hs, cs = np.zeros((batch, steps + 1, hidden)), np.zeros((batch, steps + 1, hidden))  # index 0: the zero state
    gates = np.empty((batch, steps, 4 * hidden))
    for t in range(steps):
        z = pre[:, t] + hs[:, t] @ params["W"]
        gates[:, t, : 3 * hidden] = 1.0 / (1.0 + np.exp(-z[:, : 3 * hidden]))
        gates[:, t, 3 * hidden :] = np.tanh(z[:, 3 * hidden :])
        f, i, o, g = (gates[:, t, k * hidden : (k + 1) * hidden] for k in range(4))
        cs[:, t + 1] = f * cs[:, t] + i * g
        hs[:, t + 1] = np.tanh(cs[:, t + 1]) * o
    last = hs[np.arange(batch), lengths]
    return last @ params["V_out"] + params["c"], (codes, lengths, x, hs, cs, gates, last)


def cross_entropy(logits, labels):
    """Mean -log softmax(logits)[label], and its gradient with respect to the logits."""
    shifted = logits - logits.max(axis=1, keepdims=True)
    log_probs = shifted - np.log(np.exp(shifted).sum(axis=1, keepdims=True))
    d_logits = np.exp(log_probs)
    d_logits[np.arange(len(labels)), labels] -= 1.0
    return float(-log_probs[np.arange(len(labels)), labels].mean()), d_logits / len(labels)


def classifier_backward(params, cache, d_logits):
    """Gradients of every parameter from dL/dlogits (B, C): backpropagation through time."""
    codes, lengths, x, hs, cs, gates, last = cache
    hidden = params["W"].shape[0]
    grads = {"E": np.zeros_like(params["E"]), "V_out": last.T @ d_logits, "c": d_logits.sum(axis=0)}
    d_last = d_logits @ params["V_out"].T
    d_h, d_c = np.zeros_like(d_last), np.zeros_like(d_last)
    d_z = np.empty_like(gates)  # (B, T, 4H)
    for t in range(gates.shape[1] - 1, -1, -1):
        d_h = d_h + d_last * (lengths - 1 == t)[:, None]
        f, i, o, g = (gates[:, t, k * hidden : (k + 1) * hidden] for k in range(4))
        tanh_c = np.tanh(cs[:, t + 1])
        d_c = d_c + d_h * o * (1.0 - tanh_c**2)
        d_z[:, t, :hidden] = d_c * cs[:, t] * f * (1 - f)
        d_z[:, t, hidden : 2 * hidden] = d_c * g * i * (1 - i)
        d_z[:, t, 2 * hidden : 3 * hidden] = d_h * tanh_c * o * (1 - o)
        d_z[:, t, 3 * hidden :] = d_c * i * (1 - g**2)
        d_h, d_c = d_z[:, t] @ params["W"].T, d_c * f
    flat = d_z.reshape(-1, 4 * hidden)
    grads["U"] = x.reshape(-1, x.shape[2]).T @ flat
    grads["W"] = hs[:, :-1].reshape(-1, hidden).T @ flat
    grads["b"] = flat.sum(axis=0)
    np.add.at(grads["E"], codes, d_z @ params["U"].T)
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


def accuracy(params, codes, lengths, labels):
    """The share of names whose highest logit is their language."""
    return float(np.mean(classifier_forward(params, codes, lengths)[0].argmax(axis=1) == labels))


def train_classifier(params, codes, lengths, labels, epochs=6, batch_size=32, lr=0.003, final_ratio=0.02, seed=0):
    """Train with Adam on a cosine schedule; returns each epoch's mean training loss.

    Each epoch visits the names in a new random order, in batches of similar lengths (sort the
    shuffled names by length, cut them into batches, shuffle the batches), and pads a batch only
    to its own longest name. Per batch: classifier_forward, cross_entropy, classifier_backward,
    adam_step. The learning rate of epoch k (0-based) is
    lr * (final_ratio + (1 - final_ratio) * (1 + cos(pi * k / (epochs - 1))) / 2).
    """
    rng, state, curve = np.random.default_rng([seed, 42]), {}, []
    for epoch in range(epochs):
        rate = lr * (final_ratio + (1 - final_ratio) * 0.5 * (1 + np.cos(np.pi * epoch / max(1, epochs - 1))))
        order = rng.permutation(len(labels))
        order = order[np.argsort(lengths[order], kind="stable")]
        batches = [order[k : k + batch_size] for k in range(0, len(order), batch_size)]
        losses = []
        for index in rng.permutation(len(batches)):
            rows = batches[index]
            logits, cache = classifier_forward(params, codes[rows, : lengths[rows].max()], lengths[rows])
            loss, d_logits = cross_entropy(logits, labels[rows])
            adam_step(params, classifier_backward(params, cache, d_logits), state, rate)
            losses.append(loss)
        curve.append(float(np.mean(losses)))
    return curve
