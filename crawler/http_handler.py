"""Scrapy's HTTP/1.1 download handler, keeping the body a DOWNLOAD_TIMEOUT cut short.

A server that sends the headers and part of a body, then nothing, holds the download until
``DOWNLOAD_TIMEOUT``; Scrapy's handler then cancels it, drops what had arrived and fails the
request with ``DownloadTimeoutError``. Here, when the timeout fires after the headers, the body
Scrapy's response reader holds so far is handed on as the response, flagged ``timeout`` — as a
body the server cut short is handed on flagged ``dataloss`` — and middlewares/sizelimit.py keeps
it, marked ``WARC-Truncated: time``.

A server that sends part of a body and then nothing need not hold the download that long: after
``XXGK_DOWNLOAD_IDLE_TIMEOUT`` seconds without a byte the body is handed on the same way, flagged
``timeout`` and ``idle`` — ``DOWNLOAD_TIMEOUT`` bounds a whole download (a large file on a slow
line needs it), the idle limit a server that stalled. 0 turns it off.

A timeout before the headers still fails the request (there is no response to keep), and so
does every timeout where losing data is an error (``DOWNLOAD_FAIL_ON_DATALOSS``, or the request's
``download_fail_on_dataloss`` meta): then this is Scrapy's handler unchanged. Memory is the
reader's buffer, bounded by the size limit as before. Requests rendered by Chromium do not pass
here (crawler/browser_handler.py).
"""

from __future__ import annotations

from twisted.internet.defer import Deferred

from scrapy.core.downloader.handlers.http11 import HTTP11DownloadHandler, _ScrapyAgent
from scrapy.http import Response
from scrapy.utils._download_handlers import wrap_twisted_exceptions
from scrapy.utils.defer import maybe_deferred_to_future

TIMED_OUT = "timeout"   # the flag of a response whose body DOWNLOAD_TIMEOUT cut short
IDLE = "idle"           # with it: cut because no byte came for XXGK_DOWNLOAD_IDLE_TIMEOUT


class PartialOnTimeoutHandler(HTTP11DownloadHandler):
    """``DOWNLOAD_HANDLERS`` entry for http/https (or a base of one): Scrapy's, with
    :class:`PartialOnTimeoutAgent` for each download."""

    async def download_request(self, request) -> Response:
        agent = PartialOnTimeoutAgent(
            contextFactory=self._contextFactory, bindAddress=self._bind_address,
            pool=self._pool, maxsize=self._default_maxsize, warnsize=self._default_warnsize,
            fail_on_dataloss=self._fail_on_dataloss, crawler=self._crawler,
            tls_verbose_logging=self._tls_verbose_logging)
        agent.idle_timeout = self._crawler.settings.getfloat("XXGK_DOWNLOAD_IDLE_TIMEOUT", 0)
        with wrap_twisted_exceptions():
            return await maybe_deferred_to_future(agent.download_request(request))


class PartialOnTimeoutAgent(_ScrapyAgent):
    """One download. Scrapy's agent cancels the body's deferred when the timeout fires; here
    the cancel first finishes it with what the reader received, so the chain goes on with a
    response instead of a ``CancelledError``."""

    _reader = None
    _request = None
    _idle = None
    idle_timeout = 0.0

    def _cb_bodyready(self, txresponse, request):
        # The reader is made inside Scrapy's method; it is caught as it is handed the body.
        self._request = request
        deliver = txresponse.deliverBody

        def deliver_body(reader):
            self._reader = reader
            if self.idle_timeout > 0 and self._keeps_partial():
                self._watch_idle(reader, txresponse)
            deliver(reader)

        txresponse.deliverBody = deliver_body
        result = super()._cb_bodyready(txresponse, request)
        if isinstance(result, Deferred):
            result.addBoth(self._stop_idle)
        return result

    def _watch_idle(self, reader, txresponse) -> None:
        """Each byte received puts the idle deadline off again; past it, the body so far."""
        from twisted.internet import reactor   # the one Scrapy installed, not a default one

        self._idle = reactor.callLater(self.idle_timeout, self._stalled, reader, txresponse)
        received = reader.dataReceived

        def data_received(data):
            if self._idle is not None and self._idle.active():
                self._idle.reset(self.idle_timeout)
            received(data)

        reader.dataReceived = data_received

    def _stalled(self, reader, txresponse) -> None:
        if reader._finished.called:
            return
        reader._finish_response(flags=[TIMED_OUT, IDLE])
        txresponse._transport._producer.abortConnection()

    def _stop_idle(self, result):
        if self._idle is not None and self._idle.active():
            self._idle.cancel()
        return result

    def _cancel(self, body, txresponse) -> None:
        # Scrapy's is a staticmethod given the body's deferred; bound here, it sees the agent.
        if self._keeps_partial() and not self._timeout_cl.active():
            self._reader._finish_response(flags=[TIMED_OUT])
        _ScrapyAgent._cancel(body, txresponse)

    def _keeps_partial(self) -> bool:
        if self._reader is None or self._request is None:
            return False
        return not self._request.meta.get("download_fail_on_dataloss", self._fail_on_dataloss)

    def _cb_timeout(self, result, request, url, timeout):
        if isinstance(result, Response) and TIMED_OUT in result.flags:
            if self._timeout_cl.active():     # the idle limit came first
                self._timeout_cl.cancel()
            return result
        return super()._cb_timeout(result, request, url, timeout)
