"""The training data of this host: `<channel>/<train_file>` when that file exists (the whole data),
else every *.csv under the channel, recursively, sorted by path, each with its header row: the part
files ShardedByS3Key gave this host (or all of them, on one host)."""
import codecs
import hashlib
import io
import json
import os
from typing import List, NamedTuple, Optional, Tuple

import numpy as np
import pandas as pd

from .errors import DataError
from .model_dir import file_sha256
from .records import coerce_frame, read_csv_file
from .schema import Schema


class Shard(NamedTuple):
    files: List[str]  # absolute paths, sorted
    names: List[str]  # the same, relative to the channel ('/' separated)
    single_file: bool  # the channel holds <train_file> itself (today's layout)


def find_shard(train_dir: str, train_file: str) -> Shard:
    path = os.path.join(train_dir, train_file)
    if os.path.isfile(path) or not os.path.isdir(train_dir):
        return Shard([path], [train_file], True)  # read_csv_file reports a missing file
    found: List[str] = []
    for folder, dirs, files in os.walk(train_dir):
        dirs.sort()
        found.extend(os.path.join(folder, f) for f in files if f.lower().endswith(".csv"))
    names = [os.path.relpath(f, train_dir).replace(os.sep, "/") for f in found]
    order = sorted(range(len(found)), key=lambda i: names[i])
    return Shard([found[i] for i in order], [names[i] for i in order], False)


def read_shard(shard: Shard, schema: Schema, target_column: str) -> Tuple[pd.DataFrame, np.ndarray, List[str]]:
    """(frame, target, columns) of the shard's rows, row i of each part (in path order) in turn; every
    part has the same header. An empty shard (no part file) is an empty frame: the caller decides whether that is an error."""
    if shard.single_file:
        return read_csv_file(shard.files[0], schema, target_column=target_column, what="training file")
    if not shard.files:
        return pd.DataFrame(), np.zeros(0, dtype=np.int64), []
    joined = _joined_parts(shard.files)
    if joined is not None:
        # parsed and typed once: per-part reads cost about 20 ms each (the typing, mostly), 0.4 s for 20 parts
        raw = _parse_joined(joined[0])
        if raw is not None and len(raw) == sum(joined[1]):
            raw = raw.iloc[_interleaved_order(joined[1])].reset_index(drop=True)
            try:
                frame, target = coerce_frame(raw, schema, source="training part files", target_column=target_column)
            except DataError:
                pass  # read part by part below: its message names the part and the row in it
            else:
                assert target is not None
                return frame, target, list(raw.columns)
    return _read_part_by_part(shard, schema, target_column)


def _joined_parts(paths: List[str]) -> Optional[Tuple[bytes, List[int]]]:
    """One CSV of the parts (their common header, then each part's rows in path order) and each part's row
    count, when every part is one row per line under the same header bytes; else None (a quoted line break,
    a blank or header-only part, a lone CR, another header: read part by part, which reports any error)."""
    header = b""
    bodies: List[bytes] = []
    counts: List[int] = []
    for i, path in enumerate(paths):
        with open(path, "rb") as f:
            data = f.read()
        if data.startswith(codecs.BOM_UTF8):
            data = data[len(codecs.BOM_UTF8):]
        end = data.find(b"\n") + 1
        head, body = data[:end], data[end:]
        if i == 0:
            header = head
        if end == 0 or head != header or head.count(b'"') % 2:
            return None
        if body and not body.endswith(b"\n"):
            body += b"\n"
        if body.count(b"\r") != body.count(b"\r\n") or not body.count(b"\n"):
            return None
        bodies.append(body)
        counts.append(body.count(b"\n"))
    return header + b"".join(bodies), counts


def _parse_joined(text: bytes) -> Optional[pd.DataFrame]:
    """The joined parts as raw strings, read as read_csv_file reads a file; None when that fails. Every line
    is a row exactly when the row count equals the line count (blank lines and quoted line breaks only lower it)."""
    try:
        raw = pd.read_csv(io.BytesIO(text), dtype=str, keep_default_na=False, na_filter=False,
                          encoding="utf-8-sig", skipinitialspace=False)
    except (pd.errors.ParserError, pd.errors.EmptyDataError, UnicodeDecodeError, ValueError):
        return None
    raw.columns = [str(c).strip() for c in raw.columns]
    return raw.fillna("")


def _interleaved_order(counts: List[int]) -> np.ndarray:
    """Positions, in the parts' concatenation, of row i of every part in turn.

    staging deals row j to part j mod n (docs/pipeline.md#data-staging): taking row i of every part in
    turn gives one host holding every part the rows in the order of the whole file (the same model,
    to the byte, as from the file), and any host an order that does not depend on how it is sharded"""
    return np.argsort(np.concatenate([np.arange(c, dtype=np.int64) * len(counts) + k
                                      for k, c in enumerate(counts)]), kind="stable")


def _read_part_by_part(shard: Shard, schema: Schema, target_column: str) -> Tuple[pd.DataFrame, np.ndarray, List[str]]:
    """read_shard, one read_csv_file per part: its errors name the part and the row in it."""
    frames, targets = [], []
    columns: List[str] = []
    for i, path in enumerate(shard.files):
        frame, target, cols = read_csv_file(path, schema, target_column=target_column, what="training file")
        if i == 0:
            columns = cols
        elif cols != columns:
            raise DataError("training part %s has the columns %s, but %s has %s: every part needs the same header"
                            % (shard.names[i], ",".join(cols), shard.names[0], ",".join(columns)))
        frames.append(frame)
        targets.append(target)
    order = _interleaved_order([len(f) for f in frames])
    frame = pd.concat(frames, ignore_index=True).iloc[order].reset_index(drop=True)
    return frame, np.concatenate(targets)[order], columns


def part_digests(shard: Shard) -> List[List[str]]:
    """[[name, sha256], ...] of the shard's files."""
    return [[name, file_sha256(path)] for name, path in zip(shard.names, shard.files)]


def data_sha256(digests: List[List[str]], single_file: bool) -> str:
    """The training data's identity: the file's sha256 (one file), else the sha256 of the sorted
    [name, sha256] list of every part (the same whichever hosts read them)."""
    if single_file and len(digests) == 1:
        return digests[0][1]
    text = json.dumps(sorted(digests), separators=(",", ":"))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()
