"""One model worker of the local model server (automation/serving/local): loads a model once through
training's inference.py handlers (the very ones SageMaker's XGBoost container calls) and answers
requests framed over stdin/stdout, one at a time, until stdin ends.

    python worker.py <training folder> <model.tar.gz or model folder>

Frames (big-endian; framing.ts is the other side):
  request   >IHHI  id, content type length, accept length, body length; then content type, accept, body
  reply     >IHHI  id, status, content type length, body length; then content type, body
The first reply has id 0: status 200 once model_fn has loaded the model, or the status and a JSON
{"error": ...} body of why it could not (then the worker exits). Errors of a request are JSON
{"error": ...} with the handler's status (400, 406, 415; 500 for a bug, which never ends the worker).
Anything else the handlers print goes to stderr: stdout carries frames only.
"""
import gc
import json
import os
import signal
import struct
import sys
import traceback
from typing import BinaryIO, List, Optional, Tuple

HEADER = struct.Struct(">IHHI")
JSON_TYPE = "application/json"


def read_exactly(stream: BinaryIO, size: int) -> Optional[bytes]:
    """size bytes, or None at the end of the stream (a partial frame is the end too)."""
    data = stream.read(size)
    if data is None or len(data) < size:
        return None
    return data


def read_request(stream: BinaryIO) -> Optional[Tuple[int, str, str, bytes]]:
    header = read_exactly(stream, HEADER.size)
    if header is None:
        return None
    ident, type_length, accept_length, body_length = HEADER.unpack(header)
    rest = read_exactly(stream, type_length + accept_length + body_length) if type_length + accept_length + body_length else b""
    if rest is None:
        return None
    content_type = rest[:type_length].decode("latin-1")
    accept = rest[type_length:type_length + accept_length].decode("latin-1")
    return ident, content_type, accept, rest[type_length + accept_length:]


def write_reply(stream: BinaryIO, ident: int, status: int, content_type: str, body: bytes) -> None:
    media = content_type.encode("latin-1")
    stream.write(HEADER.pack(ident, status, len(media), len(body)) + media + body)
    stream.flush()


def error_body(message: str) -> bytes:
    return json.dumps({"error": message}).encode("utf-8")


def main(argv: List[str]) -> int:
    if len(argv) != 3:
        sys.stderr.write("usage: worker.py <training folder> <model.tar.gz or model folder>\n")
        return 2
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the server drains and stops its workers itself
    requests = sys.stdin.buffer
    replies = os.fdopen(os.dup(1), "wb")
    os.dup2(2, 1)  # a print() in a handler must not corrupt the frames
    sys.path.insert(0, argv[1])
    # xgboost imports scikit-learn, when installed, for its sklearn-style wrappers, which serving never
    # uses: without it a worker starts in half the time and holds ~40 MB less (the Booster is the same)
    sys.modules["sklearn"] = None  # type: ignore[assignment]
    import inference  # after sys.path: training's handlers, as the container imports them

    try:
        model = inference.model_fn(argv[2])
    except inference.InvalidRequestError as e:
        write_reply(replies, 0, e.status_code, JSON_TYPE, error_body("cannot load the model: %s" % e))
        return 1
    except Exception as e:  # a model that cannot be loaded is reported, not a traceback on a pipe
        write_reply(replies, 0, 500, JSON_TYPE, error_body("cannot load the model: %s: %s" % (type(e).__name__, e)))
        return 1
    # what the imports and the model made lives as long as the worker: out of the garbage collector's
    # sight, a full collection no longer walks pandas' and xgboost's objects in the middle of a request
    gc.collect()
    gc.freeze()
    write_reply(replies, 0, 200, JSON_TYPE, b'{"status":"ready"}')
    while True:
        request = read_request(requests)
        if request is None:
            replies.close()
            os._exit(0)  # the server stopped this worker: no interpreter teardown (pandas, xgboost) to wait for
        ident, content_type, accept, body = request
        try:
            data = inference.input_fn(body, content_type or None)
            prediction = inference.predict_fn(data, model)
            text, media = inference.output_fn(prediction, accept or None)
            write_reply(replies, ident, 200, media, text.encode("utf-8"))
        except inference.InvalidRequestError as e:
            write_reply(replies, ident, e.status_code, JSON_TYPE, error_body(str(e)))
        except Exception as e:  # a bug answers 500 for this request; the worker serves on
            traceback.print_exc()
            write_reply(replies, ident, 500, JSON_TYPE, error_body("internal error: %s: %s" % (type(e).__name__, e)))


if __name__ == "__main__":
    sys.exit(main(sys.argv))
