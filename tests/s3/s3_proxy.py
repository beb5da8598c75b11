#!/usr/bin/python3
"""A loopback HTTP proxy in front of s3rver for the S3 integration tests (tests/s3/README.md).

  s3_proxy.py --upstream http://127.0.0.1:PORT [--port 0]
              [--verify-signatures --access-key K --secret-key S] [--conditional]

Listens on 127.0.0.1, prints `READY <port>` on stdout once listening (exits when stdin closes or on
SIGTERM), and forwards every request (method, path + query, headers including Host, body) to the
upstream, relaying status, headers and body. On top of plain forwarding it
- verifies SigV4 Authorization headers with botocore (--verify-signatures): 403 SignatureDoesNotMatch;
- implements S3's conditional writes, which s3rver ignores (--conditional): 412 PreconditionFailed;
- answers AbortMultipartUpload itself (s3rver answers it 405 MethodNotAllowed);
- injects faults and counts requests, controlled under the reserved prefix /__proxy/.
Run it with Debian's /usr/bin/python3: awscli's botocore is importable after `import awscli`.
"""
import argparse
import hashlib
import http.client
import http.server
import json
import os
import re
import socket
import struct
import sys
import threading
import time
import urllib.parse

import awscli  # noqa: F401  (makes awscli's bundled botocore importable as `botocore`)
from botocore import auth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials

HOP_BY_HOP = {'connection', 'keep-alive', 'proxy-connection', 'transfer-encoding', 'te', 'trailer',
              'upgrade', 'expect', 'content-length'}
KINDS = ['ListObjectsV2', 'GetObject', 'PutObject', 'HeadObject', 'DeleteObject', 'DeleteObjects',
         'CopyObject', 'CreateMultipartUpload', 'UploadPart', 'CompleteMultipartUpload',
         'AbortMultipartUpload', 'other']
AUTH_RE = re.compile(r'AWS4-HMAC-SHA256 Credential=([^/]+)/(\d{8})/([^/]+)/([^/]+)/aws4_request,\s*'
                     r'SignedHeaders=([^,]+),\s*Signature=([0-9a-f]+)$')
UNSIGNED_PAYLOAD = 'UNSIGNED-PAYLOAD'


def log(message):
    print(f's3_proxy: {message}', file=sys.stderr, flush=True)


def error_xml(code, message):
    return (f'<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>{code}</Code>'
            f'<Message>{message}</Message><RequestId>s3-proxy</RequestId></Error>').encode()


class Request:
    """One received request: method, raw target, headers, body."""

    def __init__(self, method, target, headers, body):
        self.method = method
        self.target = target
        self.headers = headers  # email.message.Message: case-insensitive, duplicates kept
        self.body = body
        parts = urllib.parse.urlsplit(target)
        self.path = parts.path
        self.query = {urllib.parse.unquote(name): urllib.parse.unquote(value)
                      for name, _, value in (pair.partition('=')
                                             for pair in parts.query.split('&') if pair)}

    def kind(self):
        """Return the S3 operation this request is (a key of the stats)."""
        method, query = self.method, self.query
        has_key = self.path.strip('/').count('/') >= 1
        if method == 'GET' and query.get('list-type') == '2':
            return 'ListObjectsV2'
        if method == 'POST' and 'delete' in query:
            return 'DeleteObjects'
        if method == 'POST' and 'uploads' in query:
            return 'CreateMultipartUpload'
        if method == 'POST' and 'uploadId' in query:
            return 'CompleteMultipartUpload'
        if method == 'DELETE' and 'uploadId' in query:
            return 'AbortMultipartUpload'
        if method == 'PUT' and 'uploadId' in query and 'partNumber' in query:
            return 'UploadPart'
        if not has_key or query:
            return 'other'
        if method == 'PUT':
            return 'CopyObject' if 'x-amz-copy-source' in self.headers else 'PutObject'
        return {'GET': 'GetObject', 'HEAD': 'HeadObject', 'DELETE': 'DeleteObject'}.get(method, 'other')


