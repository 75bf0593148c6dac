// SPEC §2, §7–§8 as a user meets them: the packed tarball installed from the registry into
// a fresh project, then `npx audit-hooks install` with lefthook (the project adds it; its
// postinstall runs `lefthook install`: CI is unset), with husky (no lefthook file may
// appear), with plain git hooks, and from a global install in a repository of another
// language. In each:
// two linked worktrees (one added before install, one after), sessions logging in all
// three, commits that carry their trail with a clean tree right after, the older worktree
// merging main once main committed the install, and merges of the branches with no conflict.
import { cpSync, existsSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tempDir } from '../helpers/git-repo.js';
import { historyEntries } from '../helpers/history.js';
import { npmEnv, ok, packProject, projectWith, run } from '../helpers/pack.js';

let work: string;
let template: string;
let tarball: string;
const started = Date.now();

beforeAll(() => {
  work = tempDir('audit-hooks-e2e-install-');
  tarball = packProject(work);
  // One real `npm install` of the tarball; the other scenarios copy its node_modules.
  template = join(work, 'template');
  projectWith(template, tarball);
});

afterAll(() => {
  if (work) rmSync(work, { recursive: true, force: true });
  process.stderr.write(`e2e install: ${((Date.now() - started) / 1000).toFixed(1)} s\n`);
});

const git = (cwd: string, ...args: string[]) => ok(run('git', args, cwd)).stdout.trim();

/** A new project folder with the template's package files and node_modules, not its .git. */
function copyProject(name: string): string {
  const dir = join(work, name);
  for (const file of ['package.json', 'package-lock.json', 'node_modules']) {
    cpSync(join(template, file), join(dir, file), { recursive: true, verbatimSymlinks: true });
  }
  git(dir, 'init', '-q', '-b', 'main');
  git(dir, 'config', 'commit.gpgSign', 'false');
  return dir;
}

/** What installing a package could have written into a repository by itself. */
function lefthookTraces(dir: string): string[] {
  return [
    'lefthook.yml',
    '.lefthook.yml',
    '.git/hooks/prepare-commit-msg',
    '.git/hooks/pre-commit',
    '.git/hooks/post-commit',
    '.git/info/lefthook.checksum',
  ].filter((path) => existsSync(join(dir, path)));
}

/** `git add -A && git commit`; the whole output, hooks included. */
function commit(cwd: string, message: string): string {
  ok(run('git', ['add', '-A'], cwd));
  const result = ok(run('git', ['commit', '-q', '-m', message], cwd));
  return `${result.stdout}${result.stderr}`;
}

function shards(root: string): string[] {
  return readdirSync(join(root, 'logs', 'active')).filter((name) => name.endsWith('.jsonl'));
}

function events(root: string): string[] {
  return historyEntries(root)
    .map((entry) => String(entry.event))
    .sort();
}

/** The events of the entries in the batch files HEAD added. */
function committed(root: string): string[] {
  return git(
    root,
    'diff-tree',
    '-r',
    '--no-commit-id',
    '--name-only',
    '--diff-filter=A',
    'HEAD',
    '--',
    'logs/history',
  )
    .split('\n')
    .filter((path) => path !== '')
    .flatMap((path) => git(root, 'show', `HEAD:${path}`).split('\n'))
    .map((line) => String(JSON.parse(line).event))
    .sort();
}

interface Scenario {
  app: string;
  worktrees: [string, string, string];
  installOutput: string;
}

/**
 * The flow every manager shares: commit the project, add worktree wt1, install, log and
 * commit in wt1 (it existed before install), commit the install in main, add worktree wt2
 * (after install), then log from a session in each worktree (the linked ones through the
 * main worktree's bin) and commit: the batch is in the commit, the tree clean right after,
 * the shards gone. wt1 then merges main, which install must not have blocked.
 */
