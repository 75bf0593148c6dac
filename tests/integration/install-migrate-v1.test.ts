// SPEC §7: "A v1 install's lines and merge-driver config are removed by `install`
// (migration) and by `uninstall`." A repository v1 set up (written by hand as v1 wrote it,
// tests/helpers/v1-install.ts) in three worktrees: main committed it, wt1 merged it in, wt2
// never committed it. After one v2 install in main, every worktree consolidates into batch
// files on its next commit, merges main afterwards without a hitch, and still reads v1's
// daily partitions. Uninstall takes v1's additions away too.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { runCli } from '../helpers/git-repo.js';
import {
  cleanupHusky,
  commitChange,
  committedEvents,
  gitIn,
  gitStatus,
  huskyBin,
  linkBin,
  logEntry,
  makeWorktreeRepo,
  ok,
  readIf,
  removeScratch,
  runHusky,
  snapshot,
  snapshotDiff,
  type WorktreeRepo,
} from '../helpers/install.js';
import { V1_CONSOLIDATE, v1Install, v1Partition } from '../helpers/v1-install.js';

beforeAll(() => {
  huskyBin();
});
afterAll(() => cleanupHusky());
afterEach(removeScratch);

const MANAGERS = ['lefthook', 'husky', 'git'] as const;
type Manager = (typeof MANAGERS)[number];

/** Files v1 wrote into every worktree, besides its manager's. */
const V1_FILES = ['.gitignore', '.gitattributes', 'logs/active/.gitkeep'];

/** main, wt1 and wt2 as the story above has them (husky: as `husky init` left the repo). */
function v1Repo(manager: Manager): { r: WorktreeRepo; preV1: Map<string, string> } {
  const r = makeWorktreeRepo({ linked: 2 });
  const [main, wt1, wt2] = r.worktrees as [string, string, string];
  if (manager === 'husky') {
    writeFileSync(join(main, 'package.json'), '{\n  "name": "app",\n  "private": true\n}\n');
    runHusky(main, ['init']);
    writeFileSync(join(main, '.husky', 'pre-commit'), 'echo team pre-commit\n');
    gitIn(main, ['add', '-A']);
    gitIn(main, ['commit', '-q', '-m', 'husky init']);
    for (const worktree of [wt1, wt2]) gitIn(worktree, ['merge', '-q', 'main']);
  }
  const preV1 = snapshot(r);
  v1Install(r.worktrees, manager);
  linkBin(main);
  v1Partition(main, ['v1 first', 'v1 second']);
  gitIn(main, ['add', '-A']);
  gitIn(main, ['commit', '-q', '-m', 'Set up audit-hooks (v1)']);
  // wt1 merged v1's files in (git refuses while its own untracked copies are there).
  gitIn(wt1, ['clean', '-qfdx', '-e', '.husky/_', '--', ...V1_FILES, 'lefthook.yml', '.husky']);
  gitIn(wt1, ['merge', '-q', 'main']);
  expect(gitStatus(wt1)).toBe('');
  // wt2 never committed them.
  expect(gitStatus(wt2)).not.toBe('');
  return { r, preV1 };
}

