"""Names of the Airflow Assets that link the DAGs (plain strings: no Airflow import here)."""

NEW_VERSIONS_URI = "coalition-watch://store/versions"  # polling -> processing
OUTBOX_URI = "coalition-watch://store/outbox"  # processing/backfill -> delivery
