# PRM portal image: the web process (gunicorn), the Celery worker and beat all run from it.
# Configuration comes from the environment at run time (see README.md, "Environment variables").
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1

WORKDIR /app

# An unprivileged user runs the portal; it owns only the media directory.
RUN groupadd --system --gid 1000 prm \
    && useradd --system --uid 1000 --gid prm --home-dir /app --shell /usr/sbin/nologin prm

# Dependencies first, so code changes do not reinstall them.
COPY requirements.txt .
RUN pip install -r requirements.txt

COPY . .

# Static files are collected into the image (served by WhiteNoise). The SECRET_KEY here exists only so
# that the settings load during the build; the running containers get their own from the environment.
RUN DEBUG=false \
    SECRET_KEY=build-time-only-dummy-secret-key-for-collectstatic-never-used-at-run-time \
    ALLOWED_HOSTS=localhost \
    python manage.py collectstatic --noinput \
    && mkdir -p /app/media \
    && chown prm:prm /app/media

USER prm

EXPOSE 8000

CMD ["gunicorn", "config.wsgi", "-b", "0.0.0.0:8000", "-w", "3", "--access-logfile", "-"]
