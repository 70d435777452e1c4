// A tiny JSON client for platform tests: checks bodies, not only status codes.
export interface ApiResponse<T = any> {
  status: number;
  body: { success: boolean; data: T; error: { code: string; message: string } } & Record<string, any>;
}

export function apiClient(base: string) {
  return async function api<T = any>(method: string, path: string, opts: { token?: string; body?: unknown; raw?: string; headers?: Record<string, string> } = {}): Promise<ApiResponse<T>> {
    const headers: Record<string, string> = { ...opts.headers };
    if (opts.token) headers.authorization = `Bearer ${opts.token}`;
    let body: string | undefined;
    if (opts.raw !== undefined) {
      body = opts.raw;
      headers['content-type'] ??= 'application/json';
    } else if (opts.body !== undefined) {
      body = JSON.stringify(opts.body);
      headers['content-type'] = 'application/json';
    }
    const res = await fetch(base + path, { method, headers, body });
    const text = await res.text();
    let parsed: any;
    try {
      parsed = JSON.parse(text);
    } catch {
      parsed = { raw: text };
    }
    return { status: res.status, body: parsed };
  };
}

export async function waitFor<T>(fn: () => Promise<T | null | undefined | false>, ms = 5000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = await fn();
    if (v) return v;
    if (Date.now() > end) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 25));
  }
}

/** Sign-up answers 202 without a session (it does not reveal registered emails); the session comes from sign-in. */
export async function registerAndSignIn(
  api: ReturnType<typeof apiClient>,
  body: { email: string; password: string; displayName: string; role: string },
): Promise<{ token: string; user: { id: string; role: string } }> {
  const up = await api('POST', '/api/auth/sign-up', { body });
  if (up.status !== 202 && up.status !== 201) throw new Error(`sign-up failed: ${up.status} ${JSON.stringify(up.body)}`);
  const r = await api('POST', '/api/auth/sign-in', { body: { email: body.email, password: body.password } });
  if (r.status !== 200) throw new Error(`sign-in failed: ${r.status} ${JSON.stringify(r.body)}`);
  return r.body.data;
}
