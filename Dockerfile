# One image for web, worker and beat (see docker-compose.yml); the app runs from the source tree in /app.
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    DEBUG=0 \
    IN_CONTAINER=1

# fonts-noto-cjk: Chinese glyphs for the generated share images; gettext: compilemessages;
# postgresql-client: pg_dump and pg_restore for bin/backup and bin/restore (Debian's, which must be of the
# server's major version or newer: 17 on the current base image, against the compose file's postgres:16).
RUN apt-get update \
    && apt-get install -y --no-install-recommends fonts-noto-cjk gettext postgresql-client \
    && rm -rf /var/lib/apt/lists/*

WORKDIR /app

# pyproject.toml lists dependencies only (no packages), so this layer is rebuilt only when they change.
COPY pyproject.toml ./
RUN pip install .

RUN useradd --create-home --uid 1000 --user-group app
COPY --chown=app:app . .
# var/ holds collected static files, the beat schedule and (as volumes) media and backups; it must belong
# to app before a named volume is first mounted there, so the volume inherits the ownership.
RUN rm -rf .venv var \
    && mkdir -p var/static var/media var/beat var/backups \
    && chown -R app:app var \
    && SECRET_KEY=build-only-not-secret python manage.py compilemessages --ignore=var

USER app
EXPOSE 8000
CMD ["bin/web"]
