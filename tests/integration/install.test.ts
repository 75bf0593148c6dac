// SPEC §7 with lefthook, the default manager: what `audit-hooks install` writes in every
// worktree (the commit steps in this worktree's lefthook.yml, a local lefthook-local.yml in
// the others), that every existing worktree consolidates on its next commit and can merge
// main afterwards, that a second run and --dry-run write nothing, that uninstall gives back
// every byte, and that a user's lefthook.yml (or a broken one) is respected. Real git, the
// built CLI and the real lefthook binary (its hooks find it by the path `lefthook install`
// bakes in).
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { ROOT, runCli } from '../helpers/git-repo.js';
import {
  commitChange,
  committedEvents,
  gitIn,
  gitStatus,
  hookEnv,
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
  writeHook,
} from '../helpers/install.js';

const LEFTHOOK = join(ROOT, 'node_modules', 'lefthook', 'bin', 'index.js');
/** What lefthook's npm postinstall (`lefthook install`) does in a repository. */
const lefthookInstall = (cwd: string) =>
  execFileSync(process.execPath, [LEFTHOOK, 'install'], { cwd, stdio: 'ignore' });
// Where the user had lefthook installed before, its cache of the config's hash and time
// (`.git/info/lefthook.checksum`) is lefthook's, rewritten whenever the config changes.
const LEFTHOOK_CACHE = /^\.git\/info\/lefthook\.checksum$/;

afterEach(removeScratch);

type Hooks = Record<string, { jobs?: { name?: string; run?: string }[] } | undefined>;

function jobs(text: string | undefined, hook: string): { name?: string; run?: string }[] {
  return ((parse(text ?? '') as Hooks | null)?.[hook]?.jobs ?? []).map((job) => job);
}

function jobNames(text: string | undefined, hook: string): string[] {
  return jobs(text, hook).map((job) => String(job.name));
}

/** The `run` of our job under `hook` in `text`. */
function ourRun(text: string | undefined, hook: string): string | undefined {
  return jobs(text, hook).find((job) => job.name === 'audit-hooks')?.run;
}

