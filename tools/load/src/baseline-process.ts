import { Agent, createServer, request } from 'node:http';
import type { AddressInfo } from 'node:net';

// Entry point of one baseline process, started by startBaseline():
//   baseline-process.ts server            answers every route at once with a constant body
//   baseline-process.ts proxy PORT SOCKETS forwards everything to 127.0.0.1:PORT over keep-alive sockets
// It reports its port over IPC and exits when its parent goes away.

const [mode, upstreamPort, sockets] = process.argv.slice(2);
const readBody = JSON.stringify({ ok: true });

const server =
  mode === 'proxy'
    ? proxy(Number(upstreamPort), Number(sockets))
    : createServer((req, res) => {
        req.resume();
        req.on('end', () => {
          const created = req.method === 'POST';
          const body = created ? '{}' : readBody;
          res.writeHead(created ? 201 : 200, {
            'content-type': 'application/json',
            'content-length': Buffer.byteLength(body),
          });
          res.end(body);
        });
      });

function proxy(port: number, maxSockets: number) {
  const agent = new Agent({ keepAlive: true, maxSockets });
  return createServer((req, res) => {
    const upstream = request(
      { host: '127.0.0.1', port, method: req.method, path: req.url, headers: req.headers, agent },
      (answer) => {
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(res);
      },
    );
    upstream.on('error', () => {
      if (!res.headersSent) res.writeHead(502);
      res.end();
    });
    req.pipe(upstream);
  });
}

server.keepAliveTimeout = 60_000;
server.listen(0, '127.0.0.1', () => {
  process.send?.({ port: (server.address() as AddressInfo).port });
});
process.on('disconnect', () => process.exit(0));
process.on('SIGTERM', () => process.exit(0));
