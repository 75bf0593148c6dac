// Git changes logs/history at any moment (SPEC §5.7): a merge and a checkout landing while a
// consolidation is stopped between its claim and its publish (a manual run, and the
// post-commit step of post-commit mode); reset --hard and stash -u throwing away a staged
// batch after an aborted commit; a sparse checkout without logs/. Whatever git put there or
// took away is never overwritten or dropped by consolidation, its own batches still appear,
// a path never holds two contents, and once every branch is merged each entry is there once.
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { files, historyFindings } from './check.mjs';
import { caseResult, finalCommit, merge, seedShard } from './common.mjs';
import {
  cleanEnv,
  commit,
  freshDir,
  hookedRepo,
  hookWarnings,
  pidIn,
  startCli,
  startCommit,
  waitStopped,
} from './env.mjs';

function git(root, ...args) {
  const result = spawnSync('git', args, { cwd: root, env: cleanEnv(), encoding: 'utf8' });
  if (result.status !== 0) throw new Error(`git ${args.join(' ')}: ${result.stderr}`);
  return result.stdout.trim();
}

/** Path (relative to logs/history) → inode and bytes of every history file. */
function historyState(root) {
  const dir = join(root, 'logs', 'history');
  return new Map(
    files(dir).map((file) => [
      relative(dir, file),
      `${statSync(file).ino} ${readFileSync(file).toString('base64')}`,
    ]),
  );
}

/** What changed between two states: files changed, files gone, files added. */
function compare(before, after) {
  const changed = [...before]
    .filter(([p, v]) => after.has(p) && after.get(p) !== v)
    .map(([p]) => p);
  const gone = [...before.keys()].filter((p) => !after.has(p));
  const added = [...after.keys()].filter((p) => !before.has(p));
  return { changed, gone, added };
}

async function expectCommit(root, message, failures, options = {}) {
  const result = await commit(root, message, options);
  const said = hookWarnings(result.stderr);
  if (result.status !== 0 || said.length > 0) {
    failures.push(`commit "${message}": exit ${result.status} ${said.join(' | ')}`);
  }
  return result;
}

