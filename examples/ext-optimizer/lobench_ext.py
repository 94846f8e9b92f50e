"""Client side of lobench's external-optimizer protocol (docs/external-optimizer.md), with NumPy.

An optimizer is any object with a method step(step, loss, grads, params) that returns one float32 update per
tensor (lobench adds it to the parameter: p += u). `serve(factory)` does the I/O: it reads the tensor table,
calls factory(names, shapes, run_steps), answers the handshake and then serves step messages until lobench
sends END or closes the pipe. Log to stderr: stdout is the protocol channel.

`serve(factory, shm=True)` asks lobench for the shared memory-mapped file: the gradients (and parameters) are then
NumPy views of the file, valid only during that step() call (copy what must outlive it), and the updates are
copied into the file; the pipes carry only the step header and a short reply. lobench may still choose the pipes
(an older lobench, or tensors below its `shm_min`); serve follows what lobench does.
"""
import mmap
import os
import struct
import sys

import numpy as np

MAGIC = b"LOBX"
VERSION = 1
MSG_STEP = 1
MSG_END = 2
STATUS_OK = 0
STATUS_ERROR = 1
MSG_SHM = 3
FLAG_SEND_PARAMS = 1
FLAG_SHM = 2


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


def _error(fout, text):
    text = text.encode("utf-8")
    fout.write(struct.pack("<II", STATUS_ERROR, len(text)) + text)
    fout.flush()


def _map_shared(fin, fout, shapes, send_params):
    """Reads the SHM message (after its type), maps the file and acknowledges; returns flat views
    (params or None, grads, updates) of the file's regions."""
    (length,) = struct.unpack("<I", _read(fin, 4))
    path = _read(fin, length).decode("utf-8")
    size, p_off, g_off, u_off = struct.unpack("<qqqq", _read(fin, 32))
    try:
        fd = os.open(path, os.O_RDWR)
        try:
            mm = mmap.mmap(fd, size)  # MAP_SHARED, read and write
        finally:
            os.close(fd)
        counts = [int(np.prod(s)) for s in shapes]

        def region(offset):
            views, at = [], offset
            for n in counts:
                views.append(np.frombuffer(mm, dtype="<f4", count=n, offset=at))
                at += 4 * n
            return views

        views = (region(p_off) if send_params else None, region(g_off), region(u_off))
    except Exception as e:  # reported to lobench: the cell becomes an error with this message
        _error(fout, f"cannot map {path}: {type(e).__name__}: {e}")
        raise SystemExit(f"cannot map {path}: {e}")
    fout.write(struct.pack("<I", STATUS_OK))
    fout.flush()
    return views


def serve(factory, send_params=False, shm=False, fin=None, fout=None):
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
    flags = (FLAG_SEND_PARAMS if send_params else 0) | (FLAG_SHM if shm else 0)
    fout.write(struct.pack("<4sII", MAGIC, VERSION, flags))
    fout.flush()
    head = fin.read(4)
    shared = None
    if shm and len(head) == 4 and struct.unpack("<I", head)[0] == MSG_SHM:
        shared = _map_shared(fin, fout, shapes, send_params)
        head = fin.read(4)
    if shared:
        # the optimizer sees the file's regions reshaped: no copies on the way in
        params_flat, grads_flat, updates_flat = shared
    else:
        # flat little-endian float32 buffers, reused every step; the optimizer sees them reshaped
        grads_flat = [np.empty(int(np.prod(s)), dtype="<f4") for s in shapes]
        params_flat = [np.empty(int(np.prod(s)), dtype="<f4") for s in shapes] if send_params else None
    grads = [g.reshape(s) for g, s in zip(grads_flat, shapes)]
    params = [p.reshape(s) for p, s in zip(params_flat, shapes)] if send_params else None
    while True:
        if len(head) < 4:
            return  # lobench closed the pipe
        (msg,) = struct.unpack("<I", head)
        if msg == MSG_END:
            return
        if msg != MSG_STEP:
            raise SystemExit(f"unknown message type {msg}")
        step, loss = struct.unpack("<qf", _read(fin, 12))
        if not shared:
            if send_params:
                for p in params_flat:
                    _read_into(fin, p)
            for g in grads_flat:
                _read_into(fin, g)
        try:
            updates = opt.step(step, loss, grads, params)
            if len(updates) != len(grads):
                raise ValueError(f"step() returned {len(updates)} updates for {len(grads)} tensors")
        except Exception as e:  # reported to lobench, which records the cell as an error with this message
            _error(fout, f"{type(e).__name__}: {e}")
            head = fin.read(4)
            continue
        if shared:
            # the updates go into the file; the reply carries their element counts (a wrong count is not
            # written: lobench rejects it)
            counts = []
            for u, dst in zip(updates, updates_flat):
                u = np.asarray(u)
                counts.append(u.size)
                if u.size == dst.size:
                    dst[...] = u.reshape(-1)
            fout.write(struct.pack(f"<I{len(counts)}q", STATUS_OK, *counts))
        else:
            fout.write(struct.pack("<I", STATUS_OK))
            for u in updates:
                u = np.ascontiguousarray(u, dtype="<f4").reshape(-1)
                fout.write(struct.pack("<q", u.size))
                fout.write(memoryview(u).cast("B"))
        fout.flush()
        head = fin.read(4)
