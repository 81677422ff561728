"""Power cuts, simulated: what a SQLite database holds after the power fails at any moment.

A SIGKILL loses nothing the process handed to the OS; a power cut loses everything the disk was
not made to keep, i.e. every write since that file's last ``fsync``. To see that, the writes and
syncs must be seen, and only a VFS sees them. APSW's Python VFS works only on APSW connections,
while the outbox (through sqlite-utils) and the platform use the stdlib ``sqlite3``; so:

1. ``Recorder`` records the exact statements a real stdlib connection runs, pragmas included,
   through ``sqlite3``'s trace callback (bound values expanded into the SQL), and what it writes
   through incremental blob I/O (``blobopen``, which runs no statement), with marks where
   the code under test acknowledged something (``enqueue`` returned; the platform answered 201).
   The code under test runs unchanged: it is not asked to take another kind of connection.
2. ``replay`` runs that statement stream through one APSW connection on ``DiskLog``, a VFS that
   passes everything to the default VFS and logs every write, truncate, sync and delete.
3. ``image_at(cut)`` rebuilds the files as a disk would hold them had the power failed after
   ``cut`` logged operations: each file as of its last sync (``drop``, every unsynced write
   lost), or with any subset of the unsynced writes on disk (``torn``: the OS may have flushed
   some). The ``-shm`` index is left out: it lives in memory, and SQLite rebuilds it.

The replay is the same SQLite library as the stdlib's, in the same order, with the same pragmas
(``synchronous``, ``journal_mode``, ``page_size``, ``wal_autocheckpoint``); what it cannot
show is a statement the code runs that the trace does not report (none known). What the caller
checks on each image is its own (``cut_campaign``'s ``check``).
"""
from __future__ import annotations

import random
import sqlite3
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from unittest import mock

import apsw

Op = tuple   # ("write", path, offset, data) | ("truncate", path, size) | ("sync", path)
#              | ("delete", path)


class Recorder:
    """Statements of the stdlib connections opened inside ``recording()``, in order, and marks."""

    def __init__(self) -> None:
        # ("sql", text), ("mark", key), or ("blob", (schema, table, column, rowid, offset, data))
        self.items: list[tuple[str, object]] = []

    @contextmanager
    def recording(self) -> Iterator[Recorder]:
        """Every ``sqlite3.connect`` in this block returns a traced connection."""
        connect = sqlite3.connect
        items = self.items

        class Traced(sqlite3.Connection):
            def blobopen(self, table, column, row, /, *, readonly=False, name="main"):
                blob = super().blobopen(table, column, row, readonly=readonly, name=name)
                return blob if readonly else _RecordedBlob(blob, items, (name, table, column, row))

        def traced(*args, **kwargs):
            kwargs.setdefault("factory", Traced)
            conn = connect(*args, **kwargs)
            conn.set_trace_callback(lambda sql: self.items.append(("sql", sql)))
            return conn

        with mock.patch.object(sqlite3, "connect", traced):
            yield self

    def mark(self, key: str) -> None:
        """The code under test acknowledged ``key`` here: it must survive any later cut."""
        self.items.append(("mark", key))

    def replaced(self, old: str, new: str) -> list[tuple[str, object]]:
        """The stream with one statement replaced everywhere (to show a check can fail)."""
        return [(kind, new if kind == "sql" and text == old else text)
                for kind, text in self.items]


class _RecordedBlob:
    """A writable ``sqlite3.Blob`` whose writes are recorded with where they landed."""

    def __init__(self, blob: sqlite3.Blob, items: list, where: tuple) -> None:
        self._blob, self._items, self._where = blob, items, where

    def write(self, data) -> None:
        self._items.append(("blob", (*self._where, self._blob.tell(), bytes(data))))
        self._blob.write(data)

    def __getattr__(self, name):   # read, seek, tell, close
        return getattr(self._blob, name)

    def __len__(self) -> int:
        return len(self._blob)

    def __enter__(self) -> _RecordedBlob:
        return self

    def __exit__(self, *exc) -> None:
        self._blob.close()


class DiskLog(apsw.VFS):
    """The default VFS, logging what it is asked to write and to keep."""

    def __init__(self, name: str, ops: list[Op]) -> None:
        self.ops = ops
        self.name = name
        super().__init__(name, "")

    def xOpen(self, name, flags):   # noqa: N802 - APSW's names
        return _LoggedFile(self.ops, name, flags)

    def xDelete(self, filename, syncdir):   # noqa: N802
        self.ops.append(("delete", filename))
        return super().xDelete(filename, syncdir)


class _LoggedFile(apsw.VFSFile):
    def __init__(self, ops: list[Op], name, flags) -> None:
        path = name.filename() if isinstance(name, apsw.URIFilename) else name
        # A temporary file (no name: a sort, a temp index) is gone after a cut anyway.
        self._ops = ops if path is not None else []
        self._path = path
        super().__init__("", name, flags)

    def xWrite(self, data, offset):   # noqa: N802
        self._ops.append(("write", self._path, offset, bytes(data)))
        return super().xWrite(data, offset)

    def xTruncate(self, newsize):   # noqa: N802
        self._ops.append(("truncate", self._path, newsize))
        return super().xTruncate(newsize)

    def xSync(self, flags):   # noqa: N802
        self._ops.append(("sync", self._path))
        return super().xSync(flags)


