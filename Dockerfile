# binome: the matching service, and its job worker. Build: docker build -t binome .
# Service: docker run -p 8000:8000 binome   Worker: docker run -e BINOME_REDIS_URL=... binome binome worker
# All of it: docker compose up --scale worker=2 (compose.yaml, docs/operations.md#jobs)
FROM python:3.11-slim AS base

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1

WORKDIR /app

# Dependencies first, in their own layer, at the versions of the lock file (.ci/lock makes
# it from pyproject.toml): it changes only when they do.
COPY requirements.lock ./
RUN pip install -r requirements.lock
COPY pyproject.toml README.md ./

# Then the code.
COPY solver ./solver
COPY api ./api
COPY scenarios ./scenarios
COPY cli ./cli
COPY intake ./intake
COPY exports ./exports
COPY generator ./generator
RUN pip install --no-deps . \
    && useradd --create-home --uid 10001 binome

USER binome
EXPOSE 8000

HEALTHCHECK --interval=30s --timeout=3s --start-period=10s --retries=3 \
    CMD python -c "import urllib.request,sys; sys.exit(urllib.request.urlopen('http://127.0.0.1:8000/healthz', timeout=2).status != 200)"

CMD ["uvicorn", "api.main:app", "--host", "0.0.0.0", "--port", "8000", "--workers", "1", "--no-access-log"]
