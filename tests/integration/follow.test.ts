// `audit-hooks tail --follow` (SPEC §6): the real CLI in a child process, entries written by
// other processes through the built writer, consolidations in between; every id printed
// exactly once, then a clean exit on SIGINT / SIGTERM.
import { type ChildProcessWithoutNullStreams, spawn } from 'node:child_process';
import { appendFileSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterEach, describe, expect, it } from 'vitest';
import { follow } from '../../src/read/follow.js';
import { AuditLog, type Entry } from '../../src/writer/index.js';
import {
  BIN,
  captureOutput,
  makeRepo,
  startNode,
  type TempRepo,
  testEnv,
} from '../helpers/git-repo.js';
import { historyEntries } from '../helpers/history.js';

let repo: TempRepo;
const children: ChildProcessWithoutNullStreams[] = [];
afterEach(() => {
  for (const child of children.splice(0)) if (child.exitCode === null) child.kill('SIGKILL');
  repo?.cleanup();
});

/** Polls `condition` until it holds; the test's own timeout is the limit (nothing is timed). */
async function until(condition: () => boolean, what: () => string): Promise<void> {
  while (!condition()) {
    await sleep(20);
    if (process.env.DEBUG_FOLLOW) process.stderr.write(`waiting for ${what()}\n`);
  }
}