class SignatureVerifier:
    """Recompute a request's SigV4 signature with botocore from what the proxy received."""

    def __init__(self, access_key, secret_key):
        self.access_key = access_key
        self.credentials = Credentials(access_key, secret_key)

    def check(self, request):
        """Return None if the request is signed right, else (status, code, message)."""
        authorization = request.headers.get('Authorization')
        if authorization is None:
            return 403, 'AccessDenied', 'the proxy verifies only Authorization-header SigV4 requests'
        match = AUTH_RE.match(authorization.strip())
        if not match:
            return 400, 'AuthorizationHeaderMalformed', 'not an AWS4-HMAC-SHA256 Authorization header'
        access_key, date, region, service, signed_headers, signature = match.groups()
        if access_key != self.access_key:
            return 403, 'InvalidAccessKeyId', 'unknown access key'
        content_sha256 = request.headers.get('x-amz-content-sha256')
        if content_sha256 is None:
            return 400, 'InvalidRequest', 'Missing required header for this request: x-amz-content-sha256'
        if content_sha256 != UNSIGNED_PAYLOAD and content_sha256 != hashlib.sha256(request.body).hexdigest():
            return 400, 'XAmzContentSHA256Mismatch', 'x-amz-content-sha256 is not the SHA-256 of the body'
        amz_date = request.headers.get('x-amz-date', '')
        aws_request = self._aws_request(request, signed_headers.split(';'))
        aws_request.context['timestamp'] = amz_date
        signer = auth.S3SigV4Auth(self.credentials, service, region)
        canonical = signer.canonical_request(aws_request)
        string_to_sign = signer.string_to_sign(aws_request, canonical)
        expected = signer.signature(string_to_sign, aws_request)
        if expected == signature and amz_date.startswith(date):
            return None
        log(f'SignatureDoesNotMatch for {request.method} {request.target}\n'
            f'  received Authorization: {authorization}\n'
            f'  expected signature: {expected}\n'
            f'  canonical request (botocore):\n{canonical}\n  string to sign:\n{string_to_sign}')
        return 403, 'SignatureDoesNotMatch', ('The request signature we calculated does not match '
                                              'the signature you provided.')

    @staticmethod
    def _aws_request(request, signed_headers):
        # S3 canonicalises the path and query itself: each decoded, then URI-encoded once.
        path = urllib.parse.quote(urllib.parse.unquote(request.path), safe='/~')
        aws_request = AWSRequest(method=request.method, url='http://signed-host' + path,
                                 data=request.body, params=dict(request.query))
        for name in signed_headers:
            for value in request.headers.get_all(name, []):
                aws_request.headers[name] = value
        return aws_request


class Faults:
    """The fault rules set over /__proxy/faults; first matching rule that fires wins."""

    KINDS = {'503', '500', 'slowdown', 'reset', 'stall', 'truncate'}

    def __init__(self):
        self.lock = threading.Lock()
        self.rules = []

    def replace(self, rules):
        parsed = []
        for rule in rules:
            if rule.get('kind') not in self.KINDS:
                raise ValueError(f'unknown fault kind {rule.get("kind")!r}')
            parsed.append({'kind': rule['kind'], 'method': rule.get('method', '*').upper(),
                           'match': re.compile(rule.get('match', '')),
                           'count': int(rule.get('count', -1)), 'every': max(1, int(rule.get('every', 1))),
                           'stall_seconds': float(rule.get('stall_seconds', 3600)), 'seen': 0})
        with self.lock:
            self.rules = parsed

    def pick(self, request):
        """Return the rule to apply to this request (consuming one of its count), or None."""
        with self.lock:
            for rule in self.rules:
                if rule['method'] not in ('*', request.method) or not rule['match'].search(request.target):
                    continue
                rule['seen'] += 1
                if rule['count'] == 0 or rule['seen'] % rule['every'] != 0:
                    continue
                if rule['count'] > 0:
                    rule['count'] -= 1
                return rule
        return None


