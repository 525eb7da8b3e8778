// Thin fetch wrapper for the Moebius REST API.
//
// The UI authenticates with the HttpOnly session cookie the server sets on login. Because a
// cookie is sent automatically, every state-changing request must also carry the CSRF token
// returned by the login call; it lives in sessionStorage so that it dies with the tab.

const CSRF_KEY = 'moebius.csrf';
const UNSAFE = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

export class ApiError extends Error {
  readonly status: number;
  readonly code: string;
  readonly body: Record<string, unknown>;

  constructor(status: number, code: string, message: string, body: Record<string, unknown>) {
    super(message);
    this.name = 'ApiError';
    this.status = status;
    this.code = code;
    this.body = body;
  }
}

type UnauthorizedListener = () => void;
let unauthorizedListener: UnauthorizedListener | null = null;

/** Registers the one handler called when any request (other than login) answers 401. */
export function onUnauthorized(listener: UnauthorizedListener | null): void {
  unauthorizedListener = listener;
}

export function getCsrfToken(): string | null {
  try {
    return sessionStorage.getItem(CSRF_KEY);
  } catch {
    return null;
  }
}

export function setCsrfToken(token: string | null): void {
  try {
    if (token) sessionStorage.setItem(CSRF_KEY, token);
    else sessionStorage.removeItem(CSRF_KEY);
  } catch {
    // Storage can be unavailable (private modes); the server will then refuse writes with 403.
  }
}

export interface RequestOptions {
  /** Do not treat a 401 as "session ended" (used by the login form itself). */
  skipUnauthorized?: boolean;
  signal?: AbortSignal;
}

export async function apiRequest<T>(
  method: string,
  path: string,
  body?: unknown,
  options: RequestOptions = {},
): Promise<T> {
  const headers: Record<string, string> = { Accept: 'application/json' };
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  if (UNSAFE.has(method)) {
    const csrf = getCsrfToken();
    if (csrf) headers['X-CSRF-Token'] = csrf;
  }
  let response: Response;
  try {
    response = await fetch(path, {
      method,
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
      credentials: 'same-origin',
      signal: options.signal,
    });
  } catch (e) {
    if (e instanceof DOMException && e.name === 'AbortError') throw e;
    throw new ApiError(0, 'NETWORK_ERROR', e instanceof Error ? e.message : String(e), {});
  }
  const text = await response.text();
  let parsed: unknown = undefined;
  if (text) {
    try {
      parsed = JSON.parse(text);
    } catch {
      parsed = undefined;
    }
  }
  if (!response.ok) {
    const obj = (parsed && typeof parsed === 'object' ? parsed : {}) as Record<string, unknown>;
    const code = typeof obj.error_code === 'string' ? obj.error_code : `HTTP_${response.status}`;
    const message =
      typeof obj.message === 'string' && obj.message
        ? obj.message
        : text && !parsed
          ? text.slice(0, 300)
          : `${response.status} ${response.statusText}`;
    if (response.status === 401 && !options.skipUnauthorized && unauthorizedListener) {
      unauthorizedListener();
    }
    throw new ApiError(response.status, code, message, obj);
  }
  return (parsed ?? {}) as T;
}

/**
 * Sends raw bytes (an upload part, an archive). Errors are reported like apiRequest's, with the
 * answer's JSON kept in ApiError.body; the request body is not JSON.
 */
export async function sendBytes<T>(
  method: 'PUT' | 'POST',
  path: string,
  body: Blob,
  contentType = 'application/octet-stream',
  options: RequestOptions = {},
): Promise<T> {
  const headers: Record<string, string> = { Accept: 'application/json', 'Content-Type': contentType };
  const csrf = getCsrfToken();
  if (csrf) headers['X-CSRF-Token'] = csrf;
  let response: Response;
  try {
    response = await fetch(path, { method, headers, body, credentials: 'same-origin', signal: options.signal });
  } catch (e) {
    if (e instanceof DOMException && e.name === 'AbortError') throw e;
    throw new ApiError(0, 'NETWORK_ERROR', e instanceof Error ? e.message : String(e), {});
  }
  const text = await response.text();
  let parsed: Record<string, unknown> = {};
  try {
    parsed = text ? (JSON.parse(text) as Record<string, unknown>) : {};
  } catch {
    parsed = {};
  }
  if (!response.ok) {
    if (response.status === 401 && unauthorizedListener) unauthorizedListener();
    const code = typeof parsed.error_code === 'string' ? parsed.error_code : `HTTP_${response.status}`;
    const message = typeof parsed.message === 'string' && parsed.message ? parsed.message : `${response.status} ${response.statusText}`;
    throw new ApiError(response.status, code, message, parsed);
  }
  return parsed as T;
}

/** PUTs raw bytes (an upload part). */
export const putBytes = <T>(path: string, body: Blob, options: RequestOptions = {}): Promise<T> =>
  sendBytes<T>('PUT', path, body, 'application/octet-stream', options);

export const api = {
  get: <T>(path: string, options?: RequestOptions) => apiRequest<T>('GET', path, undefined, options),
  post: <T>(path: string, body: unknown = {}, options?: RequestOptions) =>
    apiRequest<T>('POST', path, body, options),
  put: <T>(path: string, body: unknown = {}, options?: RequestOptions) =>
    apiRequest<T>('PUT', path, body, options),
  patch: <T>(path: string, body: unknown = {}, options?: RequestOptions) =>
    apiRequest<T>('PATCH', path, body, options),
  del: <T>(path: string, options?: RequestOptions) => apiRequest<T>('DELETE', path, undefined, options),
};

/** Encodes one path segment (project names, ids). */
export const seg = (s: string): string => encodeURIComponent(s);

/** Builds a query string from defined values. */
export function qs(params: Record<string, string | number | boolean | undefined | null>): string {
  const u = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) {
    if (v !== undefined && v !== null && v !== '') u.set(k, String(v));
  }
  const s = u.toString();
  return s ? `?${s}` : '';
}