describe('install with lefthook', () => {
  it('adds both commit steps to lefthook.yml, a local config in the other worktrees, nothing else', () => {
    const r = makeWorktreeRepo();
    const [main, wt1, wt2] = r.worktrees as [string, string, string];
    const result = ok(r.install());
    expect(result.stderr).toBe('');
    expect(result.stdout).toMatch(
      /^audit-hooks: installing with lefthook \(lefthook is installed\), in-commit mode \(the default\)/,
    );
    expect(result.stdout).toMatch(
      /audit-hooks: installed in 3 worktrees; commit lefthook\.yml \(here;/,
    );

    const config = readIf(main, 'lefthook.yml');
    expect(jobNames(config, 'pre-commit')).toEqual(['audit-hooks']);
    expect(jobNames(config, 'post-commit')).toEqual(['audit-hooks']);
    expect(ourRun(config, 'pre-commit')).toMatch(/"\$b" hook pre-commit/);
    expect(ourRun(config, 'post-commit')).toMatch(/"\$b" hook post-commit/);
    // v1's post-checkout job and merge driver are gone for good; never through npx.
    expect(parse(config ?? '')).not.toHaveProperty('post-checkout');
    expect(config).not.toMatch(/npx/);
    for (const worktree of [wt1, wt2]) {
      expect(readIf(worktree, 'lefthook.yml')).toBeUndefined();
      const local = readIf(worktree, 'lefthook-local.yml');
      expect(ourRun(local, 'pre-commit')).toBe(ourRun(config, 'pre-commit'));
      expect(ourRun(local, 'post-commit')).toBe(ourRun(config, 'post-commit'));
    }
    expect(readIf(main, '.git/info/exclude')).toMatch(
      /^node_modules\/\n\n# audit-hooks: .*\n\/lefthook-local\.yml\n$/,
    );
    for (const hook of ['pre-commit', 'post-commit']) {
      expect(readIf(main, `.git/hooks/${hook}`)).toMatch(/call_lefthook run "/);
    }

    // No root .gitignore or .gitattributes, no logs/ folder, no merge driver (SPEC §7, §8).
    for (const worktree of r.worktrees) {
      for (const file of ['.gitignore', '.gitattributes', 'logs']) {
        expect(existsSync(join(worktree, file)), `${worktree}/${file}`).toBe(false);
      }
    }
    expect(() => r.git('config', '--get-regexp', '^merge\\.')).toThrow();
    // What git sees: one file to commit here, nothing at all in the other worktrees.
    expect(gitStatus(main)).toBe('?? lefthook.yml');
    expect(gitStatus(wt1)).toBe('');
    expect(gitStatus(wt2)).toBe('');
  });

  it('every existing worktree consolidates on its next commit, then merges main without a hitch', () => {
    const r = installedRepo();
    const [main, ...linked] = r.worktrees as [string, string, string];
    linked.forEach((worktree, i) => {
      logEntry(worktree, `agent-${i}`, { event: `before merge ${i}` });
      const output = commitChange(worktree, `work in wt${i + 1}`);
      expect(output).toMatch(
        /audit-hooks: 1 entry from 1 session → logs\/history\/\d{4}-\d\d-\d\d\/\S+\.jsonl \(staged\)/,
      );
      expect(committedEvents(worktree)).toEqual([`before merge ${i}`]);
      expect(gitStatus(worktree)).toBe('');
    });

    // main commits the install (and its own trail with it).
    logEntry(main, 'lead', { event: 'install' });
    gitIn(main, ['add', 'lefthook.yml']);
    commitChange(main, 'Set up audit-hooks');
    expect(committedEvents(main)).toEqual(['install']);
    expect(gitStatus(main)).toBe('');

    linked.forEach((worktree, i) => {
      gitIn(worktree, ['merge', '-q', '--no-edit', 'main']);
      expect(gitStatus(worktree)).toBe('');
      expect(readIf(worktree, 'lefthook.yml')).toBe(readIf(main, 'lefthook.yml'));
      logEntry(worktree, `agent-${i}`, { event: `after merge ${i}` });
      commitChange(worktree, `more work in wt${i + 1}`);
      expect(committedEvents(worktree)).toEqual([`after merge ${i}`]);
      expect(gitStatus(worktree)).toBe('');
    });

    // Once a branch has the jobs, install takes the local copy away again.
    const again = ok(r.install());
    for (const worktree of linked) {
      expect(again.stdout).toContain(
        `${worktree.split('/').at(-1)}: lefthook-local.yml: delete (it held only the audit-hooks jobs)`,
      );
      expect(existsSync(join(worktree, 'lefthook-local.yml'))).toBe(false);
      logEntry(worktree, 'agent', { event: 'without the local config' });
      commitChange(worktree, 'and more');
      expect(committedEvents(worktree)).toEqual(['without the local config']);
    }
  });

  it('is idempotent: a second run changes no byte and says so, from any worktree', () => {
    const r = makeWorktreeRepo();
    ok(r.install());
    const before = snapshot(r);
    const second = ok(r.install());
    expect(snapshotDiff(before, snapshot(r))).toEqual([]);
    expect(second.stdout).toMatch(/already installed in 3 worktrees; nothing changed\n$/);
    // From a linked worktree: the same repository, the same answer.
    const third = ok(r.install(['install'], join(r.worktrees[1] as string)));
    expect(third.stdout).toMatch(/in-commit mode \(as installed\)/);
    expect(third.stdout).toMatch(/already installed in 3 worktrees; nothing changed\n$/);
    expect(snapshotDiff(before, snapshot(r))).toEqual([]);
  });

  it('--dry-run prints the plan and writes nothing; the real run then does exactly that', () => {
    const r = makeWorktreeRepo();
    const before = snapshot(r);
    const result = ok(r.install(['install', '--dry-run']));
    expect(snapshotDiff(before, snapshot(r))).toEqual([]);
    expect(result.stdout).toMatch(/^audit-hooks: would install with lefthook/);
    expect(result.stdout).toMatch(/dry run: 6 changes planned, nothing written\n$/);
    const planned = result.stdout.split('\n').filter((line) => line.startsWith('  '));
    expect(planned).toEqual([
      '  lefthook.yml: create with the audit-hooks jobs',
      expect.stringMatching(/wt1: lefthook-local\.yml: add the audit-hooks jobs/),
      expect.stringMatching(/wt2: lefthook-local\.yml: add the audit-hooks jobs/),
      '  .git/info/exclude: keep lefthook-local.yml out of git in every worktree',
      '  lefthook install: install the git hooks into .git/hooks',
      '  git config alias.audit-hooks: `git audit-hooks <command>` runs audit-hooks in any worktree',
    ]);
    const real = ok(r.install());
    expect(real.stdout.split('\n').filter((line) => line.startsWith('  '))).toEqual(planned);
  });

  it('uninstall gives back every byte of the users’ files (comments, CRLF, no final newline)', () => {
    const r = makeWorktreeRepo();
    const [main, wt1, wt2] = r.worktrees as [string, string, string];
    writeFileSync(
      join(main, 'lefthook.yml'),
      '# my hooks   \npre-commit:\n    parallel: true   # odd indent\n    jobs:\n        - name: lint\n          run: npm run lint\n',
    );
    writeFileSync(join(wt1, 'lefthook.yml'), 'pre-push:\r\n  jobs:\r\n    - run: npm test');
    // A user's own local config, and their own line in info/exclude.
    writeFileSync(join(wt2, 'lefthook-local.yml'), 'pre-push:\n  jobs:\n    - run: "true"');
    writeFileSync(join(main, '.git', 'info', 'exclude'), 'node_modules/\n*.swp');
    lefthookInstall(main);
    const before = snapshot(r, LEFTHOOK_CACHE);

    const installed = ok(r.install());
    expect(installed.stdout).toMatch(/wt2: lefthook-local\.yml: add the audit-hooks jobs/);
    expect(readIf(wt2, 'lefthook-local.yml')).toMatch(/^pre-push:\n {2}jobs:\n {4}- run: "true"\n/);
    expect(snapshotDiff(before, snapshot(r, LEFTHOOK_CACHE))).toEqual(
      expect.arrayContaining([
        '~ .git/info/exclude',
        '+ .git/hooks/post-commit',
        '~ wt0/lefthook.yml',
        '+ wt1/lefthook-local.yml',
        '~ wt2/lefthook-local.yml',
      ]),
    );
    const installedSnapshot = snapshot(r);
    const dry = ok(r.install(['uninstall', '--dry-run']));
    expect(dry.stdout).toMatch(/^audit-hooks: would uninstall\n/);
    expect(dry.stdout).toMatch(/dry run: \d+ changes planned, nothing written\n$/);
    expect(snapshotDiff(installedSnapshot, snapshot(r))).toEqual([]);
    const result = ok(r.install(['uninstall']));
    expect(result.stdout).toMatch(/uninstalled from 3 worktrees/);
    expect(snapshotDiff(before, snapshot(r, LEFTHOOK_CACHE))).toEqual([]);
    // And a second uninstall has nothing left to do.
    expect(ok(r.install(['uninstall'])).stdout).toMatch(/nothing to remove in 3 worktrees/);
    expect(snapshotDiff(before, snapshot(r, LEFTHOOK_CACHE))).toEqual([]);
  });

  it('uninstall in a fresh repository leaves the hooks folder as it was', () => {
    const r = makeWorktreeRepo({ linked: 1 });
    const before = snapshot(r);
    ok(r.install());
    ok(r.install(['uninstall']));
    expect(snapshotDiff(before, snapshot(r))).toEqual([]);
    expect(existsSync(join(r.root, '.git', 'info', 'lefthook.checksum'))).toBe(false);
  });

  it('uninstall after commits keeps the trail, and warns about entries still waiting', () => {
    const r = installedRepo({ linked: 1 });
    const [main, wt1] = r.worktrees as [string, string];
    logEntry(main, 'a', { event: 'committed' });
    commitChange(main, 'work');
    logEntry(wt1, 'b', { event: 'waiting' });
    const result = ok(r.install(['uninstall']));
    expect(result.stdout).toMatch(
      /wt1: 1 shard and 0 claim sets are still waiting in logs\/active \(not committed\)/,
    );
    expect(result.stdout).not.toMatch(/^ {2}: /m);
    // The hint's command works in wt1, which has no node_modules and, now, no alias.
    const runner = /run `(.+) consolidate`/.exec(result.stdout)?.[1];
    expect(runner).toBe(join(main, 'node_modules', '.bin', 'audit-hooks'));
    const consolidated = spawnSync('sh', ['-c', `${runner} consolidate`], {
      cwd: wt1,
      encoding: 'utf8',
    });
    expect(consolidated.status, consolidated.stderr).toBe(0);
    expect(consolidated.stdout).toMatch(/^audit-hooks: 1 entry from 1 session/);
    expect(committedEvents(main)).toEqual(['committed']);
    // install created lefthook.yml (and the commit took it along): uninstall deletes it.
    expect(gitStatus(main)).toBe(' D lefthook.yml');
    expect(existsSync(join(wt1, 'lefthook-local.yml'))).toBe(false);
    expect(readIf(main, '.git/hooks/pre-commit')).toBeUndefined();
  });

  it('keeps the user’s lefthook.yml byte for byte; their jobs run, and ours after theirs', () => {
    const r = makeWorktreeRepo({ linked: 1 });
    const ran = hookTrace();
    const user = `# Team hooks — do not reformat
pre-commit:
  jobs:
    - name: check   # quick
      run: echo "check $(git diff --cached --name-only | grep -c history)" >> ${ran.path}

post-commit:
  jobs:
    - name: notify
      run: echo notify >> ${ran.path}   # ours

# pushing
pre-push:
  commands:
    test:
      run: 'true'
`;
    writeFileSync(join(r.root, 'lefthook.yml'), user);
    gitIn(r.root, ['add', 'lefthook.yml']);
    gitIn(r.root, ['commit', '-q', '-m', 'team hooks']);
    gitIn(r.worktrees[1] as string, ['merge', '-q', 'main']);
    linkBin(r.root);
    ok(r.install());
    const config = readIf(r.root, 'lefthook.yml') ?? '';
    let cursor = 0;
    for (const line of user.split('\n')) {
      const at = config.indexOf(line, cursor);
      expect(at, `kept: ${line}`).toBeGreaterThanOrEqual(0);
      cursor = at + line.length;
    }
    expect(jobNames(config, 'pre-commit')).toEqual(['check', 'audit-hooks']);
    expect(jobNames(config, 'post-commit')).toEqual(['notify', 'audit-hooks']);
    // The linked worktree keeps the team's jobs (its lefthook.yml) and adds ours locally.
    const local = readIf(r.worktrees[1] as string, 'lefthook-local.yml');
    expect(jobNames(local, 'pre-commit')).toEqual(['audit-hooks']);

    for (const worktree of r.worktrees) {
      logEntry(worktree, 'user', { event: 'user-config' });
      commitChange(worktree, 'with user hooks');
      expect(committedEvents(worktree)).toEqual(['user-config']);
    }
    // The team's pre-commit job ran before ours staged the batch, in both worktrees.
    expect(ran.read()).toBe('check 0\nnotify\ncheck 0\nnotify\n');
  });

  it('refuses an invalid lefthook.yml here with one line, and writes nothing anywhere', () => {
    const r = makeWorktreeRepo();
    const broken = 'pre-commit:\n  jobs: [\n    - run: true\n';
    writeFileSync(join(r.root, 'lefthook.yml'), broken);
    const before = snapshot(r);
    const result = r.install();
    expect(result.status).toBe(1);
    expect(result.stdout).toBe('');
    const lines = result.stderr.trimEnd().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^audit-hooks: cannot parse lefthook\.yml:\d+:\d+ \(.+\); /);
    expect(lines[0]).toMatch(/nothing was changed\)$/);
    expect(snapshotDiff(before, snapshot(r))).toEqual([]);
  });

  it('says so when another worktree’s lefthook.yml is invalid, and leaves it to that branch', () => {
    const r = makeWorktreeRepo();
    const broken = 'pre-commit:\n  jobs: [\n    - run: true\n';
    writeFileSync(join(r.worktrees[2] as string, 'lefthook.yml'), broken);
    const result = ok(r.install());
    expect(result.stdout).toMatch(
      /wt2: lefthook\.yml: cannot be parsed, so lefthook fails in this worktree until its branch fixes it/,
    );
    expect(readIf(r.worktrees[2] as string, 'lefthook.yml')).toBe(broken);
    expect(jobNames(readIf(r.worktrees[2] as string, 'lefthook-local.yml'), 'pre-commit')).toEqual([
      'audit-hooks',
    ]);
  });

  it('merges into the sample lefthook.yml that lefthook’s postinstall drops', () => {
    const r = makeWorktreeRepo({ linked: 1 });
    lefthookInstall(r.root);
    const sample = readIf(r.root, 'lefthook.yml') ?? '';
    expect(sample).toMatch(/^# EXAMPLE USAGE/);
    expect(parse(sample)).toBeNull();
    const before = snapshot(r, LEFTHOOK_CACHE);

    linkBin(r.root);
    const result = ok(r.install());
    expect(result.stdout).toMatch(/with lefthook \(lefthook\.yml found\)/);
    const config = readIf(r.root, 'lefthook.yml') ?? '';
    expect(config.startsWith(sample)).toBe(true);
    expect(jobNames(config, 'pre-commit')).toEqual(['audit-hooks']);
    expect(jobNames(config, 'post-commit')).toEqual(['audit-hooks']);
    // Quiet like the template: no lefthook banner and summary on every commit.
    expect(parse(config).output).toEqual(['execution_out', 'failure']);
    logEntry(r.root, 'sample', { event: 'after-sample' });
    const printed = commitChange(r.root, 'c');
    expect(printed).not.toMatch(/lefthook|summary/);
    expect(committedEvents(r.root)).toEqual(['after-sample']);

    gitIn(r.root, ['reset', '-q', '--hard', 'HEAD~1']);
    gitIn(r.root, ['clean', '-qfdx', '-e', 'lefthook.yml']);
    writeFileSync(join(r.root, 'lefthook.yml'), config);
    ok(r.install(['uninstall']));
    expect(snapshotDiff(before, snapshot(r, LEFTHOOK_CACHE))).toEqual([]);
  });

  it('keeps foreign pre-commit and post-commit hooks running (lefthook renames them), and restores them', () => {
    const r = makeWorktreeRepo({ linked: 1 });
    const ran = hookTrace();
    const hooks = join(r.root, '.git', 'hooks');
    // The team's pre-commit refuses a commit while a file named BLOCK is staged.
    writeHook(
      join(hooks, 'pre-commit'),
      `echo "pre $(basename "$PWD")" >> ${ran.path}\n! git diff --cached --name-only | grep -qx BLOCK`,
    );
    writeHook(join(hooks, 'post-commit'), `echo "post $(basename "$PWD")" >> ${ran.path}`);
    const before = snapshot(r);

    linkBin(r.root);
    const result = ok(r.install());
    expect(result.stdout).toMatch(
      /the existing pre-commit hook keeps running, as pre-commit\.old; the existing post-commit hook keeps running, as post-commit\.old/,
    );
    expect(existsSync(join(hooks, 'pre-commit.old'))).toBe(true);
    for (const worktree of r.worktrees) {
      logEntry(worktree, 'foreign', { event: worktree === r.root ? 'main' : 'linked' });
      commitChange(worktree, 'c');
      expect(committedEvents(worktree)).toEqual([worktree === r.root ? 'main' : 'linked']);
    }
    const main = r.root.split('/').at(-1);
    expect(ran.read()).toBe(`pre ${main}\npost ${main}\npre wt1\npost wt1\n`);

    // The team's pre-commit still decides: a failing one fails the commit.
    writeFileSync(join(r.root, 'BLOCK'), '');
    gitIn(r.root, ['add', 'BLOCK']);
    expect(() => gitIn(r.root, ['commit', '-q', '-m', 'blocked'])).toThrow(/exit 1/);

    gitIn(r.root, ['rm', '-q', '--cached', 'BLOCK']);
    ok(r.install(['uninstall']));
    // Everything but what the commits made: the hooks as they were, byte for byte.
    expect(snapshotDiff(before, snapshot(r, /^wt\d\/(logs|work-[^/]*\.txt|BLOCK)/))).toEqual([]);
  });

  it('leaves a foreign post-checkout hook (git-lfs installs one) alone', () => {
    const r = makeWorktreeRepo({ linked: 1 });
    const ran = hookTrace();
    const hook = join(r.root, '.git', 'hooks', 'post-checkout');
    const text = writeHook(hook, `echo "$# $3" >> ${ran.path}`);
    ok(r.install());
    expect(readIf(r.root, '.git/hooks/post-checkout')).toBe(text);
    r.git('checkout', '-q', '-b', 'elsewhere');
    // Three arguments (old head, new head, 1 for a branch checkout), as git passed them.
    expect(ran.read()).toBe('3 1\n');
  });

  it('installs from a linked worktree: that one commits lefthook.yml, the others run it locally', () => {
    const r = makeWorktreeRepo({ linked: 1 });
    const [main, wt1] = r.worktrees as [string, string];
    linkBin(main);
    const result = ok(r.install(['install'], wt1));
    expect(result.stdout).toMatch(/installed in 2 worktrees; commit lefthook\.yml \(here;/);
    expect(gitStatus(wt1)).toBe('?? lefthook.yml');
    expect(gitStatus(main)).toBe('');
    expect(jobNames(readIf(main, 'lefthook-local.yml'), 'pre-commit')).toEqual(['audit-hooks']);
    for (const worktree of r.worktrees) {
      logEntry(worktree, 's', { event: worktree });
      commitChange(worktree, 'c');
      expect(committedEvents(worktree)).toEqual([worktree]);
    }
    expect(ok(r.install()).stdout).toMatch(/already installed in 2 worktrees; nothing changed/);
  });

  it('run in a worktree added later on a branch from before the set-up: local config there, and it still merges main', () => {
    const r = makeWorktreeRepo({ linked: 0 });
    const first = gitIn(r.root, ['rev-parse', 'HEAD']).trim();
    linkBin(r.root);
    ok(r.install());
    gitIn(r.root, ['add', 'lefthook.yml']);
    gitIn(r.root, ['commit', '-q', '-m', 'set up audit-hooks']);
    const old = join(scratchDir(), 'old');
    gitIn(r.root, ['worktree', 'add', '-q', '-b', 'old', old, first]);

    const result = ok(r.install(['install'], old));

    expect(readIf(old, 'lefthook.yml')).toBeUndefined();
    expect(jobNames(readIf(old, 'lefthook-local.yml'), 'pre-commit')).toEqual(['audit-hooks']);
    expect(result.stdout).not.toMatch(/lefthook\.yml: create/);
    logEntry(old, 's', { event: 'on-old' });
    commitChange(old, 'work on old');
    expect(committedEvents(old)).toEqual(['on-old']);
    expect(gitStatus(old)).toBe('');
    gitIn(old, ['merge', '-q', '--no-edit', 'main']);
    expect(readIf(old, 'lefthook.yml')).toBe(readIf(r.root, 'lefthook.yml'));
  });

  it('puts lefthook’s hooks back from a worktree without lefthook.yml, and writes none there', () => {
    const r = makeWorktreeRepo({ linked: 1 });
    const wt1 = r.worktrees[1] as string;
    ok(r.install());
    for (const hook of ['pre-commit', 'post-commit']) rmSync(join(r.root, '.git', 'hooks', hook));
    const result = ok(r.install(['install'], wt1));
    expect(result.stdout).toMatch(/lefthook install: install the git hooks/);
    expect(readIf(r.root, '.git/hooks/pre-commit')).toMatch(/call_lefthook/);
    expect(readIf(wt1, 'lefthook.yml')).toBeUndefined();
    expect(gitStatus(wt1)).toBe('');
  });

  it('run from inside a hook (GIT_DIR and GIT_INDEX_FILE set), it sets up the whole repository', () => {
    const r = makeWorktreeRepo({ linked: 1 });
    const [main, wt1] = r.worktrees as [string, string];
    const gitDir = join(main, '.git', 'worktrees', 'wt1');
    const result = runCli(['install'], {
      cwd: wt1,
      env: { ...hookEnv(), GIT_DIR: gitDir, GIT_INDEX_FILE: join(gitDir, 'index') },
    });
    expect(result.stderr).toBe('');
    expect(result.status).toBe(0);
    expect(jobNames(readIf(wt1, 'lefthook.yml'), 'pre-commit')).toEqual(['audit-hooks']);
    expect(jobNames(readIf(main, 'lefthook-local.yml'), 'pre-commit')).toEqual(['audit-hooks']);
    expect(readIf(main, '.git/hooks/pre-commit')).toMatch(/call_lefthook/);
    expect(ok(r.install(['install'], wt1)).stdout).toMatch(/nothing changed\n$/);
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

describe('install: errors a user can cause', () => {
  it('outside a repository: one clear line and exit 1', () => {
    const dir = scratchDir();
    for (const verb of ['install', 'uninstall']) {
      const result = runCli([verb], { cwd: dir });
      expect(result.status).toBe(1);
      expect(result.stdout).toBe('');
      expect(result.stderr.trimEnd().split('\n')).toEqual([
        `audit-hooks: not in a git repository: ${dir}; run \`audit-hooks ${verb}\` in a folder of the repository (or \`git init\` first)`,
      ]);
    }
    expect(existsSync(join(dir, 'logs'))).toBe(false);
  });

  it('an unknown --manager or --mode is a usage error', () => {
    const dir = scratchDir();
    const manager = runCli(['install', '--manager', 'foo'], { cwd: dir });
    expect(manager.status).toBe(2);
    expect(manager.stderr).toMatch(
      /unknown hook manager `foo`: use --manager lefthook, husky or git/,
    );
    expect(manager.stderr).toMatch(/Usage: audit-hooks/);
    const mode = runCli(['install', '--mode', 'later'], { cwd: dir });
    expect(mode.status).toBe(2);
    expect(mode.stderr).toMatch(
      /unknown mode `later`: use --mode in-commit .* or --mode post-commit/,
    );
  });
});
