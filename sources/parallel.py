"""Run one function over several parts of a job at once, in forked processes, keeping the parts' order."""

from __future__ import annotations

import multiprocessing
import pickle
from collections.abc import Callable


def in_parallel(work: Callable, parts: list) -> list:
    """[work(part) for part in parts], the first part in this process and the others in forked ones.

    A fork shares what this process has already read (the registry, the ontology) without copying it;
    only the results come back, pickled. Should a process die (killed, out of memory), its part is done
    here instead; an exception raised by `work` is raised here, as if the part had run here.
    """
    if len(parts) < 2:
        return [work(part) for part in parts]
    context = multiprocessing.get_context("fork")
    running = []
    try:
        for part in parts[1:]:
            receive, send = context.Pipe(duplex=False)
            process = context.Process(target=_run, args=(work, part, send), daemon=True)
            process.start()
            send.close()
            running.append((process, receive, part))
        results = [work(parts[0])]
        for process, receive, part in running:
            try:
                failed, value = pickle.loads(receive.recv_bytes())
            except EOFError:
                failed, value = False, work(part)
            if failed:
                raise value
            results.append(value)
        return results
    finally:
        for process, receive, _ in running:
            receive.close()
            process.terminate()
            process.join()


def _run(work: Callable, part, send) -> None:
    try:
        message = (False, work(part))
    except BaseException as e:  # sent back whole, to be raised in the parent
        message = (True, e)
    send.send_bytes(pickle.dumps(message, protocol=pickle.HIGHEST_PROTOCOL))
    send.close()
