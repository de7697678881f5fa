#!/bin/sh
set -e

python manage.py migrate --noinput
python manage.py collectstatic --noinput

exec gunicorn project.wsgi:application \
    --bind 0.0.0.0:8000 \
    --worker-class gevent \
    --workers 4 \
    --timeout 300
