import { describe, expect, it } from 'vitest';
import { createGroupCommit } from './group-commit.ts';

/** A send whose groups are recorded and settled by the test. */
function controlledSend() {
  const groups: { items: number[]; settle: (error?: Error) => void }[] = [];
  const send = (items: number[]) =>
    new Promise<string>((resolve, reject) => {
      groups.push({ items, settle: (error) => (error ? reject(error) : resolve(`sent ${items.join(',')}`)) });
    });
  return { groups, send };
}

const tick = () => new Promise((resolve) => setImmediate(resolve));

describe('group commit', () => {
  it('when nothing is in flight, then a member leaves at once, alone', async () => {
    const { groups, send } = controlledSend();
    const commit = createGroupCommit({ send, maxItems: 10, maxBytes: 1_000, sizeOf: () => 1, maxInFlight: 1 });
    const answer = commit.add(1);
    await tick();
    expect(groups.map((g) => g.items)).toEqual([[1]]);
    groups[0]?.settle();
    await expect(answer).resolves.toBe('sent 1');
  });

  it('when members arrive while a group is out, then they leave together once it is back, each with the group answer', async () => {
    const { groups, send } = controlledSend();
    const commit = createGroupCommit({ send, maxItems: 10, maxBytes: 1_000, sizeOf: () => 1, maxInFlight: 1 });
    const answers = [1, 2, 3, 4].map((n) => commit.add(n));
    await tick();
    expect(groups.map((g) => g.items)).toEqual([[1]]);
    expect(commit.waiting()).toBe(3);
    groups[0]?.settle();
    await tick();
    expect(groups.map((g) => g.items)).toEqual([[1], [2, 3, 4]]);
    groups[1]?.settle();
    await expect(Promise.all(answers)).resolves.toEqual(['sent 1', 'sent 2,3,4', 'sent 2,3,4', 'sent 2,3,4']);
  });

  it('when a group fails, then every member of it gets the error and the next group still leaves', async () => {
    const { groups, send } = controlledSend();
    const commit = createGroupCommit({ send, maxItems: 10, maxBytes: 1_000, sizeOf: () => 1, maxInFlight: 1 });
    const answers = [1, 2, 3].map((n) => commit.add(n).catch((e: Error) => e.message));
    await tick();
    groups[0]?.settle(new Error('nacked'));
    await tick();
    groups[1]?.settle(new Error('timeout'));
    await expect(Promise.all(answers)).resolves.toEqual(['nacked', 'timeout', 'timeout']);
    const later = commit.add(4);
    await tick();
    groups[2]?.settle();
    await expect(later).resolves.toBe('sent 4');
  });

  it('when more wait than a group may hold, then groups are cut by count and by bytes', async () => {
    const { groups, send } = controlledSend();
    const commit = createGroupCommit({
      send,
      maxItems: 3,
      maxBytes: 25,
      sizeOf: (n: number) => (n === 6 ? 30 : 10),
      maxInFlight: 1,
    });
    const answers = [0, 1, 2, 3, 4, 5, 6, 7].map((n) => commit.add(n));
    for (let i = 0; i < 6; i++) {
      await tick();
      groups.at(-1)?.settle();
    }
    await Promise.all(answers);
    // Three would fit the count, but a third member of 10 bytes would pass 25; 6 alone is over 25 and leaves alone.
    expect(groups.map((g) => g.items)).toEqual([[0], [1, 2], [3, 4], [5], [6], [7]]);
  });

  it('when two groups may be out, then the second member leaves at once too', async () => {
    const { groups, send } = controlledSend();
    const commit = createGroupCommit({ send, maxItems: 10, maxBytes: 1_000, sizeOf: () => 1, maxInFlight: 2 });
    for (const n of [1, 2, 3, 4]) void commit.add(n);
    await tick();
    expect(groups.map((g) => g.items)).toEqual([[1], [2]]);
    groups[1]?.settle();
    await tick();
    expect(groups.map((g) => g.items)).toEqual([[1], [2], [3, 4]]);
    groups[0]?.settle();
    groups[2]?.settle();
  });

  it('when send throws at once, then its members get the error', async () => {
    const commit = createGroupCommit<number, void>({
      send: () => {
        throw new Error('closed');
      },
      maxItems: 10,
      maxBytes: 1_000,
      sizeOf: () => 1,
      maxInFlight: 1,
    });
    await expect(commit.add(1)).rejects.toThrow('closed');
  });
});
