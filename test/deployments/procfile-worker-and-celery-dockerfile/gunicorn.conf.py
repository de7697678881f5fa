bind = "0.0.0.0:8000"
workers = 3
worker_class = "gthread"
threads = 2
keepalive = 65
