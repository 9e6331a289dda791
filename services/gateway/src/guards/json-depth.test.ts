import { describe, expect, it } from 'vitest';
import { jsonDepth } from './json-depth.ts';

const depth = (text: string) => jsonDepth(Buffer.from(text));

describe('jsonDepth', () => {
  it('when JSON nests, then the deepest level is counted', () => {
    expect(depth('217')).toBe(0);
    expect(depth('{"time": 217, "liftID": 21}')).toBe(1);
    expect(depth('{"a": [1, {"b": [[]]}]}')).toBe(5);
    expect(depth('['.repeat(10_000))).toBe(10_000);
  });

  it('when brackets sit inside strings, even after escaped quotes, then they do not count', () => {
    expect(depth('{"name": "[[[{{{"}')).toBe(1);
    expect(depth('{"name": "a \\" [[[ \\\\", "x": [1]}')).toBe(2);
  });
});
