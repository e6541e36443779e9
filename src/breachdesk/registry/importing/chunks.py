"""Read, validate, index and encrypt an import file's rows in chunks, in this process or in a forked reader.

The writer (``pipeline``) stays single and owns the database; this module only turns file rows into prepared
records and rejected-row lines. On a large file a forked child does that CPU work while the parent writes the
previous chunk, so two cores are busy. The child inherits the open file and the incident's cipher through ``fork``
(no key is pickled or sent anywhere), never touches the database, and sends each chunk back over a pipe. A pipe holds
at most one chunk in flight, so memory stays flat: the child builds one chunk while the parent writes another.
"""

from __future__ import annotations

import multiprocessing
import os
import signal
import traceback
from collections.abc import Callable, Generator, Iterator
from dataclasses import dataclass, field
from typing import Any

from breachdesk.registry.importing.errors import BadFile
from breachdesk.registry.importing.readers import Table
from breachdesk.registry.importing.validate import Record, RowError, RowReader

Masker = Callable[[str, str], str]


@dataclass
class Chunk:
    """Hold the outcome of a stretch of rows: prepared records, rejected-row lines, and where the stretch ends."""

    records: list[Record] = field(default_factory=list)
    errors: list[list[Any]] = field(default_factory=list)  # [row, column, reason, masked value]
    last_row: int = 0
    seen_rows: int = 0  # rows read (skipped, rejected or kept), blank rows excepted
    progress: int = 0  # bytes (CSV) or rows (XLSX) read so far
    final: bool = False


def read_chunks(
    table: Table,
    reader: RowReader,
    *,
    prepare: Callable[[Record], Record],
    mask: Masker,
    keys_by_header: dict[str, str | None],
    resume_from: int,
    batch_rows: int,
) -> Generator[Chunk]:
    """Yield chunks of at most ``batch_rows`` records (or rejected rows); the last one has ``final`` set.

    Rows up to ``resume_from`` (a checkpoint) are counted but skipped.
    """
    chunk = Chunk(last_row=resume_from)
    records = chunk.records
    errors = chunk.errors
    for number, cells in table.rows:
        if number <= resume_from:
            chunk.seen_rows += 1
            continue
        chunk.last_row = number
        try:
            record = reader.read(number, cells)
        except RowError as exc:
            chunk.seen_rows += 1
            errors.append([number, exc.column, exc.reason, mask(keys_by_header.get(exc.column) or "", exc.value)])
            if len(errors) >= batch_rows:  # a file of bad rows must not pile its errors up in memory
                chunk.progress = table.progress()
                yield chunk
                chunk = Chunk(last_row=number)
                records, errors = chunk.records, chunk.errors
            continue
        if record is None:
            continue
        chunk.seen_rows += 1
        records.append(prepare(record))
        if len(records) >= batch_rows:
            chunk.progress = table.progress()
            yield chunk
            chunk = Chunk(last_row=number)
            records, errors = chunk.records, chunk.errors
    chunk.progress = table.total
    chunk.final = True
    yield chunk


def forked(chunks: Iterator[Chunk]) -> Generator[Chunk]:
    """Run ``chunks`` in a forked child process and yield what it sends; re-raise its ``BadFile`` here.

    The child ignores Ctrl-C (the parent handles it and ends the child); closing the generator ends it too.
    """
    context = multiprocessing.get_context("fork")
    receiver, sender = context.Pipe(duplex=False)
    child = context.Process(
        target=_produce, args=(chunks, receiver, sender), name="registry-import-reader", daemon=True
    )
    child.start()
    sender.close()
    try:
        while True:
            try:
                kind, payload = receiver.recv()
            except EOFError:
                child.join(timeout=1)
                raise RuntimeError(f"The import reader process ended early (exit code {child.exitcode}).") from None
            if kind == "bad":
                message, code = payload
                raise BadFile(message, code=code)
            if kind == "crash":
                raise RuntimeError(f"The import reader process failed:\n{payload}")
            yield payload
            if payload.final:
                break
    finally:
        receiver.close()
        if child.is_alive():
            child.terminate()
        child.join()
        child.close()


def _produce(chunks: Iterator[Chunk], receiver: Any, sender: Any) -> None:
    """Send every chunk (the last one is ``final``), a ``BadFile`` or a crash report; in the child process."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    receiver.close()  # so a send fails (instead of blocking) once the parent is gone
    try:
        try:
            for chunk in chunks:
                sender.send(("chunk", chunk))
        except BadFile as exc:
            sender.send(("bad", (str(exc.message), exc.code)))
        except Exception:  # any failure is reported to the parent, which raises it
            sender.send(("crash", traceback.format_exc()))
    except (BrokenPipeError, ConnectionResetError):
        pass  # the parent stopped reading (interrupted or failed); nothing to report to
    finally:
        sender.close()
        os._exit(0)  # no atexit handlers or finalizers: the inherited database connection is the parent's
