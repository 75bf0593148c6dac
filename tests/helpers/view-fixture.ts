// A small audit trail in the v2 layout (SPEC §5), built the way git would hold it: batch
// files under logs/history/<day>/ added by commits, a v1 daily partition stamped with a
// commit (post-commit mode), an agent's `commit` event, and a live shard. Written by hand
// (not by consolidation, which is being rewritten) so the expected view is known exactly.
import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { makeRepo, type TempRepo, testEnv } from './git-repo.js';

/** A fake GitHub token, assembled so that no secret is committed verbatim. */
export const FAKE_TOKEN = `ghp_${'x7Yk2'.repeat(7)}Q`;
/** A value that would run script if it ever reached the page as markup. */
export const HOSTILE = `</script><img src=x onerror="document.title='pwned'"><!--`;

export interface FixtureEntry {
  id: string;
  timestamp: string;
  session_id: string;
  seq: number;
  [field: string]: unknown;
}

export interface ViewFixture {
  repo: TempRepo;
  /** Every entry, as written, in time order. */
  entries: FixtureEntry[];
  /** The stored line of each entry by id (exactly as in its file). */
  lines: Map<string, string>;
  /** Sessions and their agents. */
  sessions: Record<string, string | undefined>;
  /** Commit subject → sha and the ids of the entries that belong to it. */
  commits: Map<string, { sha: string; ids: string[] }>;
  /** Ids of the live (uncommitted) entries. */
  live: string[];
}

const SESSIONS: Record<string, string | undefined> = {
  'claude-a1': 'claude-code',
  'claude-b2': 'claude-code',
  'codex-c3': 'codex',
  'person-d4': undefined,
};

export function makeViewFixture(): ViewFixture {
  const repo = makeRepo({ commit: false });
  const entries: FixtureEntry[] = [];
  const lines = new Map<string, string>();
  const seqs = new Map<string, number>();
  let n = 0;
  const entry = (minute: number, session: string, fields: Record<string, unknown>) => {
    const seq = (seqs.get(session) ?? 0) + 1;
    seqs.set(session, seq);
    n++;
    const agent = SESSIONS[session];
    const made: FixtureEntry = {
      id: `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`,
      timestamp: `2026-11-24T10:${String(minute).padStart(2, '0')}:${String(n % 60).padStart(2, '0')}.${String(n).padStart(3, '0')}Z`,
      session_id: session,
      seq,
      ...(agent === undefined ? {} : { agent }),
      ...fields,
    };
    entries.push(made);
    lines.set(made.id, JSON.stringify(made));
    return made;
  };
  const write = (path: string, items: FixtureEntry[]) => {
    mkdirSync(join(repo.root, path, '..'), { recursive: true });
    const sorted = [...items].sort((a, b) => a.timestamp.localeCompare(b.timestamp));
    writeFileSync(join(repo.root, path), sorted.map((e) => `${lines.get(e.id)}\n`).join(''));
  };
  // Commits made when their entries were, as they would be.
  const commit = (subject: string, time: string) => {
    if (subject !== 'initial') repo.git('add', '-A', '-f', 'logs/history');
    const env = testEnv({ GIT_AUTHOR_DATE: time, GIT_COMMITTER_DATE: time });
    execFileSync('git', ['commit', '-q', '--allow-empty', '-m', subject], { cwd: repo.root, env });
    return repo.git('rev-parse', 'HEAD');
  };
  const commits = new Map<string, { sha: string; ids: string[] }>();
  const initial = commit('initial', '2026-11-24T09:59:30Z');

  // Post-commit mode (and v1): a daily partition whose entries are stamped with a commit.
  const stamped = [
    entry(0, 'person-d4', { event: 'decision', decision: 'keep the lexer', commit: initial }),
    entry(1, 'person-d4', { event: 'note', text: 'split the parser', commit: initial }),
  ];
  write('logs/history/2026-11-24.jsonl', stamped);
  commits.set('initial', { sha: initial, ids: stamped.map((e) => e.id) });

  // In-commit mode: each commit adds the batch of entries that led up to it.
  const first = [
    entry(2, 'claude-a1', { event: 'session_start' }),
    entry(3, 'claude-a1', { event: 'prompt', prompt: 'add a parser' }),
    entry(4, 'claude-a1', { event: 'tool_call', tool: 'Edit', input: { file: 'src/parser.ts' } }),
    entry(5, 'codex-c3', { event: 'session_start' }),
    entry(6, 'codex-c3', { event: 'tool_call', tool: 'Bash', input: { command: 'npm test' } }),
    entry(7, 'codex-c3', { event: 'tool_result', tool: 'Bash', output: 'ok' }),
    entry(8, 'claude-a1', { event: 'tool_result', tool: 'Edit', output: 'done' }),
  ];
  write('logs/history/2026-11-24/20261124T100800Z-a1b2c3d4.jsonl', first);
  const parser = commit('Add the parser', '2026-11-24T10:09:00Z');
  commits.set('Add the parser', { sha: parser, ids: first.map((e) => e.id) });

  const second = [
    entry(10, 'claude-b2', { event: 'session_start' }),
    entry(11, 'claude-b2', { event: 'tool_call', tool: HOSTILE, input: { note: HOSTILE } }),
    entry(12, 'claude-a1', { event: 'tool_call', tool: 'Bash', input: { command: 'git diff' } }),
    entry(13, 'claude-b2', {
      event: 'commit',
      sha: parser,
      branch: 'main',
      subject: 'Add the parser',
    }),
    entry(14, 'claude-a1', { event: 'stop' }),
    entry(15, 'claude-b2', { event: 'tool_call', tool: 'Read', input: { file: 'README.md' } }),
  ];
  write('logs/history/2026-11-24/20261124T101500Z-e5f6a7b8.jsonl', second);
  const lexer = commit('Fix the lexer', '2026-11-24T10:16:00Z');
  commits.set('Fix the lexer', { sha: lexer, ids: second.map((e) => e.id) });
  (commits.get('Add the parser') as { ids: string[] }).ids.push(second[3]?.id as string);

  // Live: a shard of claude-b2, not consolidated yet.
  const secret = entry(20, 'claude-b2', {
    event: 'tool_call',
    tool: 'Bash',
    input: { command: `git push https://${FAKE_TOKEN}@github.com/a/b` },
  });
  const faithful = entry(21, 'claude-b2', { event: 'tool_result', tool: 'Bash' });
  // As stored: a number spelled 1.50, an integer beyond 2^53, a bidi override.
  lines.set(
    faithful.id,
    `${JSON.stringify(faithful).slice(0, -1)},"cost":1.50,"tokens":12345678901234567890,"output":"ok \u202egnp.exe"}`,
  );
  const stop = entry(22, 'claude-b2', { event: 'stop' });
  mkdirSync(join(repo.root, 'logs', 'active'), { recursive: true });
  writeFileSync(join(repo.root, 'logs', 'active', '.gitignore'), '*\n');
  write('logs/active/20261124T102000_claude-b2.jsonl', [secret, faithful, stop]);

  return {
    repo,
    entries,
    lines,
    sessions: SESSIONS,
    commits,
    live: [secret.id, faithful.id, stop.id],
  };
}
