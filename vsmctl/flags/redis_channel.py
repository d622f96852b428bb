"""Flags over Redis: the CLI publishes definitions, clients follow through pub/sub.

The document is stored under a key (so a client starting later gets it) and published on a
channel (so running clients update within a second). `redis` (the optional extra
`vsmctl[redis]`) is imported only here.
"""

from __future__ import annotations

import threading
from collections.abc import Callable

KEY_SUFFIX = ":document"


def publish(url: str, document: str, channel: str = "vsm:flags") -> int:
    """Store and announce a flags document; returns how many subscribers heard it."""
    import redis

    client = redis.Redis.from_url(url, socket_timeout=5)
    try:
        client.set(channel + KEY_SUFFIX, document)
        return int(client.publish(channel, document))
    finally:
        client.close()


class Subscriber:
    def __init__(self, url: str, channel: str, on_message: Callable[[bytes | str], None],
                 log: Callable[[str], None]) -> None:
        self.url, self.channel, self.on_message, self.log = url, channel, on_message, log
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def start(self) -> None:
        import redis

        try:
            client = redis.Redis.from_url(self.url, socket_timeout=5)
            current = client.get(self.channel + KEY_SUFFIX)
            client.close()
            if current is not None:
                self.on_message(current)
        except redis.RedisError as exc:
            self.log(f"Redis at {self.url} not reachable at start ({exc}); will keep trying")
        self._thread = threading.Thread(target=self._run, name="vsmctl-flags-redis", daemon=True)
        self._thread.start()

    def _run(self) -> None:
        import redis

        while not self._stop.is_set():
            try:
                client = redis.Redis.from_url(self.url, socket_timeout=5)
                pubsub = client.pubsub(ignore_subscribe_messages=True)
                pubsub.subscribe(self.channel)
                # what was published while we were away
                current = client.get(self.channel + KEY_SUFFIX)
                if current is not None:
                    self.on_message(current)
                while not self._stop.is_set():
                    message = pubsub.get_message(timeout=0.2)
                    if message and message.get("type") == "message":
                        self.on_message(message["data"])
                pubsub.close()
                client.close()
            except redis.RedisError as exc:
                self.log(f"Redis subscription to {self.url} lost ({exc}); retrying")
                self._stop.wait(0.5)

    def stop(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=2)

    def restarted(self) -> Subscriber:
        fresh = Subscriber(self.url, self.channel, self.on_message, self.log)
        fresh.start()
        return fresh

    def __repr__(self) -> str:
        return f"Subscriber({self.url!r}, {self.channel!r})"


