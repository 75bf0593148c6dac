// SPEC §7 with lefthook, the default manager: what `audit-hooks install` writes in every
// worktree, that a second run and --dry-run write nothing, that uninstall gives back every
// byte, and that a user's lefthook.yml (or a broken one) is respected. Real git, the built
// CLI and the real lefthook binary (its hooks find it by the path `lefthook install` bakes in).
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { ROOT, runCli } from '../helpers/git-repo.js';
import {
  commitAll,
  historyEvents,
  hookTrace,
  installedRepo,
  linkBin,
  logEntry,
  makeWorktreeRepo,
  ok,
  readIf,
  removeScratch,
  scratchDir,
  snapshot,
  snapshotDiff,
  undoCommits,
  writeHook,
} from '../helpers/install.js';

const LEFTHOOK = join(ROOT, 'node_modules', 'lefthook', 'bin', 'index.js');

afterEach(removeScratch);

type Hooks = Record<string, { jobs?: { name?: string; run?: string }[] } | undefined>;

function jobNames(text: string, hook: string): string[] {
  return ((parse(text) as Hooks)[hook]?.jobs ?? []).map((job) => String(job.name));
}

describe('install with lefthook', () => {
  it('sets up every worktree, registers the merge driver and installs the hooks', () => {
    const r = makeWorktreeRepo();
    const result = ok(r.install());
    expect(result.stdout).toMatch(/^audit-hooks: installing with lefthook \(the default\)/);
    expect(result.stdout).toMatch(/installed in 3 worktrees/);
    expect(result.stderr).toBe('');

    for (const worktree of r.worktrees) {
      expect(readIf(worktree, 'logs/active/.gitkeep')).toBe('');
      const ignore = (readIf(worktree, '.gitignore') ?? '').split('\n');
      expect(ignore).toEqual(
        expect.arrayContaining(['logs/active/*', '!logs/active/.gitkeep', 'logs/quarantine/']),
      );
      expect((readIf(worktree, '.gitattributes') ?? '').split('\n')).toContain(
        'logs/history/*.jsonl merge=audit-hooks',
      );
      const config = readIf(worktree, 'lefthook.yml') ?? '';
      expect(jobNames(config, 'post-commit')).toEqual(['audit-hooks']);
      expect(jobNames(config, 'post-checkout')).toEqual(['audit-hooks']);
    }
    expect(r.git('config', 'merge.audit-hooks.driver')).toMatch(/merge-driver %O %A %B/);
    for (const hook of ['post-commit', 'post-checkout']) {
      expect(readIf(r.root, `.git/hooks/${hook}`)).toMatch(/lefthook/);
    }
    // git itself sees the shard folder ignored and the history merged by our driver.
    expect(r.git('check-ignore', 'logs/active/x.jsonl')).toBe('logs/active/x.jsonl');
    expect(r.git('check-attr', 'merge', 'logs/history/2026-11-24.jsonl')).toMatch(
      /merge: audit-hooks$/,
    );
  });

  it('commits in every worktree consolidate that worktree’s shards', () => {
    const r = installedRepo();
    r.worktrees.forEach((worktree, i) => {
      logEntry(worktree, `s${i}`, { event: `wt${i}` });
      const output = commitAll(worktree, `work in wt${i}`);
      expect(output).toMatch(/consolidated 1 entry from 1 shard/);
    });
    r.worktrees.forEach((worktree, i) => {
      expect(historyEvents(worktree)).toEqual([`wt${i}`]);
      expect(existsSync(join(worktree, 'logs/active'))).toBe(true);
      expect(execFileSync('ls', [join(worktree, 'logs/active')], { encoding: 'utf8' }).trim()).toBe(
        '',
      );
    });
  });

  it('is idempotent: a second run changes no byte and says so', () => {
    const r = makeWorktreeRepo();
    ok(r.install());
    const before = snapshot(r);
    const second = ok(r.install());
    expect(snapshotDiff(before, snapshot(r))).toEqual([]);
    expect(second.stdout).toMatch(/already installed in 3 worktrees; nothing changed/);
    // From a linked worktree too: the same repository, the same answer.
    const third = ok(r.install(['install'], r.worktrees[1]));
    expect(third.stdout).toMatch(/already installed .*nothing changed/);
    expect(snapshotDiff(before, snapshot(r))).toEqual([]);
  });

  it('--dry-run prints the plan and writes nothing', () => {
    const r = makeWorktreeRepo();
    const before = snapshot(r);
    const result = ok(r.install(['install', '--dry-run']));
    expect(snapshotDiff(before, snapshot(r))).toEqual([]);
    expect(result.stdout).toMatch(/would install with lefthook/);
    for (const what of [
      'logs/active/.gitkeep',
      '.gitignore',
      '.gitattributes',
      'lefthook.yml',
      'merge.audit-hooks.driver',
      'lefthook install',
      'wt2: lefthook.yml',
    ]) {
      expect(result.stdout).toContain(what);
    }
    // The plan is what a real run then does.
    const planned = result.stdout.split('\n').filter((line) => line.startsWith('  '));
    const real = ok(r.install());
    expect(real.stdout.split('\n').filter((line) => line.startsWith('  '))).toEqual(planned);
  });

  it('uninstall gives back every byte of the users’ files (comments, CRLF, no final newline)', () => {
    const r = makeWorktreeRepo();
    const [main, wt1, wt2] = r.worktrees as [string, string, string];
    writeFileSync(join(main, '.gitignore'), '# deps\n  node_modules/   \n\n\n*.log\n');
    writeFileSync(join(main, '.gitattributes'), '* text=auto eol=lf');
    writeFileSync(
      join(main, 'lefthook.yml'),
      '# my hooks   \npre-commit:\n    parallel: true   # odd indent\n    jobs:\n        - name: lint\n          run: npm run lint\n',
    );
    writeFileSync(join(wt1, '.gitignore'), 'dist/\r\nnode_modules/\r\n');
    writeFileSync(join(wt1, 'lefthook.yml'), 'pre-push:\n  jobs:\n    - run: npm test');
    writeFileSync(join(wt2, '.gitattributes'), '*.png binary\n\n');
    // The user's lefthook is installed already, as its npm postinstall does.
    execFileSync(process.execPath, [LEFTHOOK, 'install'], { cwd: main, stdio: 'ignore' });
    const before = snapshot(r);

    ok(r.install());
    expect(snapshotDiff(before, snapshot(r)).length).toBeGreaterThan(10);
    const result = ok(r.install(['uninstall']));
    expect(result.stdout).toMatch(/uninstalled from 3 worktrees/);
    expect(snapshotDiff(before, snapshot(r))).toEqual([]);
    // And a second uninstall has nothing left to do.
    ok(r.install(['uninstall']));
    expect(snapshotDiff(before, snapshot(r))).toEqual([]);
  });

  it('uninstall after install in a fresh repository leaves the hooks folder as it was', () => {
    const r = makeWorktreeRepo({ linked: 1 });
    const before = snapshot(r);
    ok(r.install());
    ok(r.install(['uninstall']));
    expect(snapshotDiff(before, snapshot(r))).toEqual([]);
    expect(existsSync(join(r.root, '.git', 'info', 'lefthook.checksum'))).toBe(false);
  });

  it('keeps the user’s lefthook.yml byte for byte, and the user’s jobs keep running', () => {
    const r = makeWorktreeRepo({ linked: 1 });
    const ran = hookTrace();
    const user = `# Team hooks — do not reformat
pre-commit:
  jobs:
    - name: check   # quick
      run: echo pre-commit >> ${ran.path}

post-commit:
  jobs:
    - name: notify
      run: echo post-commit >> ${ran.path}   # ours

# pushing
pre-push:
  commands:
    test:
      run: 'true'
`;
    for (const worktree of r.worktrees) writeFileSync(join(worktree, 'lefthook.yml'), user);
    linkBin(r.root);
    ok(r.install());
    for (const worktree of r.worktrees) {
      const config = readIf(worktree, 'lefthook.yml') ?? '';
      let cursor = 0;
      for (const line of user.split('\n')) {
        const at = config.indexOf(line, cursor);
        expect(at, `kept: ${line}`).toBeGreaterThanOrEqual(0);
        cursor = at + line.length;
      }
      expect(jobNames(config, 'post-commit')).toEqual(['notify', 'audit-hooks']);
      expect(jobNames(config, 'pre-commit')).toEqual(['check']);
    }
    logEntry(r.root, 'user', { event: 'user-config' });
    commitAll(r.root, 'with user hooks');
    expect(ran.read()).toBe('pre-commit\npost-commit\n');
    expect(historyEvents(r.root)).toEqual(['user-config']);
  });

  it('refuses an invalid lefthook.yml with one line, and writes nothing anywhere', () => {
    const r = makeWorktreeRepo();
    const broken = 'pre-commit:\n  jobs: [\n    - run: true\n';
    // Broken in the last worktree, so every other one is planned before the error.
    writeFileSync(join(r.worktrees[2] as string, 'lefthook.yml'), broken);
    const before = snapshot(r);
    const result = r.install();
    expect(result.status).toBe(1);
    expect(result.stdout).toBe('');
    const lines = result.stderr.trimEnd().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^audit-hooks: cannot parse .*wt2: lefthook\.yml:\d+:\d+ \(.+\); /);
    expect(lines[0]).toMatch(/nothing was changed\)$/);
    expect(snapshotDiff(before, snapshot(r))).toEqual([]);
    expect(readIf(r.worktrees[2] as string, 'lefthook.yml')).toBe(broken);
  });

  it('merges into the sample lefthook.yml that lefthook’s postinstall drops', () => {
    const r = makeWorktreeRepo({ linked: 1 });
    // What `npm i audit-hooks` does through lefthook's postinstall: `lefthook install`.
    execFileSync(process.execPath, [LEFTHOOK, 'install'], { cwd: r.root, stdio: 'ignore' });
    const sample = readIf(r.root, 'lefthook.yml') ?? '';
    expect(sample).toMatch(/^# EXAMPLE USAGE/);
    expect(parse(sample)).toBeNull();
    writeFileSync(join(r.worktrees[1] as string, 'lefthook.yml'), sample);
    const before = snapshot(r);

    linkBin(r.root);
    const result = ok(r.install());
    expect(result.stdout).toMatch(/with lefthook \(lefthook\.yml found\)/);
    for (const worktree of r.worktrees) {
      const config = readIf(worktree, 'lefthook.yml') ?? '';
      expect(config.startsWith(sample)).toBe(true);
      expect(jobNames(config, 'post-commit')).toEqual(['audit-hooks']);
      expect(jobNames(config, 'post-checkout')).toEqual(['audit-hooks']);
    }
    logEntry(r.root, 'sample', { event: 'after-sample' });
    expect(commitAll(r.root, 'c')).toMatch(/consolidated 1 entry/);
    expect(historyEvents(r.root)).toEqual(['after-sample']);

    undoCommits(r, [r.root]);
    ok(r.install(['uninstall']));
    expect(snapshotDiff(before, snapshot(r))).toEqual([]);
  });

  it('keeps a foreign post-commit hook running (lefthook renames it) and restores it', () => {
    const r = makeWorktreeRepo({ linked: 1 });
    const ran = hookTrace();
    const hook = join(r.root, '.git', 'hooks', 'post-commit');
    writeHook(hook, `echo "foreign $(basename "$PWD")" >> ${ran.path}`);
    const before = snapshot(r);

    linkBin(r.root);
    const result = ok(r.install());
    expect(result.stdout).toMatch(/keeps running, as post-commit\.old/);
    expect(existsSync(`${hook}.old`)).toBe(true);
    for (const worktree of r.worktrees) {
      logEntry(worktree, 'foreign', { event: worktree === r.root ? 'main' : 'linked' });
      expect(commitAll(worktree, 'c')).toMatch(/consolidated 1 entry/);
    }
    expect(ran.read()).toBe(`foreign ${r.root.split('/').at(-1)}\nforeign wt1\n`);
    expect(historyEvents(r.root)).toEqual(['main']);
    expect(historyEvents(r.worktrees[1] as string)).toEqual(['linked']);

    undoCommits(r);
    ok(r.install(['uninstall']));
    expect(snapshotDiff(before, snapshot(r))).toEqual([]);
  });

  it('keeps a foreign post-checkout hook (git-lfs installs one) running, with git’s arguments', () => {
    const r = makeWorktreeRepo({ linked: 1 });
    const ran = hookTrace();
    const hook = join(r.root, '.git', 'hooks', 'post-checkout');
    writeHook(hook, `echo "$# $3" >> ${ran.path}`);
    const before = snapshot(r);

    const result = ok(r.install());
    expect(result.stdout).toMatch(
      /the existing post-checkout hook keeps running, as post-checkout\.old/,
    );
    expect(jobNames(readIf(r.root, 'lefthook.yml') ?? '', 'post-checkout').sort()).toEqual([
      'audit-hooks',
      'audit-hooks: previous post-checkout hook',
    ]);
    r.git('checkout', '-q', '-b', 'elsewhere');
    // Three arguments (old head, new head, 1 for a branch checkout), as git passed them.
    expect(ran.read()).toBe('3 1\n');

    ok(r.install(['uninstall']));
    expect(snapshotDiff(before, snapshot(r))).toEqual([]);
  });

  it('`--manager lefthook` where core.hooksPath is set: one clear error, nothing written', () => {
    const r = makeWorktreeRepo({ linked: 1 });
    mkdirSync(join(r.root, '.githooks'));
    r.git('config', 'core.hooksPath', '.githooks');
    const before = snapshot(r);
    const result = r.install(['install', '--manager', 'lefthook']);
    expect(result.status).toBe(1);
    expect(result.stderr.trimEnd().split('\n')).toEqual([
      expect.stringMatching(
        /^audit-hooks: core\.hooksPath is set to \.githooks, where lefthook refuses to install: use --manager husky .* or --manager git/,
      ),
    ]);
    expect(snapshotDiff(before, snapshot(r))).toEqual([]);
  });
});

describe('install outside a repository', () => {
  it('fails with one clear line and exit 1', () => {
    const dir = scratchDir();
    const result = runCli(['install'], { cwd: dir });
    expect(result.status).toBe(1);
    expect(result.stdout).toBe('');
    expect(result.stderr.trimEnd().split('\n')).toEqual([
      expect.stringMatching(/^audit-hooks: not in a git repository: .*(git init|inside)/i),
    ]);
    expect(existsSync(join(dir, 'logs'))).toBe(false);
  });

  it('refuses an unknown --manager as a usage error', () => {
    const dir = scratchDir();
    const result = runCli(['install', '--manager', 'foo'], { cwd: dir });
    expect(result.status).toBe(2);
    expect(result.stderr).toMatch(
      /unknown hook manager `foo`: use --manager lefthook, husky or git/,
    );
    expect(result.stderr).toMatch(/Usage: audit-hooks/);
  });
});
