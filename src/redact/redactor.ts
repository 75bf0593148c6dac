import type { EntryLine } from '../history/entry-line.js';
import { loadRedactionRules } from './config.js';
import { redactLine } from './redact-line.js';
import type { RedactionRules } from './rules.js';

/**
 * Redaction of a whole record, on its line's text (see `redactLine`): the same record
 * object when nothing matched; otherwise a new record whose `line` is the redacted text
 * (what gets written) and whose `entry` is that line parsed; `instant` is kept (a
 * conforming `timestamp` is never redacted).
 */
export function redactor(rules: RedactionRules): (record: EntryLine) => EntryLine {
  return (record) => {
    const { line } = redactLine(record.line, rules);
    if (line === record.line) return record;
    return { entry: JSON.parse(line) as EntryLine['entry'], line, instant: record.instant };
  };
}

/** The redactor for a worktree, from its configuration (`.audit-hooks.json` or package.json). */
export function worktreeRedactor(root: string): (record: EntryLine) => EntryLine {
  return redactor(loadRedactionRules(root));
}