@dataclass
class Replay:
    """A statement stream run through ``DiskLog``: the operations, and for each mark the number
    of operations logged when it was reached."""

    ops: list[Op]
    marks: dict[str, int]
    journal_mode: str
    target: Path


_VFS_NAMES = iter(range(1 << 30))


def replay(items: list[tuple[str, object]], target: Path) -> Replay:
    """Run ``items`` on a fresh database file ``target`` through a logging VFS."""
    ops: list[Op] = []
    vfs = DiskLog(f"disklog{next(_VFS_NAMES)}", ops)
    target.parent.mkdir(parents=True, exist_ok=True)
    conn = apsw.Connection(str(target), vfs=vfs.name)
    marks: dict[str, int] = {}
    try:
        for kind, text in items:
            if kind == "mark":
                marks[text] = len(ops)
            elif kind == "blob":
                schema, table, column, rowid, offset, data = text
                blob = conn.blob_open(schema, table, column, rowid, True)
                try:
                    blob.seek(offset)
                    blob.write(data)
                finally:
                    blob.close()
            else:
                for _ in conn.execute(text):
                    pass
        mode = conn.execute("PRAGMA journal_mode").fetchall()[0][0]
    finally:
        conn.close()
        vfs.unregister()
    return Replay(ops, marks, mode, target)


@dataclass
class Disk:
    """Files as a disk holds them while operations are applied one by one."""

    durable: dict[str, bytearray] = field(default_factory=dict)
    pending: dict[str, list[Op]] = field(default_factory=dict)

    def apply(self, op: Op) -> None:
        kind, path = op[0], op[1]
        if kind in ("write", "truncate"):
            self.durable.setdefault(path, bytearray())
            self.pending.setdefault(path, []).append(op)
        elif kind == "sync":
            for pending in self.pending.pop(path, []):
                _put(self.durable.setdefault(path, bytearray()), pending)
        elif kind == "delete":       # an unlink is taken as kept at once (SQLite syncs first)
            self.durable.pop(path, None)
            self.pending.pop(path, None)

    def image(self, rng: random.Random | None = None) -> dict[str, bytes]:
        """The files now: durable content, plus (with ``rng``) a random subset of unsynced
        writes, in order, as an OS that flushed some of them would leave it."""
        files = {p: bytearray(b) for p, b in self.durable.items()}
        if rng is not None:
            for path, ops in self.pending.items():
                for op in ops:
                    if rng.random() < 0.5:
                        _put(files.setdefault(path, bytearray()), op)
        return {p: bytes(b) for p, b in files.items()}


def _put(buf: bytearray, op: Op) -> None:
    if op[0] == "write":
        _, _, offset, data = op
        if len(buf) < offset:
            buf.extend(b"\0" * (offset - len(buf)))
        buf[offset:offset + len(data)] = data
    else:
        del buf[op[2]:]


@dataclass
class CutFigures:
    cuts: int = 0
    checked_marks: int = 0            # acknowledged items looked for, over all cuts
    lost: list[str] = field(default_factory=list)
    broken: list[str] = field(default_factory=list)    # images failing integrity_check


def cut_campaign(run: Replay, workdir: Path, cuts: int, rng: random.Random,
                 check: Callable[[Path, list[str]], list[str]], *, torn: bool = False,
                 ) -> CutFigures:
    """Cut the power at ``cuts`` random points of ``run`` and check each image.

    Half the cuts fall at random operations, half just before or after a sync (where
    acknowledgements meet durability). ``check(db_path, marks_acknowledged_before_the_cut)``
    returns the marks it could not find; the image's ``PRAGMA integrity_check`` is checked here.
    """
    n = len(run.ops)
    syncs = [i for i, op in enumerate(run.ops) if op[0] == "sync"]
    points = sorted(rng.randrange(n + 1) if k % 2 or not syncs
                    else min(n, rng.choice(syncs) + rng.choice((0, 1)))
                    for k in range(cuts))
    figures = CutFigures()
    disk = Disk()
    done = 0
    for k, cut in enumerate(points):
        while done < cut:
            disk.apply(run.ops[done])
            done += 1
        here = workdir / f"cut-{k:04d}"
        here.mkdir(parents=True)
        for path, data in disk.image(rng if torn else None).items():
            if path.endswith("-shm"):
                continue
            (here / Path(path).name).write_bytes(data)
        db = here / run.target.name
        figures.cuts += 1
        acked = [m for m, at in run.marks.items() if at <= cut]
        figures.checked_marks += len(acked)
        if db.exists():
            with sqlite3.connect(db) as conn:
                result = ";".join(r[0] for r in conn.execute("PRAGMA integrity_check"))
            conn.close()
            if result != "ok":
                figures.broken.append(f"cut {cut}: {result}")
                continue
        figures.lost += [f"cut {cut}: {m}" for m in check(db, acked)]
        for f in here.iterdir():
            f.unlink()
        here.rmdir()
    return figures
