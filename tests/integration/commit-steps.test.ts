// The commit steps through real git hooks (SPEC §5): in-commit mode stages the trail into
// the commit being made, and everyday git works right after every commit.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { runCli, tempDir } from '../helpers/git-repo.js';
import { batchFiles, historyEntries, pendingEntries } from '../helpers/history.js';
import {
  gitIn,
  hookEnv,
  linkBin,
  logEntry,
  makeWorktreeRepo,
  ok,
  removeScratch,
  type WorktreeRepo,
  writeHook,
} from '../helpers/install.js';

afterEach(removeScratch);

/** A repository with audit-hooks installed as plain git hooks, in `mode`. */
function installed(mode: 'in-commit' | 'post-commit' = 'in-commit', linked = 0): WorktreeRepo {
  const repo = makeWorktreeRepo({ linked });
  linkBin(repo.root);
  ok(repo.install(['install', '--manager', 'git', '--mode', mode]));
  return repo;
}

function status(cwd: string): string {
  return gitIn(cwd, ['status', '--porcelain']).trim();
}

function change(cwd: string, file: string, text: string): void {
  writeFileSync(join(cwd, file), text);
  gitIn(cwd, ['add', file]);
}

function commit(cwd: string, message: string, extra: string[] = []): string {
  return gitIn(cwd, ['commit', '-q', '-m', message, ...extra]);
}

/** The paths a commit added, changed or deleted. */
function touched(cwd: string, rev = 'HEAD'): string[] {
  return gitIn(cwd, ['show', '--name-only', '--format=', rev]).trim().split('\n').filter(Boolean);
}

function historyIds(cwd: string): string[] {
  return historyEntries(cwd)
    .map((e) => String(e.event))
    .sort();
}