export async function gitDuringConsolidation(build, s, progress) {
  const failures = [];
  const repo = hookedRepo(build, 'gitops');
  const root = repo.root;
  let seeds = new Map();
  const seen = new Map();
  const tally = { merges: 0, checkouts: 0, resets: 0, stashes: 0, postCommitMerges: 0 };
  const seed = (name, count = 60) =>
    (seeds = merge(seeds, seedShard(root, `20260501T000000_${name}.jsonl`, name, count)));
  const audit = (what) => {
    for (const failure of historyFindings(root, seen)) failures.push(`${what}: ${failure}`);
  };

  for (let round = 0; round < s.gitRounds; round++) {
    const other = `other${round}`;
    seed(`m${round}a`);
    await expectCommit(root, `main ${round}a`, failures);
    git(root, 'checkout', '-q', '-b', other);
    seed(`o${round}`);
    await expectCommit(root, `other ${round}`, failures, { file: `other${round}.txt` });
    git(root, 'checkout', '-q', 'main');
    seed(`m${round}b`);
    await expectCommit(root, `main ${round}b`, failures);

    // A merge lands while a consolidation has claimed and batched, not yet published.
    seed(`m${round}c`);
    const merging = startCli(build, ['consolidate'], {
      cwd: root,
      inject: { kind: 'stop', step: 'publish' },
    });
    await waitStopped(merging.child.pid, merging.child);
    git(root, 'merge', '-q', '--no-edit', other);
    tally.merges++;
    const merged = historyState(root);
    merging.child.kill('SIGCONT');
    const m = await merging.done;
    if (m.status !== 0) failures.push(`round ${round}: consolidate after the merge: ${m.stderr}`);
    const afterMerge = historyState(root);
    const d1 = compare(merged, afterMerge);
    if (d1.changed.length > 0 || d1.gone.length > 0) {
      failures.push(
        `round ${round}: the consolidation changed ${d1.changed} or dropped ${d1.gone} of what the merge put there`,
      );
    }
    if (d1.added.length === 0)
      failures.push(`round ${round}: the consolidation's batch did not appear after the merge`);
    audit(`round ${round}, merge`);

    // A checkout of a branch that lacks some of those files lands the same way.
    seed(`m${round}d`);
    const checking = startCli(build, ['consolidate'], {
      cwd: root,
      inject: { kind: 'stop', step: 'publish' },
    });
    await waitStopped(checking.child.pid, checking.child);
    git(root, 'checkout', '-q', other);
    tally.checkouts++;
    const checkedOut = historyState(root);
    checking.child.kill('SIGCONT');
    const c = await checking.done;
    if (c.status !== 0)
      failures.push(`round ${round}: consolidate after the checkout: ${c.stderr}`);
    const afterCheckout = historyState(root);
    const d2 = compare(checkedOut, afterCheckout);
    if (d2.changed.length > 0 || d2.gone.length > 0) {
      failures.push(
        `round ${round}: the consolidation changed ${d2.changed} or dropped ${d2.gone} of what the checkout left`,
      );
    }
    const broughtBack = d2.added.filter((p) => merged.has(p) && !checkedOut.has(p));
    if (broughtBack.length > 0)
      failures.push(
        `round ${round}: the consolidation brought back ${broughtBack}, which the checkout took away`,
      );
    audit(`round ${round}, checkout`);
    // Both batches made meanwhile ride in the next commit, on this branch.
    await expectCommit(root, `other ${round} carries them`, failures, {
      file: `other${round}.txt`,
    });
    git(root, 'checkout', '-q', 'main');
    git(root, 'merge', '-q', '--no-edit', other);

    // reset --hard, then stash -u, throw away the batch an aborted commit staged.
    for (const how of ['reset', 'stash']) {
      seed(`m${round}${how}`);
      // A file of its own, so that what the stash holds applies cleanly later.
      const aborted = await commit(root, '', { file: `${how}${round}.txt` });
      if (!/empty commit message/.test(aborted.stderr))
        failures.push(`round ${round}: the commit was not aborted: ${aborted.stderr}`);
      const staged = git(root, 'diff', '--cached', '--name-only', '--', 'logs/history');
      if (staged === '') failures.push(`round ${round}: the aborted commit left no batch staged`);
      if (how === 'reset') {
        git(root, 'reset', '-q', '--hard');
        tally.resets++;
      } else {
        git(root, 'stash', 'push', '-q', '-u');
        tally.stashes++;
      }
      if (staged !== '' && existsSync(join(root, staged.split('\n')[0]))) {
        failures.push(`round ${round}: ${how} did not take the staged batch away`);
      }
      await expectCommit(root, `after ${how} ${round}`, failures);
      if (how === 'stash') {
        // The stash still holds the batch (and code.txt): it applies on the same bytes.
        const pop = spawnSync('git', ['stash', 'pop', '-q'], {
          cwd: root,
          env: cleanEnv(),
          encoding: 'utf8',
        });
        if (pop.status !== 0) failures.push(`round ${round}: git stash pop failed: ${pop.stderr}`);
        await expectCommit(root, `stash popped ${round}`, failures);
      }
      audit(`round ${round}, ${how}`);
    }
    progress(`git operations: round ${round + 1}/${s.gitRounds}`);
  }
  const counts = await finalCommit(root, failures, 'git operations', { check: { seeds, seen } });

  // Post-commit mode: the post-commit step itself is stopped between claim and publish
  // while a merge lands (git has released the index by then).
  const pm = await postCommitModeMerge(build, s, failures);
  tally.postCommitMerges = pm.merges;
  return caseResult(
    'git-during-consolidation',
    'git merge and git checkout landing while a consolidation is stopped between claim and publish (manual, and the post-commit step of post-commit mode); reset --hard and stash -u throwing away the batch an aborted commit staged',
    { rounds: s.gitRounds, ...tally, acknowledged: counts.acknowledged + pm.acknowledged },
    {
      ...counts,
      acknowledged: counts.acknowledged + pm.acknowledged,
      lost: counts.lost + pm.lost,
      altered: counts.altered + pm.altered,
    },
    failures,
    Object.values(tally).reduce((a, b) => a + b, 0),
  );
}

async function postCommitModeMerge(build, s, failures) {
  const repo = hookedRepo(build, 'gitops-pcm', { mode: 'post-commit' });
  const root = repo.root;
  let seeds = new Map();
  let merges = 0;
  for (let round = 0; round < s.gitRounds; round++) {
    const other = `pcm${round}`;
    git(root, 'checkout', '-q', '-b', other);
    seeds = merge(seeds, seedShard(root, `20260502T000000_p${round}o.jsonl`, `p${round}o`, 40));
    await expectCommit(root, `other ${round}`, failures, { file: `other${round}.txt` });
    // Post-commit mode commits a batch with the commit after: add what the step wrote.
    git(root, 'add', '-A', 'logs/history');
    await expectCommit(root, `other ${round} carries it`, failures, { file: `other${round}.txt` });
    git(root, 'checkout', '-q', 'main');
    seeds = merge(seeds, seedShard(root, `20260502T000000_p${round}m.jsonl`, `p${round}m`, 40));
    const pidFile = join(freshDir('pcm-pid'), 'pid');
    const committing = startCommit(root, `main ${round}`, {
      fault: { kind: 'stop', step: 'publish', argv: 'post-commit', pidFile },
    });
    const hook = await pidIn(pidFile);
    await waitStopped(hook, committing.child);
    git(root, 'merge', '-q', '--no-edit', other);
    merges++;
    const merged = historyState(root);
    process.kill(hook, 'SIGCONT');
    const done = await committing.done;
    if (done.status !== 0 || hookWarnings(done.stderr).length > 0) {
      failures.push(`post-commit mode, round ${round}: ${done.stderr}`);
    }
    const d = compare(merged, historyState(root));
    if (d.changed.length > 0 || d.gone.length > 0) {
      failures.push(
        `post-commit mode, round ${round}: the step changed ${d.changed} or dropped ${d.gone} of what the merge put there`,
      );
    }
    if (d.added.length === 0)
      failures.push(`post-commit mode, round ${round}: its batch did not appear`);
    git(root, 'add', '-A', 'logs/history');
    await expectCommit(root, `main ${round} carries it`, failures);
  }
  git(root, 'add', '-A', 'logs/history');
  const counts = await finalCommit(root, failures, 'post-commit mode merges', {
    check: { seeds },
  });
  return { merges, acknowledged: counts.acknowledged, lost: counts.lost, altered: counts.altered };
}

