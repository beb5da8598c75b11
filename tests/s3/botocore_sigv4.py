#!/usr/bin/python3
"""Sign requests with botocore (the copy inside Debian's awscli package), for cross-checking
adxmetrics' own SigV4 signer (src/s3/sigv4_test.cc).

stdin: a JSON list of requests {method, host, key, query: [[name, value]...], headers: [[n, v]...],
       body, unsigned_payload, access_key, secret_key, token, region, time: "YYYYMMDDTHHMMSSZ"}.
       Keys and query values are decoded text; this script builds the URL itself with
       urllib.parse.quote, independently of the C++ encoder.
stdout: a JSON list of {authorization, content_sha256, date, token} in the same order.
Run it with Debian's /usr/bin/python3: awscli's botocore is importable after `import awscli`.
"""
import datetime
import json
import sys
from types import SimpleNamespace
from unittest import mock
from urllib.parse import quote

import awscli  # noqa: F401  (makes awscli's bundled botocore importable as `botocore`)
from botocore import auth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials


def sign(spec):
    path = '/' + quote(spec['key'], safe='/')
    query = '&'.join(quote(n, safe='') + '=' + quote(v, safe='') for n, v in spec['query'])
    url = 'http://' + spec['host'] + path + ('?' + query if query else '')
    request = AWSRequest(method=spec['method'], url=url, headers=dict(spec['headers']),
                         data=spec['body'].encode('utf-8'))
    if spec.get('unsigned_payload'):
        request.context['client_config'] = SimpleNamespace(s3={'payload_signing_enabled': False})
    credentials = Credentials(spec['access_key'], spec['secret_key'], spec.get('token') or None)
    fixed = datetime.datetime.strptime(spec['time'], '%Y%m%dT%H%M%SZ')
    with mock.patch.object(auth, 'datetime') as patched:
        patched.datetime.utcnow.return_value = fixed
        patched.datetime.strptime = datetime.datetime.strptime
        auth.S3SigV4Auth(credentials, 's3', spec['region']).add_auth(request)
    return {
        'authorization': request.headers['Authorization'],
        'content_sha256': request.headers['X-Amz-Content-SHA256'],
        'date': request.headers['X-Amz-Date'],
        'token': request.headers.get('X-Amz-Security-Token', ''),
    }


def main():
    json.dump([sign(spec) for spec in json.load(sys.stdin)], sys.stdout)


if __name__ == '__main__':
    main()
