"""A client that returns zero updates without computing anything: it measures the protocol's own cost
(docs/external-optimizer.md, "Overhead")."""
import numpy as np

from lobench_ext import serve


class Null:
    def __init__(self, shapes):
        self.zeros = [np.zeros(s, np.float32) for s in shapes]

    def step(self, step, loss, grads, params):
        return self.zeros


if __name__ == "__main__":
    serve(lambda names, shapes, run_steps: Null(shapes))
