// The JSON API of `adxmetrics serve` (docs/api.md): same origin, never a token in a URL.

/** An answer other than 2xx: the HTTP status and the server's message. */
export class ApiError extends Error {
  constructor(status, message) {
    super(message);
    this.status = status;
  }
}

let onUnauthorized = () => {};

/** Call `handler` whenever an API call answers 401 (the page then shows its login form). */
export function setUnauthorizedHandler(handler) {
  onUnauthorized = handler;
}

/** "/api/report/x" + {from: "2023-05-01", ok: ""} -> "/api/report/x?from=2023-05-01" (empty values left out). */
export function apiUrl(path, params = {}) {
  const query = new URLSearchParams();
  for (const [key, value] of Object.entries(params)) {
    if (value !== undefined && value !== null && value !== '') query.set(key, String(value));
  }
  const text = query.toString();
  return text ? `${path}?${text}` : path;
}

/** GET a JSON endpoint; throws ApiError with the server's `error` message. */
export async function getJson(path, params = {}, signal = undefined) {
  const response = await fetch(apiUrl(path, params), {signal, credentials: 'same-origin'});
  if (response.ok) return response.json();
  let message = `${response.status} ${response.statusText}`;
  try {
    const body = await response.json();
    if (body && body.error) message = body.error;
  } catch {
    // Not JSON (a proxy's page, say): keep the status line.
  }
  if (response.status === 401) onUnauthorized();
  throw new ApiError(response.status, message);
}

/** POST the token to /api/login as a form; true when the server accepted it. */
export async function login(token) {
  const response = await fetch('/api/login', {
    method: 'POST',
    credentials: 'same-origin',
    headers: {'Content-Type': 'application/x-www-form-urlencoded'},
    body: new URLSearchParams({token}).toString(),
  });
  return response.ok;
}
