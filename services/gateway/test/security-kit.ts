import { connect } from 'node:net';
import { mintToken, type Role } from '@skico/auth';
import { DEVELOPMENT_JWT_SECRET } from '../src/config.ts';

/** The token settings every test stack's gateway runs with (the development defaults). */
export const tokenSettings = { secret: DEVELOPMENT_JWT_SECRET, issuer: 'skico', audience: 'skico-api' };

export const bearer = (token: string) => ({ authorization: `Bearer ${token}` });

export const tokenFor = async (subject: string, roles: Role[]) =>
  bearer(await mintToken(tokenSettings, { subject, roles }));

export interface RawAnswer {
  /** Everything the server sent before it closed (or before the test gave up). */
  text: string;
  /** Whether the server closed the connection. */
  closed: boolean;
  /** Milliseconds from connect to close, or to giving up. */
  elapsedMs: number;
}

/**
 * Sends raw bytes to a server, optionally dribbling more (a slow client), and records what comes back
 * until the server closes or `giveUpMs` passes. For requests that fetch cannot make.
 */
export function rawExchange(
  url: string,
  options: { send: string | Buffer; dribble?: { chunk: string; everyMs: number }; giveUpMs: number },
): Promise<RawAnswer> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve) => {
    const started = Date.now();
    const chunks: Buffer[] = [];
    const socket = connect(Number(port), hostname);
    let timer: NodeJS.Timeout | undefined;
    const finish = (closed: boolean) => {
      clearInterval(timer);
      clearTimeout(giveUp);
      socket.destroy();
      resolve({ text: Buffer.concat(chunks).toString('latin1'), closed, elapsedMs: Date.now() - started });
    };
    const giveUp = setTimeout(() => finish(false), options.giveUpMs);
    socket.on('connect', () => {
      socket.write(options.send);
      if (options.dribble) {
        const { chunk, everyMs } = options.dribble;
        timer = setInterval(() => socket.writable && socket.write(chunk), everyMs);
      }
    });
    socket.on('data', (chunk) => void chunks.push(chunk));
    socket.on('error', () => undefined);
    socket.on('close', () => finish(true));
  });
}
