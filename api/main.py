"""The ASGI application: `uvicorn api.main:app`.

Settings are read (and checked) from the environment when the module loads: a
nonsensical BINOME_ value stops the service at start-up, naming the setting.
"""

from __future__ import annotations

from api.app import create_app
from api.memory import retain_freed_memory
from api.settings import Settings

settings = Settings()
retain_freed_memory(settings.retain_mb)  # the service process only, before its first solve
app = create_app(settings)