interface Follower {
  child: ChildProcessWithoutNullStreams;
  /** The ids printed so far, in order. */
  ids(): string[];
  stderr(): string;
  waitFor(ids: readonly string[]): Promise<void>;
  exit: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

function startFollower(root: string, args: string[]): Follower {
  const child = spawn(process.execPath, [BIN, 'tail', '--follow', '--json', ...args], {
    cwd: root,
    env: testEnv(),
  });
  children.push(child);
  const output = captureOutput(child);
  const exit = output.closed.then(({ code, signal }) => ({ code, signal }));
  const ids = () =>
    output
      .stdout()
      .split('\n')
      .slice(0, -1) // only complete lines
      .map((line) => (JSON.parse(line) as Entry).id);
  return {
    child,
    ids,
    stderr: output.stderr,
    waitFor: (wanted) =>
      until(
        () => {
          const seen = new Set(ids());
          return wanted.every((id) => seen.has(id));
        },
        () =>
          `${wanted.filter((id) => !ids().includes(id)).length} ids; stderr: ${output.stderr()}`,
      ),
    exit,
  };
}

/** Writes `count` entries from another process through the built writer; returns their ids. */
async function writeEntries(
  root: string,
  session: string,
  count: number,
  tag: string,
): Promise<string[]> {
  const writer = startNode('write-entries.mjs', [root, session, String(count), '10', tag], {
    cwd: root,
  });
  await writer.ready;
  writer.go();
  const { code, stdout, stderr } = await writer.done;
  expect(code, stderr).toBe(0);
  return stdout.split('\n').slice(1).filter(Boolean);
}

function consolidate(): void {
  const result = repo.cli(['consolidate']);
  expect(result.status, result.stderr).toBe(0);
}

function counts(ids: string[]): Map<string, number> {
  const map = new Map<string, number>();
  for (const id of ids) map.set(id, (map.get(id) ?? 0) + 1);
  return map;
}

describe('tail --follow', () => {
  it('prints every new entry exactly once: new shards, claimed shards, consolidated ones', async () => {
    repo = makeRepo();
    const old = await writeEntries(repo.root, 'sess-old', 5, 'old');
    consolidate();
    const live = await writeEntries(repo.root, 'sess-a', 3, 'a');

    const follower = startFollower(repo.root, ['-n', '4']);
    // The first screen: the last 4 of history + shards, oldest first.
    const firstScreen = [...old.slice(-1), ...live];
    await follower.waitFor(firstScreen);
    expect(follower.ids()).toEqual(firstScreen);

    // 1. Appended to a shard the follower already reads.
    const appended = await writeEntries(repo.root, 'sess-a', 4, 'a');
    await follower.waitFor(appended);

    // 2. A shard created after it started.
    const fresh = await writeEntries(repo.root, 'sess-b', 4, 'b');
    await follower.waitFor(fresh);

    // 3. Lines it has not read yet when a consolidation claims and deletes their shard:
    //    the follower is stopped meanwhile, so it cannot have seen them in the shard.
    follower.child.kill('SIGSTOP');
    const unread = await writeEntries(repo.root, 'sess-a', 3, 'a');
    consolidate();
    follower.child.kill('SIGCONT');
    await follower.waitFor(unread);

    // 4. A shard created and consolidated entirely while the follower was not looking:
    //    its entries are found in the history.
    follower.child.kill('SIGSTOP');
    const unseen = await writeEntries(repo.root, 'sess-c', 3, 'c');
    consolidate();
    follower.child.kill('SIGCONT');
    await follower.waitFor(unseen);

    // 5. Busy writers and a consolidation racing with them and with the follower.
    const racing = await Promise.all([
      writeEntries(repo.root, 'sess-d', 50, 'd'),
      writeEntries(repo.root, 'sess-e', 50, 'e'),
      (async () => {
        await sleep(5);
        consolidate();
        return [] as string[];
      })(),
    ]);
    consolidate();
    await follower.waitFor(racing.flat());

    // Every id written after the start, once; nothing from before the first screen.
    const expected = [
      ...firstScreen,
      ...appended,
      ...fresh,
      ...unread,
      ...unseen,
      ...racing.flat(),
    ];
    const printed = follower.ids();
    expect([...counts(printed).values()].every((n) => n === 1)).toBe(true);
    expect(new Set(printed)).toEqual(new Set(expected));
    expect(printed).toHaveLength(expected.length);
    // Everything it printed is indeed in the history now (nothing invented).
    const history = new Set(historyEntries(repo.root).map((entry) => entry.id));
    expect(printed.every((id) => history.has(id))).toBe(true);
    // No shard is left unconsolidated (the claims wait for a commit to hold their batches).
    expect(
      readdirSync(join(repo.root, 'logs', 'active')).filter((name) => name.endsWith('.jsonl')),
    ).toEqual([]);

    follower.child.kill('SIGINT');
    expect(await follower.exit).toEqual({ code: 0, signal: null });
    expect(follower.stderr()).toBe('');
  });

  it('waits for the newline of a line being written, and never prints it half', async () => {
    repo = makeRepo();
    mkdirSync(join(repo.root, 'logs', 'active'), { recursive: true });
    const follower = startFollower(repo.root, []);
    const half = join(repo.root, 'logs', 'active', '20261124T000000_half.jsonl');
    const line = JSON.stringify({
      id: 'half-written',
      timestamp: new Date().toISOString(),
      session_id: 'half',
      seq: 1,
    });
    writeFileSync(half, line.slice(0, 25));
    // Another shard's entry, written after the half line: once it is printed, the
    // follower has looked at the half line too.
    const marker = await writeEntries(repo.root, 'marker', 1, 'm');
    await follower.waitFor(marker);
    expect(follower.ids()).not.toContain('half-written');

    appendFileSync(half, `${line.slice(25)}\n`);
    await follower.waitFor(['half-written']);
    expect(follower.ids()).toEqual([...marker, 'half-written']);
    expect(follower.stderr()).toBe('');

    follower.child.kill('SIGTERM');
    expect(await follower.exit).toEqual({ code: 0, signal: null });
  });

  it('-n 0 prints only what comes after, as tail -f -n 0 does', async () => {
    repo = makeRepo();
    const old = await writeEntries(repo.root, 'old', 3, 'o');
    consolidate();
    old.push(...(await writeEntries(repo.root, 'old-live', 2, 'l')));
    const follower = startFollower(repo.root, ['-n', '0']);
    // Nothing is printed at the start, so write until the follower shows that it runs
    // (what it wrote before the follower started counts as old, and may not be printed).
    const probes: string[] = [];
    while (follower.ids().length === 0) {
      probes.push(...(await writeEntries(repo.root, 'new', 1, `n${probes.length}`)));
      await sleep(50);
    }
    const last = await writeEntries(repo.root, 'new', 2, 'last');
    await follower.waitFor(last);
    follower.child.kill('SIGINT');
    await follower.exit;
    expect(follower.ids().filter((id) => !probes.includes(id) && !last.includes(id))).toEqual([]);
    expect(follower.ids().slice(-2)).toEqual(last);
    expect(old.some((id) => follower.ids().includes(id))).toBe(false);
  });

  it('starts in a repository with no logs at all and picks up the first shard', async () => {
    repo = makeRepo();
    const follower = startFollower(repo.root, []);
    // The folders do not exist yet: the follower polls until they do.
    const first = await writeEntries(repo.root, 'first', 2, 'f');
    await follower.waitFor(first);
    follower.child.kill('SIGINT');
    expect(await follower.exit).toEqual({ code: 0, signal: null });
    expect(follower.stderr()).toBe('');
  });
});

describe('follow() (library)', () => {
  it('calls back once per entry, honours --session, and resolves when aborted', async () => {
    repo = makeRepo();
    const mine = new AuditLog({ repoRoot: repo.root, sessionId: 'mine' });
    const other = new AuditLog({ repoRoot: repo.root, sessionId: 'other' });
    const before = mine.log({ event: 'before' });
    other.log({ event: 'other-before' });

    const got: Array<{ entry: Entry; line: string }> = [];
    const controller = new AbortController();
    const done = follow(
      { cwd: repo.root, session: 'mine', pollMs: 20 },
      (entry, line) => got.push({ entry, line }),
      controller.signal,
    );
    await until(
      () => got.length === 1,
      () => 'the first screen',
    );
    const after = [mine.log({ event: 'after-1' }), mine.log({ event: 'after-2' })];
    other.log({ event: 'other-after' });
    await until(
      () => got.length >= 3,
      () => 'two more',
    );
    mine.close();
    other.close();

    expect(got.map((item) => item.entry.id)).toEqual([before.id, ...after.map((e) => e.id)]);
    // The line is the stored JSON text.
    expect(JSON.parse(got[1]?.line ?? '')).toEqual(after[0]);
    controller.abort();
    await expect(done).resolves.toBeUndefined();
    // Nothing left open: the shards can be consolidated and the folder listed.
    expect(readdirSync(join(repo.root, 'logs', 'active')).length).toBeGreaterThan(0);
  });

  it('rejects a bad --since before it starts', async () => {
    repo = makeRepo();
    await expect(
      follow({ cwd: repo.root, since: 'soon' }, () => {}, new AbortController().signal),
    ).rejects.toThrow(/--since "soon" is not a time/);
  });
});
