# Causerie API image: multi-stage, runs as a non-root user.
# Build:  docker build -t causerie .
# Run:    docker run -e DATABASE_URL=postgresql://owner:pw@db/causerie \
#                    -e CAUSERIE_APP_DB_PASSWORD=… -e CAUSERIE_JWT_KEYS=k1:<32+ chars> \
#                    -e CAUSERIE_ENVIRONMENT=production -p 8000:8000 causerie
# On start it applies the migrations (as the DATABASE_URL owner), then serves as the
# unprivileged causerie_app role.

FROM python:3.11-slim AS build
WORKDIR /src
RUN python -m venv /opt/venv
ENV PATH=/opt/venv/bin:$PATH
COPY pyproject.toml README.md ./
COPY api ./api
COPY auth ./auth
COPY domain ./domain
COPY persistence ./persistence
RUN pip install --no-cache-dir .

FROM python:3.11-slim AS runtime
RUN useradd --create-home --uid 10001 causerie
COPY --from=build /opt/venv /opt/venv
WORKDIR /app
COPY migrations ./migrations
COPY openapi ./openapi
ENV PATH=/opt/venv/bin:$PATH \
    PYTHONUNBUFFERED=1 \
    CAUSERIE_HOST=0.0.0.0 \
    CAUSERIE_PORT=8000 \
    CAUSERIE_DATA_DIR=/tmp/causerie
USER causerie
EXPOSE 8000
HEALTHCHECK --interval=30s --timeout=3s CMD python -c "import urllib.request,sys; sys.exit(urllib.request.urlopen('http://127.0.0.1:8000/healthz').status != 200)"
CMD ["sh", "-c", "causerie migrate && exec uvicorn api.main:app --host 0.0.0.0 --port ${CAUSERIE_PORT} --workers ${WEB_CONCURRENCY:-2} --no-access-log"]
