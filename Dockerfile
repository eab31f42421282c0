FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    DATABASE_URL=sqlite:///data/gromada.sqlite3 \
    WEB_PORT=8080
# The web server listens on the container's loopback only (WEB_HOST=127.0.0.1, the
# default), which the health check reaches. To publish /healthz and /metrics, set
# WEB_HOST=0.0.0.0, publish on the host's loopback (-p 127.0.0.1:8080:8080) as
# docker-compose.yml does, and set METRICS_TOKEN: see the README.

WORKDIR /app
COPY pyproject.toml README.md ./
COPY gromada ./gromada
COPY cogs ./cogs
COPY models ./models
COPY config ./config
RUN pip install . \
    && useradd --create-home --uid 10001 gromada \
    && mkdir -p /data && chown gromada:gromada /data

USER gromada
VOLUME ["/data"]
EXPOSE 8080
HEALTHCHECK --interval=30s --timeout=5s --start-period=60s \
    CMD python -c "import urllib.request,sys; sys.exit(0 if urllib.request.urlopen('http://127.0.0.1:8080/healthz').status == 200 else 1)"
CMD ["gromada", "run"]
