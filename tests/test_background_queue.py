"""The writers' queue: a drain takes what is queued now, hands flush requests aside, stops at its limit."""

import queue
import threading

from vsmctl.background_queue import FLUSH, drain, request_flush


def test_drain_yields_items_in_order_and_hands_flush_requests_aside():
    q: queue.SimpleQueue = queue.SimpleQueue()
    done = threading.Event()
    for item in (("a", 1), (FLUSH, done), ("b", 2, 3)):
        q.put(item)
    waiters: list = []
    assert list(drain(q.get_nowait, waiters.append)) == [("a", 1), ("b", 2, 3)]
    assert waiters == [done] and q.empty()


def test_drain_stops_at_its_limit_and_leaves_the_rest_queued():
    q: queue.SimpleQueue = queue.SimpleQueue()
    for i in range(5):
        q.put((i, i))
    assert [i for i, _ in drain(q.get_nowait, list().append, limit=3)] == [0, 1, 2]
    assert [i for i, _ in drain(q.get_nowait, list().append)] == [3, 4]


def test_request_flush_waits_for_the_writer_to_answer():
    q: queue.SimpleQueue = queue.SimpleQueue()
    wake = threading.Event()

    def writer():
        wake.wait(5)
        for _ in drain(q.get_nowait, threading.Event.set):
            pass

    thread = threading.Thread(target=writer)
    thread.start()
    assert request_flush(q.put, wake, 5) is True
    thread.join(5)
    assert request_flush(q.put, threading.Event(), 0.05) is False  # nobody drains: the wait times out
