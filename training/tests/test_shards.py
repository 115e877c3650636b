"""titanic/shards.py: reading a host's part files gives the single file's rows, in its order, with its
dtypes; plain parts are parsed and typed once (not part by part, which cost 0.4 s for 20 parts), and
parts that are not one row per line under one header are read part by part, whose errors name the part."""
import os
from pathlib import Path
from typing import Any, Callable, List, Tuple

import numpy as np
import pandas as pd
import pytest

from titanic import shards
from titanic.errors import DataError
from titanic.schema import load_schema
from titanic.shards import find_shard, read_shard

from conftest import FIXTURE_CSV

Read = Tuple[pd.DataFrame, np.ndarray, List[str]]
SCHEMA = load_schema()


def lines_of(path: str) -> Tuple[str, List[str]]:
    with open(path, "r", encoding="utf-8", newline="") as f:
        lines = f.read().splitlines(keepends=True)
    return lines[0], lines[1:]


def write_parts(folder: Path, header: str, body: List[str], parts: int) -> List[Path]:
    """row j in part j mod parts, each with the header (as staging writes them)."""
    folder.mkdir(parents=True, exist_ok=True)
    paths = [folder / ("part-%05d.csv" % p) for p in range(parts)]
    for p, path in enumerate(paths):
        path.write_bytes((header + "".join(body[p::parts])).encode("utf-8"))
    return paths


def single(tmp_path: Path, header: str, body: List[str]) -> Read:
    path = tmp_path / "single" / "train.csv"
    path.parent.mkdir(parents=True)
    path.write_bytes((header + "".join(body)).encode("utf-8"))
    return read_shard(find_shard(str(path.parent), "train.csv"), SCHEMA, "Survived")


def assert_same(got: Read, want: Read) -> None:
    pd.testing.assert_frame_equal(got[0], want[0], check_exact=True)
    assert list(got[0].dtypes) == list(want[0].dtypes)
    assert got[1].dtype == want[1].dtype and np.array_equal(got[1], want[1])
    assert got[2] == want[2]


@pytest.fixture
def per_part_reads(monkeypatch: pytest.MonkeyPatch) -> List[str]:
    """The paths read_csv_file was called with (the part-by-part path)."""
    calls: List[str] = []
    real: Callable[..., Any] = shards.read_csv_file

    def counting(path: str, *args: Any, **kwargs: Any) -> Any:
        calls.append(os.path.basename(path))
        return real(path, *args, **kwargs)
    monkeypatch.setattr(shards, "read_csv_file", counting)
    return calls


@pytest.mark.parametrize("parts", [1, 3, 20])
def test_plain_parts_are_read_once_as_the_single_file(tmp_path: Path, parts: int, per_part_reads: List[str]) -> None:
    header, body = lines_of(FIXTURE_CSV)
    want = single(tmp_path, header, body)
    per_part_reads.clear()
    write_parts(tmp_path / "parts", header, body, parts)
    got = read_shard(find_shard(str(tmp_path / "parts"), "train.csv"), SCHEMA, "Survived")
    assert_same(got, want)
    assert per_part_reads == []


@pytest.mark.parametrize("change", ["quoted line break", "crlf", "bom", "no final newline", "blank line",
                                    "spaced header"])
def test_parts_that_are_not_plain_give_the_same_rows(tmp_path: Path, change: str, per_part_reads: List[str]) -> None:
    header, body = lines_of(FIXTURE_CSV)
    if change == "quoted line break":
        body[3] = body[3].replace('"Quinn, Miss. Helen"', '"Quinn,\nMiss. Helen"')
        assert "\n" in body[3][:-1]
    want = single(tmp_path, header, body)
    per_part_reads.clear()
    paths = write_parts(tmp_path / "parts", header, body, 3)
    data = paths[1].read_bytes()
    if change == "crlf":  # every part: the header bytes are the same
        for path in paths:
            path.write_bytes(path.read_bytes().replace(b"\n", b"\r\n"))
    elif change == "bom":
        paths[1].write_bytes(b"\xef\xbb\xbf" + data)
    elif change == "no final newline":
        paths[1].write_bytes(data.rstrip(b"\n"))
    elif change == "blank line":
        paths[1].write_bytes(data + b"\n")
    elif change == "spaced header":
        paths[1].write_bytes(data.replace(b"PassengerId,", b"PassengerId ,", 1))
    got = read_shard(find_shard(str(tmp_path / "parts"), "train.csv"), SCHEMA, "Survived")
    assert_same(got, want)
    part_by_part = change in ("quoted line break", "blank line", "spaced header")
    assert per_part_reads == (["part-00000.csv", "part-00001.csv", "part-00002.csv"] if part_by_part else [])


def test_a_bad_value_is_reported_with_its_part_and_row(tmp_path: Path) -> None:
    header, body = lines_of(FIXTURE_CSV)
    fields = body[7].split('"')  # row 3 of part 1 of 3; the name is the one quoted field
    fields[2] = fields[2].replace(",female,", ",female,-", 1).replace(",male,", ",male,-", 1)
    body[7] = '"'.join(fields)  # an age of -<age>, or "-" when missing: below the minimum or not a number
    write_parts(tmp_path / "parts", header, body, 3)
    with pytest.raises(DataError, match=r"part-00001\.csv: column Age row 3"):
        read_shard(find_shard(str(tmp_path / "parts"), "train.csv"), SCHEMA, "Survived")


def test_parts_with_other_headers_are_refused(tmp_path: Path) -> None:
    header, body = lines_of(FIXTURE_CSV)
    paths = write_parts(tmp_path / "parts", header, body, 3)
    paths[2].write_bytes(paths[2].read_bytes().replace(b"Embarked", b"Embarked,Extra", 1))
    with pytest.raises(DataError, match="training part part-00002.csv has the columns .* every part needs the same header"):
        read_shard(find_shard(str(tmp_path / "parts"), "train.csv"), SCHEMA, "Survived")


def test_a_part_without_rows_is_refused(tmp_path: Path) -> None:
    header, body = lines_of(FIXTURE_CSV)
    paths = write_parts(tmp_path / "parts", header, body, 3)
    paths[1].write_bytes(header.encode("utf-8"))
    with pytest.raises(DataError, match=r"part-00001\.csv has a header but no data rows"):
        read_shard(find_shard(str(tmp_path / "parts"), "train.csv"), SCHEMA, "Survived")
