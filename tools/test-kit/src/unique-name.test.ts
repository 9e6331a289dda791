import { createServer } from 'node:net';
import { describe, expect, it } from 'vitest';
import { freePort } from './free-port.ts';
import { uniqueName } from './unique-name.ts';

describe('uniqueName', () => {
  it('when called twice with one prefix, then the names differ and are safe identifiers', () => {
    const a = uniqueName('lift_ride');
    const b = uniqueName('lift_ride');
    expect(a).not.toBe(b);
    expect(a).toMatch(/^lift_ride_[a-z0-9]+$/);
  });

  it('when the prefix has other characters or is long, then they become underscores and it fits in 63', () => {
    expect(uniqueName('Lift-Ride.Test')).toMatch(/^lift_ride_test_[a-z0-9]+$/);
    expect(uniqueName('9lives')).toMatch(/^t_9lives_/);
    expect(uniqueName('x'.repeat(100)).length).toBeLessThanOrEqual(63);
  });
});

describe('freePort', () => {
  it('when a port is returned, then a server can listen on it', async () => {
    const port = await freePort();
    const server = createServer();
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, '127.0.0.1', resolve);
    });
    await new Promise((resolve) => server.close(resolve));
  });
});
