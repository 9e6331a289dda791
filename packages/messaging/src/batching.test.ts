import { describe, expect, it } from 'vitest';
import { batchLength } from './batching.ts';

describe('cutting batches by weight', () => {
  it('when messages are light, then a batch takes as many as fit in the batch size', () => {
    expect(batchLength([1, 1, 1, 1, 1], 3)).toBe(3);
    expect(batchLength([100, 200, 200, 50], 500)).toBe(3);
  });

  it('when the next message would overflow the batch, then it waits for the next batch', () => {
    expect(batchLength([300, 300], 500)).toBe(1);
    expect(batchLength([1, 499, 1], 500)).toBe(2);
  });

  it('when a single message weighs more than a batch, then it forms a batch of its own', () => {
    expect(batchLength([900, 1], 500)).toBe(1);
    expect(batchLength([1, 900], 500)).toBe(1);
  });
});
