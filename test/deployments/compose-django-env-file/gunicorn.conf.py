import os

bind = "0.0.0.0:8000"
workers = int(os.environ.get("WEB_CONCURRENCY", "3"))
worker_class = "gthread"
threads = 4
keepalive = int(os.environ.get("GUNICORN_KEEPALIVE", "75"))
