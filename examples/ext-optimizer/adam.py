"""Adam / AdamW as an external lobench optimizer, in NumPy float32, with PyTorch's formulas (as lobench's adam):

    adamw: p = p * (1 - lr*wd)        adam: g = g + wd*p
    m = b1*m + (1-b1)*g;  v = b2*v + (1-b2)*g^2
    p = p - (lr/bc1) * m / (sqrt(v)/sqrt(bc2) + eps),   bc_i = 1 - b_i^(step+1)

Run: ./lobench run --task fmnist8-mlp32 --optimizer 'ext:cmd=python3 examples/ext-optimizer/adam.py --lr 1e-3'
"""
import argparse
import math

import numpy as np

from lobench_ext import serve


class Adam:
    def __init__(self, shapes, lr, beta1, beta2, eps, wd, decoupled):
        self.lr, self.b1, self.b2, self.eps, self.wd, self.decoupled = lr, beta1, beta2, eps, wd, decoupled
        self.c1 = np.float32(1.0 - beta1)  # PyTorch rounds 1-beta (computed in double) to float32
        self.c2 = np.float32(1.0 - beta2)
        self.m = [np.zeros(s, np.float32) for s in shapes]
        self.v = [np.zeros(s, np.float32) for s in shapes]

    def step(self, step, loss, grads, params):
        t = step + 1
        bc1 = 1.0 - self.b1 ** t
        bc2 = 1.0 - self.b2 ** t
        step_size = np.float32(self.lr / bc1)
        bc2_sqrt = np.float32(math.sqrt(bc2))
        b1, b2, eps = np.float32(self.b1), np.float32(self.b2), np.float32(self.eps)
        updates = []
        for i, g in enumerate(grads):
            m, v = self.m[i], self.v[i]
            u = np.zeros_like(g)
            if self.wd and self.decoupled:
                u -= np.float32(self.lr * self.wd) * params[i]
            elif self.wd:
                g = g + np.float32(self.wd) * params[i]
            m *= b1
            m += g * self.c1
            v *= b2
            v += (g * g) * self.c2
            denom = np.sqrt(v) / bc2_sqrt + eps
            u -= (m * step_size) / denom
            updates.append(u)
        return updates


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--lr", type=float, default=1e-3)
    ap.add_argument("--beta1", type=float, default=0.9)
    ap.add_argument("--beta2", type=float, default=0.999)
    ap.add_argument("--eps", type=float, default=1e-8)
    ap.add_argument("--wd", type=float, default=0.0)
    ap.add_argument("--decoupled", action="store_true", help="AdamW: decoupled weight decay")
    ap.add_argument("--shm", action="store_true", help="ask for the shared memory-mapped file instead of the pipes")
    a = ap.parse_args()
    serve(lambda names, shapes, run_steps: Adam(shapes, a.lr, a.beta1, a.beta2, a.eps, a.wd, a.decoupled),
          send_params=a.wd != 0, shm=a.shm)


if __name__ == "__main__":
    main()
