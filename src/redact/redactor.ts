import { type EntryLine, toEntryLine } from '../history/entry-line.js';
import { loadRedactionRules } from './config.js';
import { applyRedaction, type RedactionRules } from './redact.js';

/** Redaction of a whole line: the same line object when nothing matched. */
export function redactor(rules: RedactionRules): (record: EntryLine) => EntryLine {
  return (record) => {
    const entry = applyRedaction(record.entry, rules);
    return entry === record.entry ? record : toEntryLine(entry as typeof record.entry);
  };
}

/** The redactor for a worktree, from its configuration (`.audit-hooks.json` or package.json). */
export function worktreeRedactor(root: string): (record: EntryLine) => EntryLine {
  return redactor(loadRedactionRules(root));
}
