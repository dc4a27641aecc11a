"""Keep personal data out of the server's logs.

A staff search may be a phone number or a national ID, and it travels in the query string of
the inbox's URL (so that it can be bookmarked, saved and pushed to the browser's history).
The web server's access log would write it down with every request; this filter leaves the
path and drops the query string."""

import logging


class DropQueryString(logging.Filter):
    """For uvicorn's access log, whose records carry (client, method, path, version, status)."""

    def filter(self, record: logging.LogRecord) -> bool:
        args = record.args
        if isinstance(args, tuple) and len(args) >= 3 and isinstance(args[2], str):
            path, _sep, _query = args[2].partition("?")
            record.args = (*args[:2], path, *args[3:])
        return True


def keep_queries_out_of_access_logs() -> None:
    access = logging.getLogger("uvicorn.access")
    if not any(isinstance(f, DropQueryString) for f in access.filters):
        access.addFilter(DropQueryString())
