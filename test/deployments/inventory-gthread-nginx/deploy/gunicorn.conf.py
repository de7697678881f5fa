# InvenTree-style gunicorn config: threaded workers, long timeout for report generation.
import multiprocessing

bind = "127.0.0.1:8000"
worker_class = "gthread"
workers = multiprocessing.cpu_count() * 2 + 1
threads = 4
timeout = 90
keepalive = 75