describe('in-commit mode: the trail rides in its own commit', () => {
  it('a commit carries the entries logged before it, and the tree is clean right after', () => {
    const repo = installed();
    logEntry(repo.root, 'agent-a', { event: 'ran tests' });
    logEntry(repo.root, 'agent-b', { event: 'decided' });
    change(repo.root, 'code.txt', 'v1\n');

    const out = commit(repo.root, 'feature');

    expect(out).toMatch(
      /audit-hooks: 2 entries from 2 sessions → logs\/history\/\d{4}-\d{2}-\d{2}\/\S+\.jsonl \(staged\)/,
    );
    expect(status(repo.root)).toBe('');
    const batches = batchFiles(repo.root);
    expect(touched(repo.root).sort()).toEqual(['code.txt', ...batches].sort());
    // The claims are released: the commit holds their batch.
    expect(readdirSync(join(repo.root, 'logs', 'active', '.claimed'))).toEqual([]);
    const show = runCli(['show', 'HEAD', '--json'], { cwd: repo.root });
    expect(
      show.stdout
        .trim()
        .split('\n')
        .map((line) => JSON.parse(line).event)
        .sort(),
    ).toEqual(['decided', 'ran tests']);
  });

  it('an agent that commits until the tree is clean stops after one commit, five rounds in a row', () => {
    const repo = installed();
    let commits = 0;
    for (let round = 0; round < 5; round++) {
      // The agent's hooks log its every step; then it commits whatever `git status` shows.
      logEntry(repo.root, 'agent', { event: `round ${round}` });
      if (round === 0) change(repo.root, 'code.txt', 'work\n');
      if (status(repo.root) !== '') {
        gitIn(repo.root, ['add', '-A']);
        commit(repo.root, `round ${round}`);
        commits++;
        logEntry(repo.root, 'agent', { event: `committed ${round}` });
      }
      expect(status(repo.root)).toBe('');
    }
    expect(commits).toBe(1);
  });

  it('pull --rebase, merge and checkout run right after a commit', () => {
    const repo = installed();
    change(repo.root, 'base.txt', 'base\n');
    commit(repo.root, 'base');
    const origin = join(tempDir(), 'origin.git');
    execFileSync('git', ['clone', '-q', '--bare', repo.root, origin], { env: hookEnv() });
    gitIn(repo.root, ['remote', 'add', 'origin', origin]);
    gitIn(repo.root, ['fetch', '-q', 'origin']);
    gitIn(repo.root, ['branch', '-q', '--set-upstream-to=origin/main']);
    // Someone else pushes.
    const other = join(tempDir(), 'other');
    execFileSync('git', ['clone', '-q', origin, other], { env: hookEnv() });
    writeFileSync(join(other, 'theirs.txt'), 'theirs\n');
    gitIn(other, ['add', 'theirs.txt']);
    gitIn(other, [
      '-c',
      'user.name=O',
      '-c',
      'user.email=o@example.test',
      'commit',
      '-qm',
      'theirs',
    ]);
    gitIn(other, ['push', '-q', 'origin', 'main']);
    gitIn(repo.root, ['branch', '-q', 'side']);

    logEntry(repo.root, 'agent', { event: 'before pull' });
    change(repo.root, 'mine.txt', 'mine\n');
    commit(repo.root, 'mine');
    gitIn(repo.root, ['pull', '-q', '--rebase']);
    logEntry(repo.root, 'agent', { event: 'before merge' });
    change(repo.root, 'more.txt', 'more\n');
    commit(repo.root, 'more');
    gitIn(repo.root, ['merge', '-q', '--no-edit', 'side']);
    gitIn(repo.root, ['checkout', '-q', 'side']);
    gitIn(repo.root, ['checkout', '-q', 'main']);
    expect(historyIds(repo.root)).toEqual(['before merge', 'before pull']);
    expect(status(repo.root)).toBe('');
  });

  it('git commit -o <path> commits the batch and leaves the index holding it', () => {
    const repo = installed();
    change(repo.root, 'a.txt', 'a\n');
    commit(repo.root, 'a');
    logEntry(repo.root, 'agent', { event: 'only a' });
    writeFileSync(join(repo.root, 'a.txt'), 'a2\n');
    change(repo.root, 'staged-not-committed.txt', 'x\n');

    gitIn(repo.root, ['commit', '-q', '-o', 'a.txt', '-m', 'only a']);

    expect(touched(repo.root).filter((p) => p.startsWith('logs/'))).toHaveLength(1);
    expect(status(repo.root)).toBe('A  staged-not-committed.txt');
    expect(historyIds(repo.root)).toEqual(['only a']);
  });

  it('an aborted commit keeps the batch staged, and the next commit carries it', () => {
    const repo = installed();
    logEntry(repo.root, 'agent', { event: 'first' });
    change(repo.root, 'a.txt', 'a\n');
    // An empty message aborts after the pre-commit step ran.
    expect(() => gitIn(repo.root, ['commit', '-q', '-m', ''])).toThrow(/empty commit message/);
    expect(status(repo.root).split('\n').sort()).toEqual([
      'A  a.txt',
      `A  ${batchFiles(repo.root)[0]}`,
    ]);
    // A failing commit-msg hook too.
    writeHook(join(repo.root, '.git', 'hooks', 'commit-msg'), 'exit 1');
    logEntry(repo.root, 'agent', { event: 'second' });
    expect(() => commit(repo.root, 'x')).toThrow();
    rmSync(join(repo.root, '.git', 'hooks', 'commit-msg'));

    commit(repo.root, 'finally');

    expect(status(repo.root)).toBe('');
    expect(historyIds(repo.root)).toEqual(['first', 'second']);
    expect(touched(repo.root).filter((p) => p.startsWith('logs/'))).toHaveLength(2);
    expect(readdirSync(join(repo.root, 'logs', 'active', '.claimed'))).toEqual([]);
  });

  it('says what it staged: the new batch, and the batch files an aborted commit left', () => {
    const repo = installed();
    logEntry(repo.root, 'agent', { event: 'first' });
    change(repo.root, 'a.txt', 'a\n');
    expect(() => gitIn(repo.root, ['commit', '-q', '-m', ''])).toThrow(/empty commit message/);
    logEntry(repo.root, 'agent', { event: 'second' });

    const both = commit(repo.root, 'both');

    expect(both).toMatch(
      /^audit-hooks: 1 entry from 1 session → logs\/history\/\S+ \(staged\), with 1 batch file of an earlier consolidation$/m,
    );
    expect(touched(repo.root).filter((p) => p.startsWith('logs/'))).toHaveLength(2);
    logEntry(repo.root, 'agent', { event: 'third' });
    change(repo.root, 'b.txt', 'b\n');
    expect(() => gitIn(repo.root, ['commit', '-q', '-m', ''])).toThrow(/empty commit message/);
    expect(commit(repo.root, 'only the earlier one')).toMatch(
      /^audit-hooks: staged 1 batch file of an earlier consolidation into this commit$/m,
    );
  });

  it('nothing to commit: nothing is claimed or staged, and the entries wait', () => {
    const repo = installed();
    logEntry(repo.root, 'agent', { event: 'waiting' });
    expect(() => commit(repo.root, 'nothing')).toThrow();
    expect(status(repo.root)).toBe('');
    expect(pendingEntries(repo.root).map((e) => e.event)).toEqual(['waiting']);
    change(repo.root, 'a.txt', 'a\n');
    commit(repo.root, 'something');
    expect(historyIds(repo.root)).toEqual(['waiting']);
  });

  for (const [name, discard] of [
    ['git reset --hard', (cwd: string) => gitIn(cwd, ['reset', '-q', '--hard'])],
    ['git stash -u', (cwd: string) => gitIn(cwd, ['stash', '-q', '-u'])],
  ] as const) {
    it(`${name} after an aborted commit: the next commit rebuilds the batch from the claims`, () => {
      const repo = installed();
      logEntry(repo.root, 'agent', { event: 'kept' });
      change(repo.root, 'a.txt', 'a\n');
      expect(() => gitIn(repo.root, ['commit', '-q', '-m', ''])).toThrow();
      discard(repo.root);
      expect(batchFiles(repo.root)).toEqual([]);
      expect(status(repo.root)).toBe('');

      change(repo.root, 'b.txt', 'b\n');
      commit(repo.root, 'b');

      expect(historyIds(repo.root)).toEqual(['kept']);
      expect(touched(repo.root).filter((p) => p.startsWith('logs/'))).toHaveLength(1);
      expect(status(repo.root)).toBe('');
    });
  }

  it('a commit made with AUDIT_HOOKS_SESSION set records a commit event in that session (SPEC §15)', () => {
    const repo = installed();
    logEntry(repo.root, 'agent-7', { event: 'prompt' });
    change(repo.root, 'a.txt', 'a\n');
    const env = { ...hookEnv(), AUDIT_HOOKS_SESSION: 'agent-7', AUDIT_HOOKS_AGENT: 'claude-code' };
    gitIn(repo.root, ['commit', '-q', '-m', 'Agent work'], env);
    const sha = gitIn(repo.root, ['rev-parse', 'HEAD']).trim();
    // The event is logged after the commit: it waits in the session's shard for the next one.
    expect(pendingEntries(repo.root)).toEqual([
      expect.objectContaining({
        session_id: 'agent-7',
        agent: 'claude-code',
        event: 'commit',
        sha,
        branch: 'main',
        subject: 'Agent work',
      }),
    ]);
    expect(status(repo.root)).toBe('');
    // Without the variable, no event; with a bad one, a warning and the commit still made.
    change(repo.root, 'b.txt', 'b\n');
    const out = gitIn(repo.root, ['commit', '-q', '-m', 'b'], {
      ...hookEnv(),
      AUDIT_HOOKS_SESSION: '../x',
    });
    expect(out).toMatch(/AUDIT_HOOKS_SESSION="\.\.\/x" cannot name a session/);
    expect(pendingEntries(repo.root)).toEqual([]);
  });

  it('--no-verify consolidates nothing; the entries wait for the next ordinary commit', () => {
    const repo = installed();
    logEntry(repo.root, 'agent', { event: 'later' });
    change(repo.root, 'a.txt', 'a\n');
    commit(repo.root, 'unverified', ['--no-verify']);
    expect(touched(repo.root)).toEqual(['a.txt']);
    expect(pendingEntries(repo.root).map((e) => e.event)).toEqual(['later']);
    change(repo.root, 'b.txt', 'b\n');
    commit(repo.root, 'verified');
    expect(historyIds(repo.root)).toEqual(['later']);
  });

  it('cherry-pick and revert carry batches as they are, and consolidate nothing new', () => {
    const repo = installed();
    gitIn(repo.root, ['checkout', '-q', '-b', 'topic']);
    logEntry(repo.root, 'agent', { event: 'on topic' });
    change(repo.root, 't.txt', 't\n');
    commit(repo.root, 'topic');
    const topic = gitIn(repo.root, ['rev-parse', 'HEAD']).trim();
    gitIn(repo.root, ['checkout', '-q', 'main']);
    logEntry(repo.root, 'agent', { event: 'pending on main' });

    gitIn(repo.root, ['cherry-pick', topic]);
    gitIn(repo.root, ['revert', '--no-edit', 'HEAD']);
    gitIn(repo.root, ['cherry-pick', topic]);

    expect(pendingEntries(repo.root).map((e) => e.event)).toEqual(['pending on main']);
    expect(historyIds(repo.root)).toEqual(['on topic']);
    expect(status(repo.root)).toBe('');
  });

  it('never modifies a committed history file, across many commits and two worktrees', () => {
    const repo = installed('in-commit', 1);
    const [main, linked] = repo.worktrees as [string, string];
    for (let i = 0; i < 6; i++) {
      const cwd = i % 2 === 0 ? main : linked;
      logEntry(cwd, `s${i % 3}`, { event: `e${i}` });
      change(cwd, `f${i}.txt`, `${i}\n`);
      commit(cwd, `c${i}`);
    }
    gitIn(main, ['merge', '-q', '--no-edit', 'wt1']);
    const changed = gitIn(main, [
      'log',
      '--format=',
      '--name-status',
      '--diff-filter=MDRT',
      '--',
      'logs/history',
    ]).trim();
    expect(changed).toBe('');
    expect(historyIds(main)).toEqual(['e0', 'e1', 'e2', 'e3', 'e4', 'e5']);
  });

  it('a sparse checkout without logs/ keeps every committed entry and adds the new batch', () => {
    const repo = installed();
    logEntry(repo.root, 'agent', { event: 'one' });
    mkdirSync(join(repo.root, 'src'));
    change(repo.root, 'src/a.txt', 'a\n');
    commit(repo.root, 'one');
    const [first] = batchFiles(repo.root);
    gitIn(repo.root, ['sparse-checkout', 'set', 'src']);
    expect(existsSync(join(repo.root, first as string))).toBe(false);

    logEntry(repo.root, 'agent', { event: 'two' });
    change(repo.root, 'src/a.txt', 'a2\n');
    commit(repo.root, 'two');

    const tree = gitIn(repo.root, ['ls-tree', '-r', '--name-only', 'HEAD', '--', 'logs/history'])
      .trim()
      .split('\n');
    expect(tree).toHaveLength(2);
    gitIn(repo.root, ['sparse-checkout', 'disable']);
    expect(historyIds(repo.root)).toEqual(['one', 'two']);
  });

  for (const [where, setup] of [
    [
      'the usual Node.js .gitignore (logs, *.log)',
      (root: string) => writeFileSync(join(root, '.gitignore'), 'node_modules\nlogs\n*.log\n'),
    ],
    [
      'a nested .gitignore in logs/history',
      (root: string) => {
        mkdirSync(join(root, 'logs', 'history'), { recursive: true });
        writeFileSync(join(root, 'logs', 'history', '.gitignore'), '*\n');
      },
    ],
    [
      'info/exclude',
      (root: string) =>
        writeFileSync(join(root, '.git', 'info', 'exclude'), 'node_modules/\n*.jsonl\n'),
    ],
    [
      'a global excludes file',
      (root: string) => {
        const global = join(tempDir(), 'ignore');
        writeFileSync(global, 'logs/\n');
        gitIn(root, ['config', 'core.excludesFile', global]);
      },
    ],
  ] as const) {
    it(`commits the trail although ${where} ignores it, and install says so`, () => {
      const repo = makeWorktreeRepo({ linked: 0 });
      linkBin(repo.root);
      setup(repo.root);
      const out = ok(repo.install(['install', '--manager', 'git'])).stdout;
      expect(out).toMatch(/logs\/history is ignored by .*; that is fine in in-commit mode/);
      logEntry(repo.root, 'agent', { event: 'ignored anyway' });
      change(repo.root, 'a.txt', 'a\n');
      commit(repo.root, 'a');
      expect(touched(repo.root).filter((p) => p.startsWith('logs/history/'))).toHaveLength(1);
      const show = runCli(['status', '--json'], { cwd: repo.root });
      expect(JSON.parse(show.stdout).worktrees[0].ignoredBy).toBeDefined();
    });
  }
});

