import { codedError } from './connection.js';

/** Error code of a request the client refuses to write (a CR, LF or NUL in its path or a header, a bad header name). */
export const INVALID_REQUEST = 'invalid request';

/** Methods and header names as RFC 9110 defines a token. */
const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;
/** Header values without CR, LF or NUL: no header or request can be smuggled in. */
const BAD_VALUE = /[\0\r\n]/;
/** A request target is visible latin1 without spaces. */
const BAD_PATH = /[^\u0021-\u00ff]/;

/** Why a header `name` cannot be written, or null. */
export function headerNameProblem(name: string): string | null {
  return TOKEN.test(name) ? null : `header name ${JSON.stringify(name)} is not an HTTP token`;
}

/** Why header `value` (or a fixed part of it) cannot be written, or null. */
export function headerValueProblem(value: string): string | null {
  return BAD_VALUE.test(value) ? 'a header value may not contain CR, LF or NUL' : null;
}

/** Why `path` (or a fixed part of it) cannot be written as a request target, or null. */
export function pathProblem(path: string): string | null {
  return BAD_PATH.test(path) ? 'a path may not contain spaces, control characters or characters above U+00FF' : null;
}

/** Methods whose request carries a Content-Length even without a body (as undici and browsers send them). */
const LENGTH_WITHOUT_BODY = new Set(['POST', 'PUT', 'PATCH']);

/**
 * Request line and headers of one HTTP/1.1 request, as one latin1 string: the Host header of the origin unless the
 * request has its own, and a Content-Length for a body (in UTF-8 bytes). Throws INVALID_REQUEST for a path or header
 * that cannot be written as given.
 */
export function requestHead(
  method: string,
  path: string,
  host: string,
  headers: Record<string, string> | undefined,
  body: string | undefined,
): string {
  if (path.length === 0 || BAD_PATH.test(path) || !TOKEN.test(method))
    throw codedError(INVALID_REQUEST, `invalid request line: ${method} ${path}`);
  let head = `${method} ${path} HTTP/1.1\r\n`;
  let hasHost = false;
  if (headers) {
    for (const name in headers) {
      const value = headers[name];
      if (!TOKEN.test(name) || BAD_VALUE.test(value)) throw codedError(INVALID_REQUEST, `invalid header: ${name}`);
      if (name.length === 4 && name.toLowerCase() === 'host') hasHost = true;
      // the client frames the body itself
      if (name.length === 14 && name.toLowerCase() === 'content-length') continue;
      head += `${name}: ${value}\r\n`;
    }
  }
  if (!hasHost) head += `host: ${host}\r\n`;
  if (body !== undefined) head += `content-length: ${Buffer.byteLength(body)}\r\n`;
  else if (LENGTH_WITHOUT_BODY.has(method)) head += 'content-length: 0\r\n';
  return `${head}\r\n`;
}
