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


def test_the_timer_a_step_left_running_cannot_end_the_process_as_it_exits(tmp_path):
    """As the interpreter shuts down it gives SIGVTALRM its default action back (ending the process): a run whose
    last step's timer ran out then exited with status 154 instead of its own (seen with tools/rule_counts.py).
    Here an exit handler registered before the step does what shutdown does, then spends the CPU time."""
    import subprocess
    import sys

    script = tmp_path / "exit.py"
    script.write_text(
        "import atexit, signal, time\n"
        "from seedlint.timelimit import cpu_time_limit\n"
        "def shutdown():\n"
        "    signal.signal(signal.SIGVTALRM, signal.SIG_DFL)\n"
        "    end = time.process_time() + 0.5\n"
        "    while time.process_time() < end:\n"
        "        pass\n"
        "atexit.register(shutdown)\n"
        "with cpu_time_limit(0.1):\n"
        "    pass\n"
        "raise SystemExit(3)\n"
    )
    done = subprocess.run([sys.executable, str(script)], capture_output=True, timeout=60)
    assert done.returncode == 3
