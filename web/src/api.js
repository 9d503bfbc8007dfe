// The console's calls to the server: the same /v1 API as any client, authenticated by the session cookie
// (HttpOnly: this script never sees it); every state-changing call carries the session's CSRF token.
let csrf = '';

export class ApiError extends Error {
  constructor(status, body) {
    super(body && body.error ? `${body.error.code}: ${body.error.message}` : `HTTP ${status}`);
    this.status = status;
    this.body = body;
  }
}

async function call(method, path, body, extraHeaders = {}) {
  const headers = { ...extraHeaders };
  if (method !== 'GET' && method !== 'HEAD') headers['X-CSRF-Token'] = csrf;
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  const res = await fetch(path, {
    method,
    headers,
    body: body === undefined ? undefined : JSON.stringify(body),
    credentials: 'same-origin',
    cache: 'no-store',
  });
  let json = null;
  try { json = await res.json(); } catch { json = null; }
  if (!res.ok) throw new ApiError(res.status, json);
  return json;
}

export const api = {
  get: (path) => call('GET', path),
  post: (path, body) => call('POST', path, body ?? {}),
  del: (path) => call('DELETE', path),
};

// The session of this browser, or null when signed out.
export async function currentSession() {
  try {
    const s = await call('GET', '/console/session');
    csrf = s.csrf_token;
    return s;
  } catch (e) {
    if (e.status === 401) return null;
    throw e;
  }
}

export async function signIn(token) {
  const s = await call('POST', '/console/session', { token }, { 'X-Deconflict-Console': '1' });
  csrf = s.csrf_token;
  return s;
}

export async function signOut() {
  try { await call('DELETE', '/console/session'); } finally { csrf = ''; }
}
