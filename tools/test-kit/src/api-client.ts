import { createResponseValidator } from '@skico/contracts';

export interface ApiAnswer<T = unknown> {
  status: number;
  headers: Headers;
  body: T;
  /** How the answer departs from the OpenAPI contract; empty when it conforms. */
  violations: string[];
}

export interface ApiCall {
  body?: unknown;
  /** Sent as is instead of JSON-encoding `body` (for malformed-body tests). */
  rawBody?: string;
  headers?: Record<string, string>;
}

/**
 * A fetch wrapper for end-to-end tests: every answer is checked against the contract, and every
 * violation is kept so that a test can assert that none happened.
 */
export function createApiClient(baseUrl: string) {
  const validate = createResponseValidator();
  const violations: string[] = [];

  const call = async <T = unknown>(method: string, path: string, options: ApiCall = {}): Promise<ApiAnswer<T>> => {
    const headers: Record<string, string> = { ...options.headers };
    let body: string | undefined = options.rawBody;
    if (body === undefined && options.body !== undefined) {
      body = JSON.stringify(options.body);
      headers['content-type'] ??= 'application/json';
    }
    const res = await fetch(`${baseUrl}${path}`, { method, headers, body, signal: AbortSignal.timeout(10_000) });
    const text = await res.text();
    const contentType = res.headers.get('content-type') ?? undefined;
    const parsed =
      text.length > 0 && contentType?.includes('json') ? JSON.parse(text) : text.length > 0 ? text : undefined;
    const found = validate({ method, path, status: res.status, body: parsed, contentType });
    violations.push(...found);
    return { status: res.status, headers: res.headers, body: parsed as T, violations: found };
  };

  return {
    call,
    get: <T = unknown>(path: string, options?: ApiCall) => call<T>('GET', path, options),
    post: <T = unknown>(path: string, body?: unknown, options?: ApiCall) => call<T>('POST', path, { ...options, body }),
    put: <T = unknown>(path: string, body?: unknown, options?: ApiCall) => call<T>('PUT', path, { ...options, body }),
    delete: <T = unknown>(path: string, options?: ApiCall) => call<T>('DELETE', path, options),
    /** Every contract violation seen so far by this client. */
    violations: () => [...violations],
  };
}

export type ApiClient = ReturnType<typeof createApiClient>;