for (const manager of MANAGERS) {
  describe(`migrating a v1 install (${manager})`, () => {
    it('every worktree consolidates into batch files on its next commit, and merges main', () => {
      const { r } = v1Repo(manager);
      const [main, wt1, wt2] = r.worktrees as [string, string, string];
      // The dry run writes nothing (git config included), and is what the real run does.
      const before = snapshot(r);
      const dry = ok(r.install(['install', '--dry-run']));
      expect(snapshotDiff(before, snapshot(r))).toEqual([]);
      expect(r.git('config', 'merge.audit-hooks.driver')).toMatch(/merge-driver/);
      const result = ok(r.install());
      const planned = (out: string) => out.split('\n').filter((line) => line.startsWith('  '));
      expect(planned(result.stdout)).toEqual(planned(dry.stdout));
      expect(result.stdout).toMatch(new RegExp(`installing with ${manager} `));
      for (const line of [
        '.gitignore: delete (only the audit-hooks lines were left)',
        '.gitattributes: delete (only the audit-hooks lines were left)',
        'logs/active/.gitkeep: delete (v1’s; logs/active ignores itself now)',
        'git config merge.audit-hooks: remove v1’s merge driver (batch files never conflict)',
        'wt2: .gitignore: delete (v1 wrote it here and it was never committed)',
      ]) {
        expect(result.stdout).toContain(line);
      }
      expect(() => r.git('config', '--get-regexp', '^merge\\.')).toThrow();
      for (const file of V1_FILES) expect(readIf(main, file), file).toBeUndefined();
      if (manager === 'lefthook') {
        const config = parse(readIf(main, 'lefthook.yml') ?? '') as Record<string, unknown>;
        expect(Object.keys(config).sort()).toEqual(['output', 'post-commit', 'pre-commit']);
        expect(readIf(main, 'lefthook.yml')).not.toContain('consolidate --hook');
      }
      if (manager === 'husky') {
        expect(readIf(main, '.husky/post-checkout')).toBeUndefined();
        expect(readIf(main, '.husky/post-commit')).not.toContain(V1_CONSOLIDATE);
      }
      expect(readIf(main, '.git/hooks/post-checkout') ?? '').not.toMatch(/audit-hooks/);

      // main commits the migration, with its trail of the moment.
      logEntry(main, 'lead', { event: 'main' });
      commitChange(main, 'Move to audit-hooks v2');
      expect(committedEvents(main)).toEqual(['main']);
      expect(gitStatus(main)).toBe('');

      for (const worktree of [wt1, wt2]) {
        const name = worktree.split('/').at(-1) as string;
        logEntry(worktree, 'agent', { event: name });
        commitChange(worktree, `work in ${name}`);
        expect(committedEvents(worktree)).toEqual([name]);
        // Into a batch file: no v1 partition written or changed.
        expect(
          gitIn(worktree, [
            'diff-tree',
            '-r',
            '--no-commit-id',
            '--name-only',
            'HEAD',
            '--',
            ':(glob)logs/history/*.jsonl',
          ]),
        ).toBe('');
        expect(gitStatus(worktree)).toBe('');

        gitIn(worktree, ['merge', '-q', '--no-edit', 'main']);
        expect(gitStatus(worktree)).toBe('');
        // v1's partition and v2's batches read as one trail.
        const tail = ok(runCli(['tail', '-n', '0', '--json'], { cwd: worktree }));
        expect(
          tail.stdout
            .trim()
            .split('\n')
            .map((line) => JSON.parse(line).event),
        ).toEqual(['v1 first', 'v1 second', 'main', name].sort((a, b) => order(a) - order(b)));
      }

      // Once the branches have v2, install has nothing left to do for them.
      const again = ok(r.install());
      expect(again.stdout).not.toMatch(/v1/);
    });

    it('uninstall right after v1 gives back the repository as it was before v1', () => {
      const r = makeWorktreeRepo({ linked: 1 });
      if (manager === 'husky') {
        writeFileSync(join(r.root, 'package.json'), '{\n  "name": "app",\n  "private": true\n}\n');
        runHusky(r.root, ['init']);
      }
      const before = snapshot(r);
      v1Install(r.worktrees, manager);
      const result = ok(r.install(['uninstall']));
      expect(result.stdout).toMatch(/uninstalled from 2 worktrees/);
      // v1 copied husky's runner into the linked worktree; it stays, so husky runs there.
      expect(
        snapshotDiff(before, snapshot(r)).filter((line) => !line.startsWith('+ wt1/.husky/')),
      ).toEqual([]);
    });
  });
}

/** The order the entries were logged in: v1's, then main's, then the worktree's own. */
function order(event: string): number {
  return event.startsWith('v1') ? (event.endsWith('second') ? 1 : 0) : event === 'main' ? 2 : 3;
}
