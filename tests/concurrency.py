"""Running calls at the same moment, for the tests of what concurrent requests may and may not do."""

import threading

from django.db import connection


def race(*calls, timeout=60):
    """Run each call in its own thread with its own connection, released together by a barrier.
    Returns what each returned or raised, in order."""
    barrier = threading.Barrier(len(calls))
    outcomes = [None] * len(calls)

    def run(i, call):
        try:
            barrier.wait(timeout=timeout)
            outcomes[i] = call()
        except Exception as error:  # noqa: BLE001 - the outcome is what the test checks
            outcomes[i] = error
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i, call)) for i, call in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout)
    assert not any(thread.is_alive() for thread in threads)
    return outcomes
