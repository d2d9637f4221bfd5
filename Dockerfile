# Causerie API image: the front-ends built with Node, the Python packages from the lock,
# run as a non-root user. Base images are pinned to exact releases.
#
# Build:  docker build -t causerie .
# Migrate (once per release, with the owner's credentials):
#         docker run --rm -e DATABASE_URL=postgresql://owner:pw@db/causerie \
#                    -e CAUSERIE_APP_DB_PASSWORD=… causerie causerie migrate
# Serve (only the app role's credentials; run as many replicas as needed):
#         docker run -e CAUSERIE_APP_DATABASE_URL=postgresql://causerie_app:…@db/causerie \
#                    -e CAUSERIE_JWT_KEYS=k1:<32+ chars> -e CAUSERIE_ENVIRONMENT=production \
#                    -p 8000:8000 causerie
# Given DATABASE_URL instead, the container migrates before serving (replicas that start
# together take turns on the migration lock).

FROM node:20.19.5-bookworm-slim AS frontends
WORKDIR /src/frontends
COPY frontends/package.json frontends/package-lock.json ./
COPY frontends/client/package.json client/
COPY frontends/theme/package.json theme/
COPY frontends/console/package.json console/
RUN npm ci --no-audit --no-fund
COPY frontends/ ./
COPY openapi /src/openapi
RUN npm run build

FROM python:3.11.14-slim-bookworm AS build
WORKDIR /src
RUN python -m venv /opt/venv
ENV PATH=/opt/venv/bin:$PATH \
    PIP_DISABLE_PIP_VERSION_CHECK=1
COPY requirements.lock ./
RUN pip install --no-cache-dir --require-hashes -r requirements.lock
COPY pyproject.toml README.md ./
COPY api ./api
COPY auth ./auth
COPY domain ./domain
COPY persistence ./persistence
RUN pip install --no-cache-dir --no-deps .

FROM python:3.11.14-slim-bookworm AS runtime
RUN useradd --create-home --uid 10001 causerie
COPY --from=build /opt/venv /opt/venv
WORKDIR /app
COPY migrations ./migrations
COPY openapi ./openapi
COPY --from=frontends /src/frontends/theme/dist ./frontends/theme/dist
COPY --from=frontends /src/frontends/console/dist ./frontends/console/dist
ENV PATH=/opt/venv/bin:$PATH \
    PYTHONUNBUFFERED=1 \
    CAUSERIE_HOST=0.0.0.0 \
    CAUSERIE_PORT=8000 \
    CAUSERIE_DATA_DIR=/tmp/causerie
USER 10001
EXPOSE 8000
# On the port the container is configured with, whatever CAUSERIE_PORT says.
HEALTHCHECK --interval=30s --timeout=3s --start-period=20s \
    CMD ["python", "-c", "import os, sys, urllib.request; port = os.environ.get('CAUSERIE_PORT', '8000'); sys.exit(urllib.request.urlopen(f'http://127.0.0.1:{port}/healthz', timeout=2).status != 200)"]
CMD ["causerie", "serve"]
