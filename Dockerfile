# newswire worker / watcher image. Build: docker compose build
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    NEWSWIRE_DATA_DIR=/data \
    NEWSWIRE_WEB_HOST=0.0.0.0

WORKDIR /app
COPY pyproject.toml README.md ./
COPY streams ./streams
COPY agents ./agents
RUN pip install --no-cache-dir . \
    && useradd --create-home --uid 1000 newswire \
    && mkdir -p /data /inbox && chown newswire /data /inbox

USER newswire
EXPOSE 6066
CMD ["newswire", "worker"]
