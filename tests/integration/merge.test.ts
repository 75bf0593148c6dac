// SPEC §8: batch files never change and no two share a path, so every merge of two
// branches is free of conflicts in logs/history — also where no audit-hooks config exists
// at all (a fresh clone, the forge's server-side merge), as an octopus, a squash, a
// cherry-pick or a rebase.
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tempDir, testEnv } from '../helpers/git-repo.js';
import { historyEntries } from '../helpers/history.js';
import {
  gitIn,
  linkBin,
  logEntry,
  makeWorktreeRepo,
  ok,
  removeScratch,
} from '../helpers/install.js';

afterAll(removeScratch);

/**
 * An origin with three branches of the same day, each of whose commits carried entries of
 * its own sessions (made through the installed in-commit hooks), and a fresh clone of it
 * with no audit-hooks at all: no hooks, no config, no node_modules.
 */
function makeOrigin(): string {
  const repo = makeWorktreeRepo({ linked: 0 });
  linkBin(repo.root);
  ok(repo.install(['install', '--manager', 'git']));
  writeFileSync(join(repo.root, 'base.txt'), 'base\n');
  gitIn(repo.root, ['add', 'base.txt']);
  gitIn(repo.root, ['commit', '-qm', 'base']);
  for (const branch of ['a', 'b', 'c']) {
    gitIn(repo.root, ['checkout', '-q', '-b', branch, 'main']);
    for (let i = 0; i < 2; i++) {
      logEntry(repo.root, `agent-${branch}`, { event: `${branch}${i}` });
      writeFileSync(join(repo.root, `${branch}${i}.txt`), `${i}\n`);
      gitIn(repo.root, ['add', `${branch}${i}.txt`]);
      gitIn(repo.root, ['commit', '-qm', `${branch}${i}`]);
    }
  }
  gitIn(repo.root, ['checkout', '-q', 'main']);
  const origin = join(tempDir(), 'origin.git');
  execFileSync('git', ['clone', '-q', '--bare', repo.root, origin], { env: testEnv() });
  return origin;
}

let origin: string;
beforeAll(() => {
  origin = makeOrigin();
});

function branchesOfOneDay(): { clone: string; ids: string[] } {
  const clone = join(tempDir(), 'clone');
  execFileSync('git', ['clone', '-q', origin, clone], { env: testEnv() });
  for (const branch of ['a', 'b', 'c']) gitIn(clone, ['branch', '-q', branch, `origin/${branch}`]);
  // Nothing of audit-hooks here: no hooks, no merge driver, no attributes.
  expect(readFileSync(join(clone, '.git', 'config'), 'utf8')).not.toMatch(/\[merge|driver/);
  expect(existsSync(join(clone, '.gitattributes'))).toBe(false);
  return { clone, ids: ['a0', 'a1', 'b0', 'b1', 'c0', 'c1'] };
}

function events(cwd: string): string[] {
  return historyEntries(cwd)
    .map((e) => String(e.event))
    .sort();
}

function idsUnique(cwd: string): boolean {
  const ids = historyEntries(cwd).map((e) => e.id);
  return new Set(ids).size === ids.length;
}

describe('merging history across branches needs no driver', () => {
  it('one branch after another, in a clone with no audit-hooks config: no conflict, every id once', () => {
    const { clone, ids } = branchesOfOneDay();
    for (const branch of ['a', 'b', 'c']) gitIn(clone, ['merge', '-q', '--no-edit', branch]);
    expect(events(clone)).toEqual(ids);
    expect(idsUnique(clone)).toBe(true);
  });

  it('an octopus merge of three branches', () => {
    const { clone, ids } = branchesOfOneDay();
    gitIn(clone, ['merge', '-q', '--no-edit', 'a', 'b', 'c']);
    expect(events(clone)).toEqual(ids);
    expect(idsUnique(clone)).toBe(true);
  });

  it('squash merges, then the same branches merged for real', () => {
    const { clone, ids } = branchesOfOneDay();
    gitIn(clone, ['merge', '-q', '--squash', 'a']);
    gitIn(clone, ['commit', '-qm', 'squash a']);
    gitIn(clone, ['merge', '-q', '--no-edit', 'a', 'b']);
    gitIn(clone, ['merge', '-q', '--squash', 'c']);
    gitIn(clone, ['commit', '-qm', 'squash c']);
    expect(events(clone)).toEqual(ids);
    expect(idsUnique(clone)).toBe(true);
  });

  it('a cherry-picked batch arrives at the same path with the same bytes: merging both later is clean', () => {
    const { clone, ids } = branchesOfOneDay();
    gitIn(clone, ['cherry-pick', 'b~1']);
    gitIn(clone, ['merge', '-q', '--no-edit', 'a', 'b', 'c']);
    expect(events(clone)).toEqual(ids);
    expect(idsUnique(clone)).toBe(true);
  });

  it('a rebase of one branch onto another', () => {
    const { clone, ids } = branchesOfOneDay();
    gitIn(clone, ['checkout', '-q', 'b']);
    gitIn(clone, ['rebase', '-q', 'a']);
    gitIn(clone, ['checkout', '-q', 'main']);
    gitIn(clone, ['merge', '-q', '--no-edit', 'b', 'c']);
    expect(events(clone)).toEqual(ids);
    expect(idsUnique(clone)).toBe(true);
  });
});
