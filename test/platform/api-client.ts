// A tiny JSON client for platform tests: checks bodies, not only status codes.
/** The platform's JSON envelope: `data` on success, `error` on failure (platform/lib/http-app.ts). */
export interface ApiEnvelope<T> {
  success: boolean;
  data: T;
  error: { code: string; message: string };
}

export interface ApiResponse<T = unknown> {
  status: number;
  body: ApiEnvelope<T> & Record<string, unknown>;
}

/** A created row: every create route answers at least its id. */
export interface Created {
  id: string;
}

/** A row with a lifecycle: pitches (draft, published) and NDA requests (pending, approved, signed, ...). */
export interface WithStatus extends Created {
  status: string;
}

/** A pitch as GET /api/pitches/:id shows it to one caller: protected fields and creator only with access. */
export interface PitchView extends WithStatus {
  access: string;
  protected: Record<string, string> | null;
  creator: { id: string } | null;
}

/** GET /api/ndas/pitch/:id/status for the caller. */
export interface NdaStatus {
  hasAccess: boolean;
  nda: { status: string } | null;
}

/** A page of a list route. */
export interface Items<T> {
  items: T[];
}

/** A signed-in user, as sign-in answers it. */
export interface Session {
  token: string;
  user: { id: string; role: string };
}

/** Parses a raw response text that carries the platform's envelope (for tests that read bytes, not `api`). */
export function parseEnvelope<T = unknown>(text: string): ApiEnvelope<T> {
  return JSON.parse(text) as ApiEnvelope<T>;
}

export function apiClient(base: string) {
  return async function api<T = unknown>(
    method: string,
    path: string,
    opts: { token?: string; body?: unknown; raw?: string; headers?: Record<string, string> } = {},
  ): Promise<ApiResponse<T>> {
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
    let parsed: ApiResponse<T>['body'];
    try {
      // The body's shape is the caller's claim (T); each test asserts the fields it reads.
      parsed = JSON.parse(text) as ApiResponse<T>['body'];
    } catch {
      parsed = { raw: text } as unknown as ApiResponse<T>['body'];
    }
    return { status: res.status, body: parsed };
  };
}

/** Polls `fn` (sync or async) every 25 ms until it returns a truthy value, or throws after `ms`. */
export async function waitFor<T>(
  fn: () => T | null | undefined | false | Promise<T | null | undefined | false>,
  ms = 5000,
): Promise<T> {
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
): Promise<Session> {
  const up = await api('POST', '/api/auth/sign-up', { body });
  if (up.status !== 202 && up.status !== 201)
    throw new Error(`sign-up failed: ${up.status} ${JSON.stringify(up.body)}`);
  const r = await api<Session>('POST', '/api/auth/sign-in', { body: { email: body.email, password: body.password } });
  if (r.status !== 200) throw new Error(`sign-in failed: ${r.status} ${JSON.stringify(r.body)}`);
  return r.body.data;
}
