import type { BffError } from '@mqdash/contracts';

/**
 * The dashboard's one API client (STYLE #14). Every request to `/bff/*` goes through here:
 * cookie auth (`credentials: 'same-origin'`), the CSRF header on state-changing requests,
 * JSON in and out, and one error type. A 401 hands over to the unauthorized handler, which
 * sends the user to the login page and back afterwards.
 */

export class ApiError extends Error {
  override readonly name = 'ApiError';
  constructor(
    readonly status: number,
    /** The BFF's error name, e.g. `SESSION_NOT_FOUND`; `NETWORK` when no answer came. */
    readonly code: string,
    message: string,
    /** The offending property on 400 responses, e.g. `willTopic` or `params.label.name`. */
    readonly property?: string,
    /** Seconds from a `Retry-After` header (429 on login). */
    readonly retryAfter?: number,
  ) {
    super(message);
  }
}

export const isApiError = (error: unknown): error is ApiError => error instanceof ApiError;

let csrfToken: string | null = null;
/** Set from `/bff/me` and login; cleared on logout and on 401. */
export function setCsrfToken(token: string | null): void {
  csrfToken = token;
}

type UnauthorizedHandler = () => void;
let onUnauthorized: UnauthorizedHandler = () => {};
/** The app registers how a 401 is handled (navigate to login), so this module knows no router. */
export function setUnauthorizedHandler(handler: UnauthorizedHandler): void {
  onUnauthorized = handler;
}

type Method = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
type QueryValue = string | number | boolean | undefined | null;

export interface RequestOptions {
  body?: unknown;
  query?: Record<string, QueryValue> | URLSearchParams;
  signal?: AbortSignal;
  /** Login and the session probe answer 401 themselves: no redirect for them. */
  skipUnauthorizedRedirect?: boolean;
}

export interface ApiResponse<T> {
  data: T;
  headers: Headers;
}

export function buildUrl(path: string, query?: RequestOptions['query']): string {
  if (!query) return path;
  const params = query instanceof URLSearchParams ? query : new URLSearchParams();
  if (!(query instanceof URLSearchParams))
    for (const [key, value] of Object.entries(query))
      if (value !== undefined && value !== null && value !== '') params.set(key, String(value));
  const qs = params.toString();
  return qs ? `${path}?${qs}` : path;
}

async function errorFrom(response: Response): Promise<ApiError> {
  let body: Partial<BffError> = {};
  try {
    body = (await response.json()) as Partial<BffError>;
  } catch {
    // Not JSON (a proxy's error page, say): the status text has to do.
  }
  const retryAfterHeader = response.headers.get('Retry-After');
  const retryAfter = retryAfterHeader && /^\d+$/.test(retryAfterHeader) ? Number(retryAfterHeader) : undefined;
  return new ApiError(
    response.status,
    body.error ?? `HTTP_${response.status}`,
    body.message ?? (response.statusText || `The server answered ${response.status}`),
    body.property,
    retryAfter,
  );
}

async function send(method: Method, path: string, opts: RequestOptions): Promise<Response> {
  const headers: Record<string, string> = { Accept: 'application/json' };
  if (opts.body !== undefined) headers['Content-Type'] = 'application/json';
  if (method !== 'GET' && csrfToken) headers['X-CSRF-Token'] = csrfToken;
  try {
    return await fetch(buildUrl(path, opts.query), {
      method,
      headers,
      credentials: 'same-origin',
      body: opts.body === undefined ? undefined : JSON.stringify(opts.body),
      signal: opts.signal,
    });
  } catch (error) {
    if (error instanceof DOMException && error.name === 'AbortError') throw error;
    throw new ApiError(0, 'NETWORK', 'The server cannot be reached. Check your connection and try again.');
  }
}

/** A CSRF refusal after the token changed (another tab signed in again): fetch it anew, retry once. */
async function refreshCsrfToken(): Promise<boolean> {
  const response = await send('GET', '/bff/me', {});
  if (!response.ok) return false;
  const me = (await response.json()) as { csrfToken?: string };
  setCsrfToken(me.csrfToken ?? null);
  return Boolean(me.csrfToken);
}

export async function request<T>(method: Method, path: string, opts: RequestOptions = {}): Promise<ApiResponse<T>> {
  let response = await send(method, path, opts);
  if (response.status === 403 && method !== 'GET') {
    const error = await errorFrom(response.clone());
    if (/csrf/i.test(error.code) && (await refreshCsrfToken())) response = await send(method, path, opts);
  }
  if (!response.ok) {
    const error = await errorFrom(response);
    // 401 LOGIN_FAILED is a wrong password (login, password change), not an ended sign-in.
    if (error.status === 401 && error.code !== 'LOGIN_FAILED' && !opts.skipUnauthorizedRedirect) {
      setCsrfToken(null);
      onUnauthorized();
    }
    throw error;
  }
  const text = response.status === 204 ? '' : await response.text();
  return { data: (text ? JSON.parse(text) : undefined) as T, headers: response.headers };
}

/** Shorthands that return only the body. */
export const api = {
  get: async <T>(path: string, opts?: RequestOptions) => (await request<T>('GET', path, opts)).data,
  post: async <T>(path: string, body?: unknown, opts?: RequestOptions) => (await request<T>('POST', path, { ...opts, body })).data,
  put: async <T>(path: string, body?: unknown, opts?: RequestOptions) => (await request<T>('PUT', path, { ...opts, body })).data,
  patch: async <T>(path: string, body?: unknown, opts?: RequestOptions) => (await request<T>('PATCH', path, { ...opts, body })).data,
  delete: async <T>(path: string, opts?: RequestOptions) => (await request<T>('DELETE', path, opts)).data,
};

/** Bytes received so far, of `total` (null when the server did not say). */
export type DownloadProgress = (received: number, total: number | null) => void;

/** The body as a Blob, telling `onProgress` after every chunk. */
async function readWithProgress(response: Response, onProgress: DownloadProgress): Promise<Blob> {
  const length = Number(response.headers.get('Content-Length'));
  const total = Number.isFinite(length) && length > 0 ? length : null;
  if (!response.body) return response.blob();
  const reader = response.body.getReader();
  const chunks: Uint8Array<ArrayBuffer>[] = [];
  let received = 0;
  onProgress(0, total);
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    chunks.push(value);
    received += value.byteLength;
    onProgress(received, total);
  }
  return new Blob(chunks, { type: response.headers.get('Content-Type') ?? 'application/octet-stream' });
}

/** Downloads a file the server names (Content-Disposition) without leaving the page. */
export async function download(path: string, query: RequestOptions['query'], fallbackName: string, onProgress?: DownloadProgress): Promise<void> {
  const response = await send('GET', path, { query });
  if (response.status === 401) {
    setCsrfToken(null);
    onUnauthorized();
  }
  if (!response.ok) throw await errorFrom(response);
  const blob = onProgress ? await readWithProgress(response, onProgress) : await response.blob();
  const disposition = response.headers.get('Content-Disposition') ?? '';
  const name = /filename\*=UTF-8''([^;]+)/i.exec(disposition)?.[1] ?? /filename="?([^";]+)"?/i.exec(disposition)?.[1];
  const url = URL.createObjectURL(blob);
  const link = document.createElement('a');
  link.href = url;
  link.download = name ? decodeURIComponent(name) : fallbackName;
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

/** A human sentence for any error, for toasts and inline alerts. */
export function errorMessage(error: unknown): string {
  if (isApiError(error)) return error.message;
  if (error instanceof Error) return error.message;
  return 'Something went wrong.';
}
