# The coalition-watch image: Airflow plus the project, from the same lock as development.
#
# Based on the *slim* official image (Airflow core without the bundled providers): the full
# image ships the FAB provider, which needs python-dateutil<3 while requirements.txt pins 4.x,
# so installing the lock over it would leave a broken provider behind. The Celery provider
# (for the CeleryExecutor in docker-compose.yaml) is resolved together with the lock.
ARG AIRFLOW_VERSION=3.3.2
ARG PYTHON_VERSION=3.11
FROM apache/airflow:slim-${AIRFLOW_VERSION}-python${PYTHON_VERSION}
ARG AIRFLOW_VERSION

# Dependencies first: this layer is rebuilt only when the lock changes.
COPY --chown=airflow:0 requirements.txt /opt/coalition-watch/requirements.txt
RUN pip install --no-cache-dir "apache-airflow[celery]==${AIRFLOW_VERSION}" \
        -r /opt/coalition-watch/requirements.txt \
    && pip check

# The project itself (the domain package; DAGs and plugins are mounted by compose).
COPY --chown=airflow:0 pyproject.toml README.md /opt/coalition-watch/
COPY --chown=airflow:0 include /opt/coalition-watch/include
COPY --chown=airflow:0 scripts/airflow_home.py /opt/coalition-watch/scripts/airflow_home.py
RUN pip install --no-cache-dir --no-deps /opt/coalition-watch

# The replay archive, so a backfill can load recorded pages (`replay_file`) in the image.
COPY --chown=airflow:0 replay /opt/coalition-watch/replay
ENV COALITION_WATCH_REPLAY_ROOT=/opt/coalition-watch/replay
