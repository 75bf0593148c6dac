// A writer process, as an agent's tool runs one: the BUILT writer, a long-lived AuditLog.
//   node writer.mjs '<json config>'
// config: writerModule, root, session, label, count, profile ('mixed'|'small'|'big'),
//         spread (caller-supplied id and spread timestamp), ledger (file), paceMs.
// Every entry goes through the ledger (outside the repository), appended with O_APPEND:
//   {"k":"I",...} before log() — the entry is in flight;
//   {"k":"D",...} after log() returned — the entry is acknowledged and must never be lost.
// A SIGKILL between the two leaves an in-flight entry: it may be in the history (once) or
// absent, and a torn copy of it may sit in quarantine; anything else is a finding.
import { randomUUID } from 'node:crypto';
import { openSync, writeSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { pathToFileURL } from 'node:url';
import { fields, spreadTimestamp } from './payload.mjs';

const config = JSON.parse(process.argv[2]);
const { AuditLog } = await import(pathToFileURL(config.writerModule).href);
const log = new AuditLog({ repoRoot: config.root, sessionId: config.session });
const ledger = openSync(config.ledger, 'a');
const record = (value) => writeSync(ledger, `${JSON.stringify(value)}\n`);

for (let i = 0; i < config.count; i++) {
  const caller = fields(config.label, i, config.profile);
  const supplied = config.spread
    ? { id: randomUUID(), timestamp: spreadTimestamp(config.label, i) }
    : {};
  const base = { w: config.label, i, p: config.profile, s: config.session };
  record({
    k: 'I',
    ...base,
    ...(config.spread ? { id: supplied.id, ts: supplied.timestamp } : {}),
  });
  let entry;
  try {
    entry = log.log({ ...supplied, ...caller });
  } catch (error) {
    record({ k: 'F', ...base, error: String(error.message) });
    process.stderr.write(`${error.message}\n`);
    process.exit(3);
  }
  record({ k: 'D', ...base, id: entry.id, ts: entry.timestamp, seq: entry.seq });
  if (config.paceMs) await sleep(config.paceMs);
}
log.close();
