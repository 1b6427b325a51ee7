"""Named points of a night where a test may kill the run, to prove each leaves a whole warehouse.

``reached("marker_written")`` kills this process with SIGKILL (no clean-up, as a power cut or
``kill -9`` would) when the environment variable ``JIXIAO_TEST_KILL_AT`` names that point, and
does nothing otherwise. Only the fault tests set it (tests/test_faults.py loops over ``POINTS``).
"""

from __future__ import annotations

import os
import signal

ENV = "JIXIAO_TEST_KILL_AT"

# In the order a night passes them.
POINTS: tuple[str, ...] = (
    "working_copy_ready",  # the published warehouse copied, nothing loaded yet
    "first_reading_loaded",  # one reading committed into the working copy
    "all_loaded",  # every reading in, checks not yet run
    "contacts_written",  # the contacts working copy complete, the night marker not yet written
    "marker_written",  # the night marker on disk, nothing renamed
    "contacts_swapped",  # the new contacts file in place, the warehouse not yet
    "warehouse_swapped",  # both in place, the marker not yet removed
)


def reached(point: str) -> None:
    """Die here, at once, if a fault test asked for this point."""
    if os.environ.get(ENV) == point:
        os.kill(os.getpid(), signal.SIGKILL)
