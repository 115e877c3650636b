"""The training data of this host: `<channel>/<train_file>` when that file exists (the whole data),
else every *.csv under the channel, recursively, sorted by path, each with its header row: the part
files ShardedByS3Key gave this host (or all of them, on one host)."""
import hashlib
import json
import os
from typing import List, NamedTuple, Tuple

import numpy as np
import pandas as pd

from .errors import DataError
from .model_dir import file_sha256
from .records import read_csv_file
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
    if len(frames) == 1:
        return frames[0], targets[0], columns
    if not frames:
        return pd.DataFrame(), np.zeros(0, dtype=np.int64), []
    # staging deals row j to part j mod n (docs/pipeline.md#data-staging): taking row i of every part in
    # turn gives one host holding every part the rows in the order of the whole file (the same model,
    # to the byte, as from the file), and any host an order that does not depend on how it is sharded
    order = np.argsort(np.concatenate([np.arange(len(f), dtype=np.int64) * len(frames) + k
                                       for k, f in enumerate(frames)]), kind="stable")
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
