# The image of every onestop process (web, Celery worker and beat, the simulators); compose.yaml runs it.
FROM python:3.11-slim
ENV PYTHONUNBUFFERED=1 PIP_NO_CACHE_DIR=1 DJANGO_SETTINGS_MODULE=onestop.settings ONESTOP_DATA_DIR=/data
RUN apt-get update && apt-get install -y --no-install-recommends postgresql-client && rm -rf /var/lib/apt/lists/*
WORKDIR /app
COPY . .
RUN pip install . && python manage.py collectstatic --noinput -v 0 \
    && useradd --system --home /data onestop && mkdir -p /data && chown onestop /data
USER onestop
EXPOSE 8000
CMD ["gunicorn", "onestop.wsgi", "--bind", "0.0.0.0:8000", "--workers", "4", "--access-logfile", "-"]
