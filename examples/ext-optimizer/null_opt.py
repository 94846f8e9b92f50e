"""A client that returns zero updates without computing anything: it measures the protocol's own cost
(docs/external-optimizer.md, "Overhead"). --shm: over the shared memory-mapped file instead of the pipes."""
import argparse

import numpy as np

from lobench_ext import serve


class Null:
    def __init__(self, shapes):
        self.zeros = [np.zeros(s, np.float32) for s in shapes]

    def step(self, step, loss, grads, params):
        return self.zeros


if __name__ == "__main__":
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--shm", action="store_true", help="ask for the shared memory-mapped file instead of the pipes")
    a = ap.parse_args()
    serve(lambda names, shapes, run_steps: Null(shapes), shm=a.shm)
