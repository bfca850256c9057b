# binome: the matching service. Build: docker build -t binome .  Run: docker run -p 8000:8000 binome
FROM python:3.11-slim AS base

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1

WORKDIR /app

# Dependencies first, in their own layer: it changes only when pyproject.toml does.
COPY pyproject.toml README.md ./
RUN for package in solver api scenarios cli intake exports generator; do \
        mkdir -p "$package" && touch "$package/__init__.py"; done \
    && pip install . \
    && pip uninstall -y binome

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