/** A commit whose post-commit step is held a second before it releases its claim sets. */
async function commitReleasingLate(root, message, failures) {
  const pidFile = join(freshDir('late-pid'), 'pid');
  const committing = startCommit(root, message, {
    fault: { kind: 'stop', step: 'release', argv: 'post-commit', pidFile },
  });
  const hook = await pidIn(pidFile);
  await waitStopped(hook, committing.child);
  await sleep(1100);
  process.kill(hook, 'SIGCONT');
  const result = await committing.done;
  if (result.status !== 0 || hookWarnings(result.stderr).length > 0) {
    failures.push(`commit "${message}": ${result.stderr}`);
  }
}

/** A sparse checkout without logs/: commits go on, keep every committed entry, add theirs. */
export async function sparseCheckout(build, s, progress) {
  const failures = [];
  const repo = hookedRepo(build, 'sparse');
  const root = repo.root;
  let seeds = new Map();
  for (let i = 0; i < 3; i++) {
    seeds = merge(seeds, seedShard(root, `20260601T00000${i}_before${i}.jsonl`, `before${i}`, 50));
    // The post-commit step of the last one releases its claim set a second after git
    // recorded the batch files in the index (as often happens when a commit crosses a second
    // boundary): git must still see them as up to date.
    if (i < 2) await expectCommit(root, `before ${i}`, failures);
    else await commitReleasingLate(root, `before ${i}`, failures);
  }
  const sparse = spawnSync('git', ['sparse-checkout', 'set', '--no-cone', '/*', '!/logs/'], {
    cwd: root,
    env: cleanEnv(),
    encoding: 'utf8',
  });
  if (sparse.status !== 0 || sparse.stderr !== '') {
    failures.push(`git sparse-checkout set: ${sparse.stderr.trim().replaceAll('\n', ' ')}`);
  }
  if (existsSync(join(root, 'logs', 'history'))) {
    const left = files(join(root, 'logs', 'history'));
    if (left.length > 0) failures.push(`the sparse checkout left ${left.length} history files`);
  }
  const held = () =>
    git(root, 'ls-tree', '-r', '--name-only', 'HEAD', '--', 'logs/history')
      .split('\n')
      .filter(Boolean);
  for (let i = 0; i < s.sparseCommits; i++) {
    const before = held();
    seeds = merge(
      seeds,
      seedShard(root, `20260601T00001${i % 10}_sparse${i}.jsonl`, `sparse${i}`, 40),
    );
    await expectCommit(root, `sparse ${i}`, failures);
    const after = held();
    const dropped = before.filter((path) => !after.includes(path));
    if (dropped.length > 0)
      failures.push(
        `commit ${i} in the sparse checkout dropped ${dropped.length} committed batch files`,
      );
    if (after.length <= before.length)
      failures.push(`commit ${i} in the sparse checkout added no batch file`);
    const status = git(root, 'diff', '--name-status', 'HEAD~1', 'HEAD', '--', 'logs/history');
    const notAdded = status.split('\n').filter((line) => line !== '' && !line.startsWith('A'));
    if (notAdded.length > 0)
      failures.push(`commit ${i}: history files not only added: ${notAdded}`);
  }
  git(root, 'sparse-checkout', 'disable');
  progress(`sparse checkout: ${s.sparseCommits} commits`);
  const counts = await finalCommit(root, failures, 'sparse checkout', { check: { seeds } });
  return caseResult(
    'sparse-checkout',
    'a sparse checkout without logs/ (`git sparse-checkout set --no-cone "/*" "!/logs/"`): each commit keeps every committed batch file and adds its own; all there once the checkout is full again',
    { commits: s.sparseCommits, acknowledged: counts.acknowledged },
    counts,
    failures,
    s.sparseCommits,
  );
}
