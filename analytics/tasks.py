"""Celery tasks of analytics: they only call services (DESIGN.md) and are idempotent."""

# --- KPI rollups -------------------------------------------------------------------------------------

# --- Scorecards and alerts ---------------------------------------------------------------------------
