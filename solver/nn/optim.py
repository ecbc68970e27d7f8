"""Adam, updating parameter arrays in place."""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np

from ..kernel.errors import LayerUsageError


class Adam:
    """Adam (Kingma and Ba), the same update as ``torch.optim.Adam`` without weight decay.

    ``params`` maps names to the model's own arrays; ``step(grads)`` takes the
    gradients under the same names and changes the arrays in place.

    A parameter named in ``lazy`` (a table of rows, like an n-gram bag's, of which a batch
    touches few) is updated the way ``torch.optim.SparseAdam`` does: only the rows whose
    gradient is not zero, their moments included; the other rows keep their moments as they are.
    """

    def __init__(
        self,
        params: Mapping[str, np.ndarray],
        lr: float = 1e-3,
        betas: tuple[float, float] = (0.9, 0.999),
        eps: float = 1e-8,
        lazy: frozenset[str] = frozenset(),
    ):
        if not lr > 0:
            raise LayerUsageError(f"Adam: lr must be positive, got {lr!r}")
        self.params = dict(params)
        self.lr, (self.beta1, self.beta2), self.eps = float(lr), betas, float(eps)
        self.first = {name: np.zeros_like(p) for name, p in self.params.items()}
        self.second = {name: np.zeros_like(p) for name, p in self.params.items()}
        self.steps = 0
        self.lazy = frozenset(lazy) & set(self.params)

    def step(self, grads: Mapping[str, np.ndarray]) -> None:
        if set(grads) != set(self.params):
            raise LayerUsageError(f"Adam.step: gradients for {sorted(grads)}, expected {sorted(self.params)}")
        self.steps += 1
        correction1 = 1.0 - self.beta1**self.steps
        correction2 = 1.0 - self.beta2**self.steps
        step_size = self.lr / correction1
        for name, param in self.params.items():
            grad = grads[name]
            if name in self.lazy:
                self._lazy_step(name, grad, step_size, correction2)
                continue
            m, v = self.first[name], self.second[name]
            m *= self.beta1
            m += (1.0 - self.beta1) * grad
            v *= self.beta2
            v += (1.0 - self.beta2) * grad * grad
            param -= step_size * m / (np.sqrt(v / correction2) + self.eps)

    def _lazy_step(self, name: str, grad: np.ndarray, step_size: float, correction2: float) -> None:
        rows = np.flatnonzero(np.any(grad != 0, axis=1))  # the rows this batch reached
        g = grad[rows]  # (R, E)
        m = self.first[name][rows] * self.beta1 + (1.0 - self.beta1) * g  # (R, E)
        v = self.second[name][rows] * self.beta2 + (1.0 - self.beta2) * g * g  # (R, E)
        self.first[name][rows], self.second[name][rows] = m, v
        self.params[name][rows] -= step_size * m / (np.sqrt(v / correction2) + self.eps)
