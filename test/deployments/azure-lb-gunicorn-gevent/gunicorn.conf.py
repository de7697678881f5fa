# A gevent app served straight from a VM scale set behind an Azure Load Balancer.
bind = "0.0.0.0:8000"
workers = 4
worker_class = "gevent"
worker_connections = 1000
keepalive = 300
