import os

from django.core.wsgi import get_wsgi_application

from hoso.core.memory import large_blocks_back_to_system

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "hoso.settings")
# Before the first request: the server's threads must not each keep the big blocks they free.
large_blocks_back_to_system()
application = get_wsgi_application()
