/** The strong ETag of one report version: the resort and the version, which together never repeat. */
export function weatherEtag(resortID: number, version: number): string {
  return `"weather-${resortID}-${version}"`;
}

/**
 * Whether an If-None-Match header names the current ETag, so that the answer is 304. RFC 9110 §13.1.2:
 * a list of tags, compared weakly (a `W/` prefix does not matter), or `*` for any current representation.
 */
export function ifNoneMatchHits(header: string | undefined, etag: string): boolean {
  if (header === undefined) return false;
  return header
    .split(',')
    .map((tag) => tag.trim().replace(/^W\//, ''))
    .some((tag) => tag === '*' || tag === etag);
}
