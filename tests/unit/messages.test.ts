// Messages whose wording depends on a count or on what happened: the text a user reads.
import { describe, expect, it } from 'vitest';
import * as messages from '../../src/messages.js';

describe('messages', () => {
  it('groups large counts and agrees in number', () => {
    expect(messages.showHeader('abc1234', 200_000)).toBe(
      'audit-hooks: 200,000 entries consolidated by commit abc1234',
    );
    expect(messages.showHeader('abc1234', 1)).toBe(
      'audit-hooks: 1 entry consolidated by commit abc1234',
    );
    expect(messages.quarantined(1, ['logs/quarantine/q.jsonl'])).toMatch(
      /quarantined 1 line that is not a valid entry into logs\/quarantine\/q\.jsonl; to keep one, fix it and run `audit-hooks log '<fixed line>'`/,
    );
    expect(messages.quarantined(3, ['logs/quarantine/q.jsonl'])).toMatch(
      /quarantined 3 lines that are not valid entries into /,
    );
  });

  it('says a failed hook call was kept for status only when it was', () => {
    expect(messages.hookNotLogged('codex', 'PreToolUse', 'disk full', true)).toBe(
      'audit-hooks: warning: did not log the codex PreToolUse hook call (disk full); kept for audit-hooks status',
    );
    expect(messages.hookNotLogged(undefined, undefined, 'not in a repository', false)).toBe(
      'audit-hooks: warning: did not log the hook call (not in a repository)',
    );
  });
});