class Proxy:
    """State shared by all handler threads."""

    def __init__(self, args):
        upstream = urllib.parse.urlsplit(args.upstream)
        self.upstream = (upstream.hostname, upstream.port or 80)
        self.verifier = SignatureVerifier(args.access_key, args.secret_key) if args.verify_signatures else None
        self.conditional = args.conditional
        self.faults = Faults()
        self.stats_lock = threading.Lock()
        self.stats = {}
        self.reset_stats()
        # Striped locks: a conditional check and the write it guards run under the key's lock.
        self.key_locks = [threading.Lock() for _ in range(64)]

    def reset_stats(self):
        with self.stats_lock:
            self.stats = {name: 0 for name in KINDS + ['faults_injected', 'signature_mismatches']}

    def count(self, name):
        with self.stats_lock:
            self.stats[name] += 1

    def forward(self, method, target, headers, body):
        """Send one request upstream on a fresh connection; return (status, headers, body)."""
        connection = http.client.HTTPConnection(*self.upstream, timeout=600)
        try:
            connection.putrequest(method, target, skip_host=True, skip_accept_encoding=True)
            for name, value in headers:
                connection.putheader(name, value)
            connection.putheader('Content-Length', str(len(body)))
            connection.endheaders(body)
            response = connection.getresponse()
            return response.status, response.getheaders(), response.read()
        finally:
            connection.close()

    def head_etag(self, request):
        """Return the ETag of the request's key upstream, or None if there is no such object."""
        headers = [('Host', request.headers.get('Host', ''))]
        status, response_headers, _ = self.forward('HEAD', request.path, headers, b'')
        if status != 200:
            return None
        return next((value for name, value in response_headers if name.lower() == 'etag'), None)

    def precondition(self, request):
        """Return None if the request's If-None-Match/If-Match holds, else (status, code, message)."""
        none_match = request.headers.get('If-None-Match')
        if_match = request.headers.get('If-Match')
        if none_match is None and if_match is None:
            return None
        etag = self.head_etag(request)
        if none_match is not None:
            if none_match.strip() != '*':
                return 501, 'NotImplemented', 'If-None-Match supports only *'
            if etag is not None:
                return 412, 'PreconditionFailed', 'At least one of the pre-conditions you specified did not hold'
        if if_match is not None:
            if etag is None:
                return 404, 'NoSuchKey', 'The specified key does not exist.'
            wanted = {tag.strip().strip('"') for tag in if_match.split(',')}
            if '*' not in wanted and etag.strip('"') not in wanted:
                return 412, 'PreconditionFailed', 'At least one of the pre-conditions you specified did not hold'
        return None

    def key_lock(self, request):
        return self.key_locks[hash(request.path) % len(self.key_locks)]


def copy_source_for_s3rver(value):
    """Re-encode x-amz-copy-source for s3rver, which decodes it with JavaScript's decodeURI: that
    leaves %3D, %2C, %3A... (reserved characters, '=' of Hive partitions) encoded, so S3's proper
    encoding names a missing source. Those characters are sent literally (the signature was
    checked on the original value; s3rver checks none)."""
    return urllib.parse.quote(urllib.parse.unquote(value), safe="/;,?:@&=+$#")


