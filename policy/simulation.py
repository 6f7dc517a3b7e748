"""Who runs a policy simulation. The replay re-decides deal registrations, and deal registration sits above
policy, so deals registers its runner here at start-up (deals.apps) and the policy task calls it."""

from collections.abc import Callable

_runner: Callable | None = None


def register_runner(runner: Callable) -> None:
    """`runner(simulation_id=...)` replays the simulation and returns it (deals.registration.simulation_run)."""
    global _runner
    _runner = runner


def run_simulation(*, simulation_id: int):
    if _runner is None:
        raise LookupError("No policy simulation runner is registered: is the deals app installed?")
    return _runner(simulation_id=simulation_id)
