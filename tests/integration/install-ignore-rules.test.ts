// SPEC §7: the trail reaches git even where the repository's ignore rules cover it — the
// usual Node.js .gitignore (`logs`, `*.log`), a nested .gitignore, info/exclude, a global
// excludes file. In in-commit mode the pre-commit step stages its batch files anyway (git
// add -f) and install only says what it found; in post-commit mode install adds the
// narrowest un-ignore rules to the root .gitignore, or refuses with the reason.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { runCli } from '../helpers/git-repo.js';
import { historyEntries } from '../helpers/history.js';
import {
  commitChange,
  committedEvents,
  gitIn,
  gitStatus,
  hookEnv,
  linkBin,
  logEntry,
  makeWorktreeRepo,
  ok,
  readIf,
  removeScratch,
  scratchDir,
  snapshot,
  snapshotDiff,
  type WorktreeRepo,
} from '../helpers/install.js';

afterEach(removeScratch);

/** The usual Node.js .gitignore (github/gitignore Node.gitignore) starts like this. */
const NODE_GITIGNORE = '# Logs\nlogs\n*.log\nnpm-debug.log*\n\nnode_modules/\n';

interface Case {
  name: string;
  /** Sets the rule up in `r` (committed where it is a tracked file); returns the git env. */
  setup(r: WorktreeRepo): NodeJS.ProcessEnv;
  /** `source:line (pattern)` as install reports it. */
  found: RegExp;
}

/** Commits `files` on main and merges them into every linked worktree. */
function commitEverywhere(r: WorktreeRepo, files: Record<string, string>): void {
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(join(r.root, path, '..'), { recursive: true });
    writeFileSync(join(r.root, path), text);
    gitIn(r.root, ['add', '-f', path]);
  }
  gitIn(r.root, ['commit', '-q', '-m', 'ignore rules']);
  for (const worktree of r.worktrees.slice(1)) gitIn(worktree, ['merge', '-q', 'main']);
}

/** An env whose global git config names `excludes` as core.excludesFile. */
function globalExcludes(excludes: string): NodeJS.ProcessEnv {
  const dir = scratchDir('audit-hooks-global-');
  writeFileSync(join(dir, 'ignore'), excludes);
  writeFileSync(join(dir, 'gitconfig'), `[core]\n\texcludesFile = ${join(dir, 'ignore')}\n`);
  return { ...hookEnv(), GIT_CONFIG_GLOBAL: join(dir, 'gitconfig') };
}

const CASES: Case[] = [
  {
    name: 'the usual Node.js .gitignore (logs)',
    setup: (r) => {
      commitEverywhere(r, { '.gitignore': NODE_GITIGNORE });
      return hookEnv();
    },
    found: /\.gitignore:2 \(logs\)/,
  },
  {
    name: 'a nested logs/.gitignore (*.jsonl)',
    setup: (r) => {
      commitEverywhere(r, { 'logs/.gitignore': '*.jsonl\n' });
      return hookEnv();
    },
    found: /logs\/\.gitignore:1 \(\*\.jsonl\)/,
  },
  {
    name: 'info/exclude (logs/history/)',
    setup: (r) => {
      writeFileSync(join(r.root, '.git', 'info', 'exclude'), 'node_modules/\nlogs/history/\n');
      return hookEnv();
    },
    found: /\.git\/info\/exclude:2 \(logs\/history\/\)/,
  },
  {
    name: 'a global excludes file (*.jsonl)',
    setup: () => globalExcludes('*.jsonl\n'),
    found: /ignore:1 \(\*\.jsonl\)/,
  },
];

/** Runs the built CLI in `cwd` with `env` (the global config of the case). */
function cli(args: string[], cwd: string, env: NodeJS.ProcessEnv) {
  return runCli(args, { cwd, env });
}

describe('in-commit mode: the steps stage the trail whatever ignores it', () => {
  for (const c of CASES) {
    it(c.name, () => {
      const r = makeWorktreeRepo({ linked: 1 });
      const env = c.setup(r);
      linkBin(r.root);
      const before = readIf(r.root, '.gitignore');
      const result = ok(cli(['install'], r.root, env));
      expect(result.stdout).toMatch(
        new RegExp(
          `logs/history is ignored by .*${c.found.source}; that is fine in in-commit mode: the pre-commit step stages each batch file with git add -f`,
        ),
      );
      expect(readIf(r.root, '.gitignore')).toBe(before);

      const status = JSON.parse(ok(cli(['status', '--json'], r.root, env)).stdout) as {
        worktrees: { ignoredBy?: { pattern: string } }[];
      };
      expect(status.worktrees.map((w) => w.ignoredBy?.pattern)).toEqual([
        expect.any(String),
        expect.any(String),
      ]);
      expect(ok(cli(['status'], r.root, env)).stdout).toMatch(
        /logs\/history is ignored by .*: fine, the pre-commit step stages batch files with git add -f/,
      );

      for (const worktree of r.worktrees) {
        logEntry(worktree, 'agent', { event: `in ${worktree}` });
        commitChange(worktree, 'work', env);
        expect(committedEvents(worktree)).toEqual([`in ${worktree}`]);
        expect(gitStatus(worktree)).toBe('');
      }
    });
  }
});

