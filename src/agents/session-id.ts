// A tool's session id becomes the shard's session, which names a file: it must match
// ^[A-Za-z0-9_-]{1,64}$. Most tools use UUIDs, which already do; anything else is mapped
// deterministically (the same id always gives the same session) and without collisions.
import { createHash } from 'node:crypto';
import { SESSION_ID_PATTERN } from '../writer/index.js';

/** `id` itself when it is a valid session id, else a stable one derived from it. */
export function sessionIdFor(id: string): string {
  if (SESSION_ID_PATTERN.test(id)) return id;
  const readable = id
    .replace(/[^A-Za-z0-9_-]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 47);
  const hash = createHash('sha256').update(id, 'utf8').digest('hex').slice(0, 16);
  return readable === '' ? hash : `${readable}-${hash}`;
}
