"""Celery task of the policy simulator: takes an id, safe to retry (a finished simulation of an unchanged
draft is left alone; otherwise its rows are replaced)."""

from celery import shared_task

from policy import simulation


@shared_task(ignore_result=True, acks_late=True)
def run_simulation(simulation_id: int) -> None:
    simulation.run_simulation(simulation_id=simulation_id)
