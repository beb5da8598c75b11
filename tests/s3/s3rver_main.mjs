// Run s3rver (an S3-protocol server storing objects under a directory) on 127.0.0.1 for the S3
// integration tests.
//
//   node --openssl-legacy-provider tests/s3/s3rver_main.mjs --dir DIR [--port 0] [--bucket NAME ...]
//
// Prints exactly one line `READY <port>` on stdout once listening (port 0 = ephemeral) and exits on
// SIGTERM, SIGINT or when stdin closes. Credentials: access key S3RVER, secret S3RVER.
// --openssl-legacy-provider: s3rver encrypts ListObjectsV2 continuation tokens with DES, which
// Node 17+ (OpenSSL 3) refuses without the legacy provider: paginated listings would answer 500.
import { parseArgs } from 'node:util';
import S3rver from 's3rver';

const { values } = parseArgs({
  options: {
    dir: { type: 'string' },
    port: { type: 'string', default: '0' },
    bucket: { type: 'string', multiple: true, default: [] },
  },
});
if (!values.dir) {
  console.error('s3rver_main: --dir is required');
  process.exit(2);
}

const server = new S3rver({
  address: '127.0.0.1',
  port: Number(values.port),
  directory: values.dir,
  silent: true,
  configureBuckets: values.bucket.map((name) => ({ name })),
});
const address = await server.run();
process.stdout.write(`READY ${address.port}\n`);

const stop = () => process.exit(0);
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
process.stdin.on('end', stop);
process.stdin.on('error', stop);
process.stdin.resume();
