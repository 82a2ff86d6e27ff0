"""Every log line carries the request id (the one in the X-Request-ID header, the audit rows and the 500
page)."""

import logging


class RequestIdFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        from .audit import request_id_var  # imported late: logging is configured before the apps are loaded

        record.request_id = request_id_var.get() or "-"
        return True
