import logging

from mithaq.common.logs import DropQueryString, keep_queries_out_of_access_logs


def _record(path):
    return logging.LogRecord(
        "uvicorn.access",
        logging.INFO,
        __file__,
        1,
        '%s - "%s %s HTTP/%s" %d',
        ("127.0.0.1:5000", "GET", path, "1.1", 200),
        None,
    )


def test_the_access_log_keeps_the_path_and_drops_a_searched_phone():
    record = _record("/staff/?q=07701234567&state=open")
    assert DropQueryString().filter(record)
    assert record.getMessage() == '127.0.0.1:5000 - "GET /staff/ HTTP/1.1" 200'
    assert "0770" not in record.getMessage()


def test_a_path_without_a_query_is_left_as_it_is():
    record = _record("/staff/cases/ABCD-EFGH/")
    DropQueryString().filter(record)
    assert record.getMessage() == '127.0.0.1:5000 - "GET /staff/cases/ABCD-EFGH/ HTTP/1.1" 200'


def test_the_asgi_application_puts_the_filter_on_uvicorns_access_log_once():
    import config.asgi  # noqa: F401

    keep_queries_out_of_access_logs()
    filters = logging.getLogger("uvicorn.access").filters
    assert sum(isinstance(f, DropQueryString) for f in filters) == 1
