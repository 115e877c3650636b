"""Command-line plumbing shared by the entry scripts: bad input is one line on stderr, exit status 2."""
import argparse
import sys
from typing import Any, Callable, NoReturn, Optional, Sequence

from .errors import DataError


class ArgumentParser(argparse.ArgumentParser):
    """argparse that reports problems as one-line DataErrors."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("allow_abbrev", False)
        super().__init__(*args, **kwargs)

    def error(self, message: str) -> NoReturn:
        raise DataError(message)


def run_cli(main: Callable[[Sequence[str]], object], prog: str, argv: Optional[Sequence[str]] = None) -> int:
    """Run main(argv); bad input -> one line on stderr and exit code 2."""
    try:
        main(sys.argv[1:] if argv is None else argv)
    except DataError as e:
        sys.stderr.write("%s: error: %s\n" % (prog, e))
        sys.stderr.flush()
        return 2
    return 0