function scenario(
  app: string,
  installArgs: string[],
  afterWt2: (wt2: string) => void = () => {},
): Scenario {
  writeFileSync(join(app, '.gitignore'), 'node_modules/\n');
  commit(app, 'init');
  const wt1 = `${app}-wt1`;
  const wt2 = `${app}-wt2`;
  git(app, 'worktree', 'add', '-q', '-b', 'wt1', wt1);
  const bin = join(app, 'node_modules', '.bin', 'audit-hooks');
  const work = (worktree: string, i: number, n: number) => {
    for (const k of [1, 2]) {
      ok(
        run(
          bin,
          ['log', JSON.stringify({ event: `wt${i}-${n}-${k}` }), '--session', `s${i}`],
          worktree,
        ),
      );
    }
    expect(shards(worktree)).toHaveLength(1);
    // What the session produced, committed with its trail.
    writeFileSync(join(worktree, `work-wt${i}.txt`), `wt${i} ${n}\n`);
    expect(commit(worktree, `work ${n} in wt${i}`)).toMatch(
      /audit-hooks: 2 entries from 1 session → logs\/history\/\d{4}-\d\d-\d\d\/\S+\.jsonl \(staged\)/,
    );
    expect(git(worktree, 'status', '--porcelain')).toBe('');
    expect(committed(worktree)).toEqual([`wt${i}-${n}-1`, `wt${i}-${n}-2`]);
    expect(shards(worktree)).toEqual([]);
  };

  const install = ok(run('npx', ['audit-hooks', 'install', ...installArgs], app));
  work(wt1, 1, 1);
  // Plain git hooks live in .git/hooks: then there is nothing to commit.
  if (git(app, 'status', '--porcelain') !== '') commit(app, 'Set up audit-hooks');
  git(app, 'worktree', 'add', '-q', '-b', 'wt2', wt2);
  afterWt2(wt2);

  const worktrees: [string, string, string] = [app, wt1, wt2];
  worktrees.forEach((worktree, i) => {
    work(worktree, i, 2);
  });
  const merged = ok(run('git', ['merge', '--no-edit', 'main'], wt1));
  expect(`${merged.stdout}${merged.stderr}`).not.toMatch(/CONFLICT/);
  expect(git(wt1, 'status', '--porcelain')).toBe('');
  return { app, worktrees, installOutput: `${install.stdout}${install.stderr}` };
}

/** Merges wt1's and main's branches into wt2: no conflict, the union of every entry. */
function mergeAll({ worktrees: [, , wt2] }: Scenario): void {
  for (const branch of ['wt1', 'main']) {
    const merged = ok(run('git', ['merge', '--no-edit', branch], wt2));
    expect(`${merged.stdout}${merged.stderr}`).not.toMatch(/CONFLICT/);
  }
  expect(git(wt2, 'status', '--porcelain')).toBe('');
  expect(events(wt2)).toEqual(
    ['wt0-2', 'wt1-1', 'wt1-2', 'wt2-2'].flatMap((run) => [`${run}-1`, `${run}-2`]),
  );
  const ids = historyEntries(wt2).map((entry) => entry.id);
  expect(new Set(ids).size).toBe(ids.length);
}

