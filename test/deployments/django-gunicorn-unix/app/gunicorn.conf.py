# gunicorn behind nginx on a unix socket (gunicorn docs, "Deploying Gunicorn").
bind = "unix:/tmp/gunicorn.sock"
workers = 3
timeout = 30
