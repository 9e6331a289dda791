import { describe, expect, it } from 'vitest';
import { ifNoneMatchHits, weatherEtag } from './etag.ts';

describe('weather ETag', () => {
  it('when two versions or two resorts differ, then their ETags differ and are quoted strong tags', () => {
    expect(weatherEtag(3, 1)).toBe('"weather-3-1"');
    expect(weatherEtag(3, 2)).not.toBe(weatherEtag(3, 1));
    expect(weatherEtag(31, 1)).not.toBe(weatherEtag(3, 11));
  });

  it('when If-None-Match names the current tag, alone, in a list, weak or as *, then it hits', () => {
    const etag = weatherEtag(3, 2);
    expect(ifNoneMatchHits(etag, etag)).toBe(true);
    expect(ifNoneMatchHits(`"other", ${etag}`, etag)).toBe(true);
    expect(ifNoneMatchHits(`W/${etag}`, etag)).toBe(true);
    expect(ifNoneMatchHits('*', etag)).toBe(true);
  });

  it('when If-None-Match is absent or names other tags, then it misses', () => {
    const etag = weatherEtag(3, 2);
    expect(ifNoneMatchHits(undefined, etag)).toBe(false);
    expect(ifNoneMatchHits(weatherEtag(3, 1), etag)).toBe(false);
    expect(ifNoneMatchHits('"weather-3-2', etag)).toBe(false);
  });
});
