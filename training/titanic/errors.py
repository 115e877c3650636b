"""The one exception type for problems with the caller's input."""


class DataError(ValueError):
    """A problem with the caller's input; str(e) is a one-line explanation."""

    def __init__(self, message: object) -> None:
        super().__init__(" ".join(str(message).split()))
