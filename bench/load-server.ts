import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

// Minimal keep-alive JSON server for bench:load: the same tiny body for every request, no work.
const body = Buffer.from('{"success":true,"data":{"ok":true}}');
const server = createServer((req, res) => {
  req.resume();
  res.writeHead(200, { 'content-type': 'application/json', 'content-length': body.length });
  res.end(body);
});
server.keepAliveTimeout = 60_000;
server.listen(0, '127.0.0.1', () => {
  process.stdout.write(
    `${JSON.stringify({ event: 'ready', url: `http://127.0.0.1:${(server.address() as AddressInfo).port}` })}\n`,
  );
});
process.on('SIGTERM', () => server.close(() => process.exit(0)));
