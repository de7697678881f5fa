# Heroku's Python buildpack sets PORT and WEB_CONCURRENCY for each dyno.
import os

bind = "0.0.0.0:" + os.environ.get("PORT", "8000")
workers = int(os.environ.get("WEB_CONCURRENCY", 2))
worker_class = "gthread"
threads = int(os.getenv("PYTHON_MAX_THREADS", "5"))
# Heroku router 2.0 keeps idle connections for 90 s: keep them longer here.
keepalive = int(os.getenv("KEEP_ALIVE", "95"))
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "20"))
accesslog = "-"
