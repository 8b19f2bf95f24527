"""Project wiring: settings, URLs, WSGI/ASGI entry points and cross-app commands."""
