"""Run the emulator as a loopback HTTP server.

    python -m studio.emulator --port 8765 [--host 127.0.0.1] [--chunk-delay 0.2] [--latency 0]

Prints one ready line (with the real port, useful with --port 0) and exits
cleanly on SIGTERM or Ctrl-C.
"""

from __future__ import annotations

import argparse
import signal
import sys
import threading

from .server import make_server
from .service import Emulator


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
    args = parser.parse_args(argv)

    emulator = Emulator(chunk_delay=args.chunk_delay, latency=args.latency, default_seed=args.seed)
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
