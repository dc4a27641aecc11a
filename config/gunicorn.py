"""gunicorn's settings for the pages (docs/decisions/0008):

    gunicorn --config python:config.gunicorn config.wsgi:application --bind 127.0.0.1:8001

Options on the command line override these. The hall displays' streams are not served here:
they need ASGI (uvicorn, config.asgi), behind the same proxy."""

# One process per request at a time: Mithaq's pages are synchronous code, and a sync worker
# serves them at about a third of the server CPU per request of uvicorn (decision 0008).
# Two match the two cores of the project's machines; WEB_CONCURRENCY or --workers says more.
worker_class = "sync"
workers = 2

# A sync worker that takes longer than this is killed and replaced; the longest answer is an
# inbox export of up to 50,000 rows (mithaq.search.export), streamed in one request.
timeout = 60

# The access log (off unless --access-logfile is given) keeps the path only: a staff search
# may be a phone number or a national ID, and it travels in the inbox's query string
# (mithaq.common.logs does the same for uvicorn's). gunicorn's default format would write the
# query string twice, in the request line and in the referring page.
access_log_format = '%(h)s - %(t)s "%(m)s %(U)s %(H)s" %(s)s %(b)s %(M)sms'
