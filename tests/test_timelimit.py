"""The CPU-time bound of the schema step (seedlint/timelimit.py): a step over its limit is stopped; the timer a
step leaves running stops nothing after it, nor the next step."""

import signal
import time

import pytest

from seedlint import timelimit
from seedlint.timelimit import TimeLimitExceeded, cpu_time_limit


def _burn(seconds: float) -> None:
    end = time.process_time() + seconds
    while time.process_time() < end:
        pass


def test_a_step_over_its_limit_is_stopped():
    with pytest.raises(TimeLimitExceeded, match=r"stopped after 0\.05 s of CPU time"), cpu_time_limit(0.05):
        _burn(5)


def test_the_timer_a_step_leaves_running_stops_nothing_after_it():
    with cpu_time_limit(0.05):
        pass
    _burn(0.3)  # the step's timer runs out here, outside any step


def test_a_late_signal_of_an_earlier_timer_does_not_stop_the_next_step():
    with cpu_time_limit(0.05):
        pass
    with cpu_time_limit(5):
        timelimit._expired(signal.SIGVTALRM, None)  # handled after this step armed its own timer: nothing
        _burn(0.1)
