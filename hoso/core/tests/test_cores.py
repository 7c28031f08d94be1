"""The layout pool (hoso.core.cores): answers in order, from other processes, the work's own
errors passed on, and a process that dies costs nothing but time (its work is done here)."""

from __future__ import annotations

import os

import pytest

from hoso.core.cores import close_pool, in_processes, pool_pids


def square_and_pid(number: int) -> tuple[int, int]:
    return number * number, os.getpid()


def refuse_three(number: int) -> int:
    if number == 3:
        raise ValueError("ba")
    return number


def die_unless_in(parent: int) -> int:
    if os.getpid() != parent:
        os._exit(9)  # a pool process killed mid-task (out of memory, kill -9)
    return parent


def apps_and_models_loaded(_item: int) -> tuple[bool, list[str]]:
    """In a pool process, after importing the modules whose work the batches send there."""
    import sys

    from django.apps import apps

    import hoso.books.pages
    import hoso.signing.engine.apart  # noqa: F401

    hoso_models = [name for name in sys.modules if name.startswith("hoso.") and "models" in name]
    return apps.ready, sorted(hoso_models)


@pytest.fixture
def two_processes(settings):
    settings.HOSO_CPU_PROCESSES = 2
    yield
    close_pool()


def test_without_a_pool_the_work_runs_here_in_order(settings):
    settings.HOSO_CPU_PROCESSES = 0
    answers = list(in_processes(square_and_pid, range(5)))
    assert answers == [(n * n, os.getpid()) for n in range(5)]
    assert pool_pids() == []


def test_the_pool_answers_in_order_from_other_processes(two_processes):
    answers = list(in_processes(square_and_pid, range(12)))
    assert [square for square, _ in answers] == [n * n for n in range(12)]
    workers = {pid for _, pid in answers}
    assert os.getpid() not in workers
    assert workers <= set(pool_pids())
    # the pool is kept for the next batch (closed only once idle)
    assert list(in_processes(square_and_pid, [7]))[0][0] == 49


def test_the_works_own_error_reaches_the_caller_at_its_item(two_processes):
    answers = in_processes(refuse_three, range(6))
    assert [next(answers) for _ in range(3)] == [0, 1, 2]
    with pytest.raises(ValueError, match="ba"):
        next(answers)


def test_a_process_that_dies_leaves_its_work_to_this_process(two_processes):
    parent = os.getpid()
    assert list(in_processes(die_unless_in, [parent, parent])) == [parent, parent]
    # a fresh pool is made for the next work
    assert [n for n, _ in in_processes(square_and_pid, [2, 3])] == [4, 9]


def test_pool_processes_load_no_app(two_processes):
    """A process with Django's apps loaded weighs about 150 MB, one without 40–90 MB: the
    work sent to the pool (the học bạ's layout, pyHanko's answers) imports none of our
    apps' models."""
    assert list(in_processes(apps_and_models_loaded, [1])) == [(False, [])]
