"""A latency proxy: forwards HTTP to an S3 server, holding each request N ms first.

python tools/latency_proxy.py http://127.0.0.1:5000 --ms 60

It prints its own address; point a client at it (AWS_ENDPOINT_URL=...) to see how it behaves
over a distant network. The benchmark (tools/bench_publish.py) starts the same proxy itself.
"""

from __future__ import annotations

import argparse
import sys
import threading
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from tests.s3server import ProxyState, start_proxy  # noqa: E402


def start(upstream: str, milliseconds: float) -> tuple[ProxyState, str, threading.Event]:
    """Start the proxy; return its request log, its URL, and an event that stops it when set."""
    server, state, url = start_proxy(upstream, delay=milliseconds / 1000)
    stop = threading.Event()

    def stopper() -> None:
        stop.wait()
        server.shutdown()
        server.server_close()

    threading.Thread(target=stopper, daemon=True).start()
    return state, url, stop


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("upstream", help="the S3 server, e.g. http://127.0.0.1:5000")
    parser.add_argument("--ms", type=float, default=60.0, help="delay per request (default 60)")
    args = parser.parse_args()
    _, url, stop = start(args.upstream, args.ms)
    print(f"{url} -> {args.upstream}, {args.ms:g} ms per request (Ctrl+C to stop)", flush=True)
    try:
        stop.wait()
    except KeyboardInterrupt:
        stop.set()


if __name__ == "__main__":
    main()
