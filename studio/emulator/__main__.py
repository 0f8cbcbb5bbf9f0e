"""Run the emulator as a loopback HTTP server.

    python -m studio.emulator --port 8765 [--host 127.0.0.1] [--chunk-delay 0.2] [--latency 0]
        [--seed N] [--responder drawing|echo] [--log-requests] [--max-request-mb 100]

Prints one ready line (with the real port, useful with --port 0) and exits
cleanly on SIGTERM or Ctrl-C.
"""

from __future__ import annotations

import argparse
import signal
import sys
import threading

from .interface import Responder
from .responders import DrawingResponder, EchoResponder
from .server import make_server
from .service import DEFAULT_MAX_REQUEST_BYTES, Emulator

RESPONDERS: dict[str, type[Responder]] = {"drawing": DrawingResponder, "echo": EchoResponder}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m studio.emulator", description=__doc__.splitlines()[0]
    )
    parser.add_argument(
        "--port", type=int, default=8765, help="port to listen on (0 picks a free one)"
    )
    parser.add_argument(
        "--host", default="127.0.0.1", help="interface to bind (default loopback only)"
    )
    parser.add_argument(
        "--chunk-delay", type=float, default=0.0, help="seconds between streamed chunks"
    )
    parser.add_argument("--latency", type=float, default=0.0, help="seconds before every answer")
    parser.add_argument("--seed", type=int, default=None, help="seed used when a request sets none")
    parser.add_argument(
        "--responder", choices=sorted(RESPONDERS), default="drawing", help="what the model answers"
    )
    parser.add_argument(
        "--log-requests",
        action="store_true",
        help="keep the last requests (images summarised) for GET /_emulator/requests",
    )
    parser.add_argument(
        "--max-logged", type=int, default=50, help="requests kept when --log-requests is on"
    )
    parser.add_argument(
        "--max-request-mb",
        type=float,
        default=DEFAULT_MAX_REQUEST_BYTES / 2**20,
        help="reject request bodies larger than this (MiB) with a 400",
    )
    parser.add_argument(
        "--batch-seconds", type=float, nargs=2, default=(2.0, 6.0), metavar=("PENDING", "RUNNING"),
        help="how long a batch job waits, then runs (the API aims for 24 hours)",
    )
    args = parser.parse_args(argv)

    emulator = Emulator(
        responder=RESPONDERS[args.responder](),
        chunk_delay=args.chunk_delay,
        latency=args.latency,
        default_seed=args.seed,
        log_requests=args.log_requests,
        max_logged=args.max_logged,
        max_request_bytes=int(args.max_request_mb * 2**20),
        batch_seconds=(args.batch_seconds[0], args.batch_seconds[1]),
    )
    server = make_server(emulator, args.host, args.port)
    host, port = server.server_address[:2]

    def stop(signum: int, frame: object) -> None:
        # shutdown() waits for serve_forever to return, so it must not run on
        # the thread that is serving (the main one, where signals arrive).
        threading.Thread(target=server.shutdown, daemon=True).start()

    signal.signal(signal.SIGTERM, stop)
    print(f"Image Studio emulator ready on http://{host}:{port}", flush=True)
    try:
        server.serve_forever(poll_interval=0.2)
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()
    print("Image Studio emulator stopped", file=sys.stderr, flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
