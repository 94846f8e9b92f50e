"""Client side of lobench's external-optimizer protocol (docs/external-optimizer.md), with NumPy.

An optimizer is any object with a method step(step, loss, grads, params) that returns one float32 update per
tensor (lobench adds it to the parameter: p += u). `serve(factory)` does the I/O: it reads the tensor table,
calls factory(names, shapes, run_steps), answers the handshake and then serves step messages until lobench
sends END or closes the pipe. Log to stderr: stdout is the protocol channel.
"""
import struct
import sys

import numpy as np

MAGIC = b"LOBX"
VERSION = 1
MSG_STEP = 1
MSG_END = 2
STATUS_OK = 0
STATUS_ERROR = 1
FLAG_SEND_PARAMS = 1


def _read(f, n):
    b = f.read(n)
    if len(b) != n:
        raise EOFError(f"lobench closed the pipe ({len(b)} of {n} bytes)")
    return b


def _read_into(f, flat):
    view = memoryview(flat).cast("B")
    got = 0
    while got < len(view):
        n = f.readinto(view[got:])
        if not n:
            raise EOFError("lobench closed the pipe")
        got += n


def serve(factory, send_params=False, fin=None, fout=None):
    fin = fin or sys.stdin.buffer
    fout = fout or sys.stdout.buffer
    magic, version, _flags, run_steps, n = struct.unpack("<4sIIqI", _read(fin, 24))
    if magic != MAGIC or version != VERSION:
        raise SystemExit(f"not a lobench protocol {VERSION} stream: magic {magic!r}, version {version}")
    names, shapes = [], []
    for _ in range(n):
        (length,) = struct.unpack("<I", _read(fin, 4))
        names.append(_read(fin, length).decode("utf-8"))
        (rank,) = struct.unpack("<I", _read(fin, 4))
        shapes.append(tuple(struct.unpack(f"<{rank}q", _read(fin, 8 * rank))) if rank else ())
    opt = factory(names, shapes, run_steps)
    fout.write(struct.pack("<4sII", MAGIC, VERSION, FLAG_SEND_PARAMS if send_params else 0))
    fout.flush()
    # flat little-endian float32 buffers, reused every step; the optimizer sees them reshaped
    grads_flat = [np.empty(int(np.prod(s)), dtype="<f4") for s in shapes]
    grads = [g.reshape(s) for g, s in zip(grads_flat, shapes)]
    params_flat = [np.empty(int(np.prod(s)), dtype="<f4") for s in shapes] if send_params else None
    params = [p.reshape(s) for p, s in zip(params_flat, shapes)] if send_params else None
    while True:
        head = fin.read(4)
        if len(head) < 4:
            return  # lobench closed the pipe
        (msg,) = struct.unpack("<I", head)
        if msg == MSG_END:
            return
        if msg != MSG_STEP:
            raise SystemExit(f"unknown message type {msg}")
        step, loss = struct.unpack("<qf", _read(fin, 12))
        if send_params:
            for p in params_flat:
                _read_into(fin, p)
        for g in grads_flat:
            _read_into(fin, g)
        try:
            updates = opt.step(step, loss, grads, params)
        except Exception as e:  # reported to lobench, which records the cell as an error with this message
            text = f"{type(e).__name__}: {e}".encode("utf-8")
            fout.write(struct.pack("<II", STATUS_ERROR, len(text)) + text)
            fout.flush()
            continue
        fout.write(struct.pack("<I", STATUS_OK))
        for u in updates:
            u = np.ascontiguousarray(u, dtype="<f4").reshape(-1)
            fout.write(struct.pack("<q", u.size))
            fout.write(memoryview(u).cast("B"))
        fout.flush()
