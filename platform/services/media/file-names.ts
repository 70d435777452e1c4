import path from 'node:path';

/** A safe file name: no directories, no dot-files, only [A-Za-z0-9._-], at most 100 characters. */
export function sanitizeFileName(name: string): string {
  const base = path.posix.basename(name.replace(/\\/g, '/'));
  let s = base
    .normalize('NFKD')
    .replace(/[^A-Za-z0-9._-]+/g, '_')
    .replace(/_+/g, '_');
  s = s.replace(/^[._]+/, '');
  if (s.length > 100) {
    const ext = path.posix.extname(s).slice(0, 10);
    s = s.slice(0, 100 - ext.length) + ext;
  }
  return s.length > 0 ? s : 'file';
}

export const ALLOWED_MIME = new Set([
  'application/pdf',
  'image/png',
  'image/jpeg',
  'image/webp',
  'video/mp4',
  'text/plain',
  'application/vnd.openxmlformats-officedocument.presentationml.presentation',
]);

export const MAX_MEDIA_BYTES = 5 * 1024 * 1024;
