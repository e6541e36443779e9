"""Expose the WSGI application for gunicorn and other servers."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "breachdesk.settings")
application = get_wsgi_application()