describe('post-commit mode: the narrowest un-ignore rules, or a refusal', () => {
  it('the usual Node.js .gitignore: the root .gitignore un-ignores logs/history only', () => {
    const r = makeWorktreeRepo({ linked: 0 });
    commitEverywhere(r, { '.gitignore': NODE_GITIGNORE });
    linkBin(r.root);
    const before = snapshot(r);
    const result = ok(r.install(['install', '--mode', 'post-commit']));
    expect(result.stdout).toMatch(
      /logs\/history is ignored by \.gitignore:2 \(logs\): the root \.gitignore gets !\/logs\/ \/logs\/\* !\/logs\/history\/ !\/logs\/history\/\*\* so that the batch files can be committed/,
    );
    expect(readIf(r.root, '.gitignore')).toBe(
      `${NODE_GITIGNORE}\n# audit-hooks: the trail in logs/history is committed (post-commit mode)\n!/logs/\n/logs/*\n!/logs/history/\n!/logs/history/**\n`,
    );
    expect(result.stdout).toMatch(/commit \.gitignore lefthook\.yml \(here;/);

    mkdirSync(join(r.root, 'logs'), { recursive: true });
    writeFileSync(join(r.root, 'logs', 'app.log'), 'the app’s own log\n');
    logEntry(r.root, 'agent', { event: 'after' });
    commitChange(r.root, 'work');
    // The batch is there for the next commit to take; the app's log and the shards are not.
    expect(gitStatus(r.root)).toMatch(/^\?\? logs\/history\/\d{4}-\d\d-\d\d\/\S+\.jsonl$/);
    commitChange(r.root, 'more');
    expect(committedEvents(r.root)).toEqual(['after']);
    expect(gitStatus(r.root)).toBe('');

    ok(r.install(['uninstall']));
    expect(
      snapshotDiff(before, snapshot(r, /^wt0\/(logs|work-[^/]*\.txt|lefthook\.yml)$/)),
    ).toEqual([]);
  });

  for (const [name, setup, source] of [
    [
      'info/exclude (*.jsonl)',
      (r: WorktreeRepo) => {
        writeFileSync(join(r.root, '.git', 'info', 'exclude'), 'node_modules/\n*.jsonl\n');
        return hookEnv();
      },
      /\.git\/info\/exclude:2 \(\*\.jsonl\)/,
    ],
    [
      'a global excludes file (*.jsonl)',
      () => globalExcludes('*.jsonl\n'),
      /ignore:1 \(\*\.jsonl\)/,
    ],
  ] as const) {
    it(`${name}: a root .gitignore that un-ignores the batch files`, () => {
      const r = makeWorktreeRepo({ linked: 0 });
      const env = setup(r);
      linkBin(r.root);
      const result = ok(cli(['install', '--mode', 'post-commit'], r.root, env));
      expect(result.stdout).toMatch(source);
      expect(readIf(r.root, '.gitignore')).toBe(
        '# audit-hooks: the trail in logs/history is committed (post-commit mode)\n!/logs/history/**\n',
      );
      logEntry(r.root, 'agent', { event: 'after' });
      commitChange(r.root, 'work', env);
      commitChange(r.root, 'more', env);
      expect(committedEvents(r.root)).toEqual(['after']);
      expect(gitStatus(r.root)).toBe('');
    });
  }

  it('says which other worktrees will not commit their trail until their branch has the rules', () => {
    const r = makeWorktreeRepo({ linked: 1 });
    commitEverywhere(r, { '.gitignore': NODE_GITIGNORE });
    linkBin(r.root);
    const result = ok(r.install(['install', '--mode', 'post-commit']));
    expect(result.stdout).toMatch(
      /wt1: logs\/history is ignored there by \.gitignore:2 \(logs\) until its branch has the new \.gitignore rules/,
    );
    const linked = r.worktrees[1] as string;
    expect(ok(runCli(['status'], { cwd: linked })).stdout).toMatch(
      /logs\/history is ignored by \.gitignore:2 \(logs\): git add leaves the trail out of commits until this branch’s root \.gitignore un-ignores it \(merge the branch where install added the rules/,
    );
    // Merged, the branch has them, and its trail is committed with its next commit.
    gitIn(r.root, ['add', '.gitignore', 'lefthook.yml']);
    gitIn(r.root, ['commit', '-q', '-m', 'Set up audit-hooks']);
    gitIn(linked, ['merge', '-q', 'main']);
    logEntry(linked, 'agent', { event: 'linked' });
    commitChange(linked, 'work');
    commitChange(linked, 'more');
    expect(committedEvents(linked)).toEqual(['linked']);
  });

  it('a nested logs/.gitignore decides: refuses with the reason, and writes nothing', () => {
    const r = makeWorktreeRepo({ linked: 1 });
    commitEverywhere(r, { 'logs/.gitignore': '*\n' });
    const before = snapshot(r);
    const result = r.install(['install', '--mode', 'post-commit']);
    expect(result.status).toBe(1);
    expect(result.stdout).toBe('');
    expect(result.stderr.trimEnd().split('\n')).toEqual([
      'audit-hooks: logs/history is ignored by logs/.gitignore:1 (*), which a rule in the root .gitignore cannot override: remove that line, or install in in-commit mode (the default), which stages the trail with git add -f',
    ]);
    expect(snapshotDiff(before, snapshot(r))).toEqual([]);
    // In-commit mode is fine with it.
    linkBin(r.root);
    ok(r.install());
    logEntry(r.root, 'agent', { event: 'staged anyway' });
    commitChange(r.root, 'work');
    expect(committedEvents(r.root)).toEqual(['staged anyway']);
    expect(historyEntries(r.root).map((entry) => entry.event)).toEqual(['staged anyway']);
  });
});