describe('a repository chosen with GIT_DIR and GIT_WORK_TREE (SPEC §4)', () => {
  it('the hook consolidates into that repository, not the one around its work tree', () => {
    const outer = makeWorktreeRepo({ linked: 0 });
    const bin = linkBin(tempDir('audit-hooks-bin-'));
    const inner = join(outer.root, 'vendored');
    const gitDir = join(tempDir(), 'vendored.git');
    mkdirSync(inner);
    const env = { ...hookEnv({ pathDirs: [bin] }), GIT_DIR: gitDir, GIT_WORK_TREE: inner };
    gitIn(inner, ['init', '-q', '-b', 'main'], env);
    gitIn(inner, ['commit', '-q', '--allow-empty', '-m', 'init'], env);
    ok(runCli(['install', '--manager', 'git'], { cwd: inner, env }));
    mkdirSync(join(inner, 'logs', 'active'), { recursive: true });
    writeFileSync(join(inner, 'logs', 'active', '.gitignore'), '*\n');
    writeFileSync(
      join(inner, 'logs', 'active', '20261124T000000_s.jsonl'),
      `${JSON.stringify({ id: 'inner-1', timestamp: '2026-11-24T10:00:00.000Z', session_id: 's', seq: 1 })}\n`,
    );
    writeFileSync(join(inner, 'a.txt'), 'a\n');
    gitIn(inner, ['add', 'a.txt'], env);

    gitIn(inner, ['commit', '-q', '-m', 'inner'], env);

    const files = gitIn(inner, ['show', '--name-only', '--format=', 'HEAD'], env)
      .trim()
      .split('\n');
    expect(files).toEqual(['a.txt', expect.stringMatching(/^logs\/history\/2026-11-24\//)]);
    expect(gitIn(outer.root, ['log', '--oneline']).trim().split('\n')).toHaveLength(1);
    expect(existsSync(join(outer.root, 'logs'))).toBe(false);
  });
});

describe('post-commit mode: the trail is written after the commit, unstaged', () => {
  it('writes the batch into the worktree stamped with the commit, for the next commit to carry', () => {
    const repo = installed('post-commit');
    logEntry(repo.root, 'agent', { event: 'before' });
    change(repo.root, 'a.txt', 'a\n');
    commit(repo.root, 'a');
    const sha = gitIn(repo.root, ['rev-parse', 'HEAD']).trim();

    expect(touched(repo.root)).toEqual(['a.txt']);
    const [batch] = batchFiles(repo.root);
    // Untracked (logs/active beside it ignores itself, so git shows the folder).
    expect(status(repo.root)).toBe('?? logs/');
    expect(gitIn(repo.root, ['status', '--porcelain', '-uall']).trim()).toBe(`?? ${batch}`);
    expect(historyEntries(repo.root)).toEqual([
      expect.objectContaining({ event: 'before', commit: sha }),
    ]);
    expect(JSON.parse(runCli(['show', sha, '--json'], { cwd: repo.root }).stdout).event).toBe(
      'before',
    );

    gitIn(repo.root, ['add', '-A']);
    commit(repo.root, 'the trail');
    expect(touched(repo.root)).toEqual([batch]);
    expect(readdirSync(join(repo.root, 'logs', 'active', '.claimed'))).toEqual([]);
  });

  it('--no-verify consolidates nothing in post-commit mode either', () => {
    const repo = installed('post-commit');
    logEntry(repo.root, 'agent', { event: 'later' });
    change(repo.root, 'a.txt', 'a\n');
    commit(repo.root, 'unverified', ['--no-verify']);
    expect(batchFiles(repo.root)).toEqual([]);
    expect(pendingEntries(repo.root).map((e) => e.event)).toEqual(['later']);
    change(repo.root, 'b.txt', 'b\n');
    commit(repo.root, 'verified');
    expect(historyIds(repo.root)).toEqual(['later']);
  });

  it('install adds the narrowest un-ignore rules when the .gitignore covers logs', () => {
    const repo = makeWorktreeRepo({ linked: 0 });
    linkBin(repo.root);
    writeFileSync(join(repo.root, '.gitignore'), 'node_modules\nlogs\nnotes.txt\n');
    const out = ok(repo.install(['install', '--manager', 'git', '--mode', 'post-commit'])).stdout;
    expect(out).toMatch(
      /the root \.gitignore gets !\/logs\/ \/logs\/\* !\/logs\/history\/ !\/logs\/history\/\*\* so that/,
    );
    logEntry(repo.root, 'agent', { event: 'seen' });
    change(repo.root, 'a.txt', 'a\n');
    commit(repo.root, 'a');
    gitIn(repo.root, ['add', '-A']);
    commit(repo.root, 'trail');
    expect(touched(repo.root)).toEqual(['.gitignore', ...batchFiles(repo.root)]);
    // Other files under logs/ stay ignored.
    writeFileSync(join(repo.root, 'logs', 'debug.txt'), 'x');
    expect(status(repo.root)).toBe('');
  });

  it('refuses when a .gitignore inside logs/ decides, with the reason, and changes nothing', () => {
    const repo = makeWorktreeRepo({ linked: 0 });
    linkBin(repo.root);
    mkdirSync(join(repo.root, 'logs', 'history'), { recursive: true });
    writeFileSync(join(repo.root, 'logs', 'history', '.gitignore'), '*.jsonl\n');
    const run = repo.install(['install', '--manager', 'git', '--mode', 'post-commit']);
    expect(run.status).toBe(1);
    expect(run.stderr).toMatch(
      /^audit-hooks: logs\/history is ignored by logs\/history\/\.gitignore:1 \(\*\.jsonl\), which a rule in the root \.gitignore cannot override/,
    );
    expect(existsSync(join(repo.root, '.git', 'hooks', 'post-commit'))).toBe(false);
  });
});