describe('npx audit-hooks install from the packed tarball', () => {
  it('installing audit-hooks writes nothing into the repository: lefthook is an optional peer', () => {
    expect(existsSync(join(template, 'node_modules', 'lefthook'))).toBe(false);
    expect(lefthookTraces(template)).toEqual([]);
  });

  it('with lefthook (the project’s own): installs over its sample lefthook.yml, commits carry their trail, merges', () => {
    const app = copyProject('lefthook-app');
    ok(run('npm', ['install', '--no-audit', '--no-fund', '-D', 'lefthook@2.2.1'], app));
    // lefthook's postinstall ran `lefthook install` and left its sample config.
    const sample = readFileSync(join(app, 'lefthook.yml'), 'utf8');
    expect(sample).toMatch(/^# EXAMPLE USAGE/);
    const s = scenario(app, []);
    expect(s.installOutput).toMatch(
      /installing with lefthook \(lefthook\.yml found\), in-commit mode/,
    );
    expect(s.installOutput).toMatch(/installed in 2 worktrees; commit lefthook\.yml /);
    expect(readFileSync(join(app, 'lefthook.yml'), 'utf8').startsWith(sample)).toBe(true);
    mergeAll(s);
    // wt1's branch has the jobs now: its local copy goes; then there is nothing left to do.
    const again = ok(run('npx', ['audit-hooks', 'install'], app));
    expect(again.stdout).toMatch(/lefthook-app-wt1: lefthook-local\.yml: delete/);
    const third = ok(run('npx', ['audit-hooks', 'install'], app));
    expect(third.stdout).toMatch(/already installed in 3 worktrees; nothing changed/);
  });

  it('with husky: picks husky, hooks run in linked worktrees, merges union', () => {
    const app = copyProject('husky-app');
    ok(run('npm', ['install', '--no-audit', '--no-fund', '-D', 'husky@9'], app));
    ok(run('npx', ['husky', 'init'], app));
    // `husky init` writes a pre-commit running `npm test`, which `npm init -y` makes fail.
    writeFileSync(join(app, '.husky', 'pre-commit'), 'echo husky pre-commit ran\n');
    // A teammate's `npm ci` writes no lefthook file either (SPEC §2).
    ok(run('npm', ['ci', '--no-audit', '--no-fund'], app));
    expect(lefthookTraces(app)).toEqual([]);

    const s = scenario(app, [], (wt2) => {
      // husky's hooks folder (.husky/_) is generated and ignored, so a worktree added
      // later has none and runs no hook until husky (or audit-hooks install) makes it.
      expect(existsSync(join(wt2, '.husky', '_'))).toBe(false);
      const again = ok(run(join(app, 'node_modules', '.bin', 'audit-hooks'), ['install'], wt2));
      expect(again.stdout).toMatch(/wt2: \.husky\/_: copy husky’s hook runner/);
    });
    expect(s.installOutput).toMatch(/installing with husky \(core\.hooksPath is \.husky\/_\)/);
    for (const worktree of s.worktrees) {
      expect(readFileSync(join(worktree, '.husky', 'pre-commit'), 'utf8')).toMatch(
        /^echo husky pre-commit ran\n\n# audit-hooks: .*\n.*"\$b" hook pre-commit /,
      );
    }
    mergeAll(s);
  });

  it('with plain git hooks: a foreign post-commit hook keeps running, merges union', () => {
    const app = copyProject('git-app');
    const marker = join(work, 'foreign-ran');
    const hook = join(app, '.git', 'hooks', 'post-commit');
    writeFileSync(hook, `#!/bin/sh\necho "$(basename "$PWD")" >> ${marker}\n`, { mode: 0o755 });

    const s = scenario(app, []);
    expect(s.installOutput).toMatch(
      /installing with git \(no hook manager found; for lefthook: npm i -D lefthook/,
    );
    expect(s.installOutput).toMatch(/post-commit\.pre-audit-hooks; it still runs first/);
    // One line per commit: init, wt1's first, and one in each worktree.
    const ran = readFileSync(marker, 'utf8').trim().split('\n');
    expect(ran).toHaveLength(5);
    expect(new Set(ran)).toEqual(new Set(['git-app', 'git-app-wt1', 'git-app-wt2']));
    mergeAll(s);
  });

  it('from a global install, in a repository of another language: hooks find it on PATH', () => {
    const prefix = join(work, 'global');
    ok(
      run(
        'npm',
        ['install', '--global', '--no-audit', '--no-fund', '--prefix', prefix, tarball],
        work,
      ),
    );
    const path = `${join(prefix, 'bin')}:${npmEnv().PATH ?? ''}`;
    const env = { ...npmEnv(), PATH: path };
    const repo = join(work, 'python-app');
    ok(run('git', ['init', '-q', '-b', 'main', repo], work));
    writeFileSync(join(repo, 'app.py'), 'print("hi")\n');
    ok(run('git', ['add', '-A'], repo, env));
    ok(run('git', ['commit', '-qm', 'init'], repo, env));
    const linked = `${repo}-wt`;
    ok(run('git', ['worktree', 'add', '-q', '-b', 'wt', linked], repo, env));

    const installed = ok(run('audit-hooks', ['install'], repo, env));
    expect(installed.stdout).toMatch(
      /installing with git \(no hook manager found; plain git hooks need nothing else\)/,
    );
    expect(lefthookTraces(repo).filter((path) => path.includes('lefthook'))).toEqual([]);
    for (const worktree of [repo, linked]) {
      ok(run('git', ['audit-hooks', 'log', '{"event":"py"}', '--session', 'p'], worktree, env));
      writeFileSync(join(worktree, 'more.py'), 'x = 1\n');
      ok(run('git', ['add', 'more.py'], worktree, env));
      const made = ok(run('git', ['commit', '-qm', 'more'], worktree, env));
      expect(`${made.stdout}${made.stderr}`).toMatch(/1 entry from 1 session → .*\(staged\)/);
      expect(git(worktree, 'status', '--porcelain')).toBe('');
    }
  });
});
