import type { Socket } from 'node:net';
import { AppError } from '@skico/errors';
import { toProblem } from './problem.ts';

/** The problem+json answer to a request that node's parser refused before any route saw it. */
function answerTo(code: string | undefined): string {
  const error =
    code === 'HPE_HEADER_OVERFLOW'
      ? new AppError('headers-too-large', 'HEADERS_TOO_LARGE', 'The request line and headers exceed the size limit.')
      : code === 'ERR_HTTP_REQUEST_TIMEOUT'
        ? new AppError('request-timeout', 'REQUEST_TIMEOUT', 'The request was not received in time.')
        : new AppError('invalid', 'MALFORMED_HTTP', 'The request is not valid HTTP.');
  const problem = toProblem(error);
  const body = JSON.stringify(problem);
  return [
    `HTTP/1.1 ${problem.status} ${problem.title}`,
    'Content-Type: application/problem+json',
    `Content-Length: ${Buffer.byteLength(body)}`,
    'Connection: close',
    '',
    body,
  ].join('\r\n');
}

/**
 * A server's `clientError` listener: answers parser errors (431 for an oversized head, 400 for malformed
 * HTTP) and slow clients (408) with problem+json instead of node's bare status line, then closes.
 */
export function onClientError(err: NodeJS.ErrnoException, socket: Socket): void {
  // Writing is only safe while no answer on this connection has started (node's own rule).
  const inFlight = (socket as Socket & { _httpMessage?: { headersSent?: boolean } })._httpMessage;
  if (err.code !== 'ECONNRESET' && socket.writable && !inFlight?.headersSent) socket.end(answerTo(err.code));
  socket.destroy();
}
