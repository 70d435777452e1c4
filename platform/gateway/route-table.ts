import type { ServiceName } from '../lib/service-context.js';

// Which service owns a public path, for the gateway proxy in multi-process mode. Internal paths are not routed.
const ROUTES: Array<[RegExp, ServiceName]> = [
  [/^\/api\/pitches\/[^/]+\/media$/, 'media'],
  [/^\/api\/(auth|users|user|follows|admin\/users)(\/|$)/, 'user'],
  [/^\/api\/(pitches|search|creator|saved-pitches|dashboard)(\/|$)/, 'pitch'],
  [/^\/api\/ndas(\/|$)/, 'nda'],
  [/^\/api\/notifications(\/|$)/, 'notification'],
  [/^\/api\/media(\/|$)/, 'media'],
];

export function serviceForPath(url: string): ServiceName | null {
  const p = url.split('?')[0];
  for (const [re, name] of ROUTES) if (re.test(p)) return name;
  return null;
}