class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = 'HTTP/1.1'  # keep-alive: clients reuse connections
    proxy = None  # set in main()

    def log_message(self, format, *args):  # noqa: A002  (the base class's signature)
        pass

    def do_request(self):
        try:
            self.handle_request()
        except (BrokenPipeError, ConnectionResetError, socket.timeout) as error:
            log(f'{self.command} {self.path}: client connection lost: {error}')
            self.close_connection = True

    do_GET = do_PUT = do_POST = do_DELETE = do_HEAD = do_request

    def handle_request(self):
        length = self.headers.get('Content-Length')
        if self.headers.get('Transfer-Encoding'):
            self.send(411, error_xml('MissingContentLength', 'chunked request bodies are not supported'))
            return
        body = self.rfile.read(int(length)) if length else b''
        request = Request(self.command, self.path, self.headers, body)
        if request.path.startswith('/__proxy/'):
            self.control(request)
            return
        if self.proxy.verifier:
            problem = self.proxy.verifier.check(request)
            if problem:
                self.proxy.count('signature_mismatches')
                self.send_error_xml(*problem)
                return
        rule = self.proxy.faults.pick(request)
        if rule:
            self.proxy.count('faults_injected')
            if self.inject(rule):
                return
        self.serve_s3(request, truncate=bool(rule and rule['kind'] == 'truncate'))

    def serve_s3(self, request, truncate):
        kind = request.kind()
        self.proxy.count(kind)
        if kind == 'AbortMultipartUpload':  # s3rver: 405; S3 forgets the parts
            self.send(204, b'')
            return
        guarded = self.proxy.conditional and kind in ('PutObject', 'CompleteMultipartUpload', 'DeleteObject')
        if not guarded:
            self.relay(request, truncate)
            return
        with self.proxy.key_lock(request):
            problem = self.proxy.precondition(request)
            if problem:
                self.send_error_xml(*problem)
                return
            self.relay(request, truncate)

    def relay(self, request, truncate):
        headers = [(name, copy_source_for_s3rver(value) if name.lower() == 'x-amz-copy-source' else value)
                   for name, value in request.headers.items() if name.lower() not in HOP_BY_HOP]
        status, response_headers, body = self.proxy.forward(request.method, request.target, headers,
                                                           request.body)
        self.send_response_only(status)  # upstream's Date and Server are relayed
        length = str(len(body))
        for name, value in response_headers:
            if name.lower() == 'content-length' and request.method == 'HEAD':
                length = value
            elif name.lower() not in HOP_BY_HOP:
                self.send_header(name, value)
        self.send_header('Content-Length', length)
        self.end_headers()
        if truncate:
            self.wfile.write(body[:len(body) // 2])
            self.close_connection = True
        elif request.method != 'HEAD':
            self.wfile.write(body)

    def inject(self, rule):
        """Apply a fault; return True if the request is answered (or dropped) by it."""
        kind = rule['kind']
        if kind in ('503', 'slowdown'):
            self.send_error_xml(503, 'SlowDown', 'Please reduce your request rate.')
        elif kind == '500':
            self.send_error_xml(500, 'InternalError', 'We encountered an internal error. Please try again.')
        elif kind == 'reset':
            # SO_LINGER 0: close() sends RST instead of FIN, as a dropped connection does.
            self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack('ii', 1, 0))
            self.connection.close()
            self.close_connection = True
        elif kind == 'stall':
            time.sleep(rule['stall_seconds'])  # the fault itself: a server that does not answer
            return False
        else:  # truncate: forwarded, cut in relay()
            return False
        return True

    def control(self, request):
        if request.method == 'POST' and request.path == '/__proxy/faults':
            try:
                self.proxy.faults.replace(json.loads(request.body or b'[]'))
            except (ValueError, TypeError, re.error) as error:
                self.send(400, str(error).encode(), 'text/plain')
                return
            self.send(200, b'{}', 'application/json')
        elif request.method == 'GET' and request.path == '/__proxy/stats':
            with self.proxy.stats_lock:
                self.send(200, json.dumps(self.proxy.stats).encode(), 'application/json')
        elif request.method == 'POST' and request.path == '/__proxy/stats/reset':
            self.proxy.reset_stats()
            self.send(200, b'{}', 'application/json')
        else:
            self.send(404, b'unknown control endpoint', 'text/plain')

    def send_error_xml(self, status, code, message):
        self.send(status, error_xml(code, message) if self.command != 'HEAD' else b'', 'application/xml')

    def send(self, status, body, content_type=None):
        self.send_response(status)
        if content_type:
            self.send_header('Content-Type', content_type)
        self.send_header('Content-Length', str(len(body)))
        self.end_headers()
        self.wfile.write(body)


class Server(http.server.ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request, client_address):
        log(f'error serving {client_address}: {sys.exc_info()[1]!r}')


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('--upstream', required=True)
    parser.add_argument('--port', type=int, default=0)
    parser.add_argument('--verify-signatures', action='store_true')
    parser.add_argument('--access-key', default='S3RVER')
    parser.add_argument('--secret-key', default='S3RVER')
    parser.add_argument('--conditional', action='store_true')
    args = parser.parse_args()
    Handler.proxy = Proxy(args)
    server = Server(('127.0.0.1', args.port), Handler)
    # The test that started us holds our stdin: when it goes away, so do we.
    threading.Thread(target=exit_when_stdin_closes, daemon=True).start()
    print(f'READY {server.server_address[1]}', flush=True)
    server.serve_forever()


def exit_when_stdin_closes():
    sys.stdin.buffer.read()
    os._exit(0)


if __name__ == '__main__':
    main()
