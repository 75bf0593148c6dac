// `npm run demo`: the whole story in a scratch repository — install, two agent
// worktrees, three sessions writing side by side, commits that carry their own trail with
// a clean tree after each, a merge without a driver or a conflict, `tail`, `verify
// --history`, and the view. Uses the built CLI exactly as a user's hook would.
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import {
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stripVTControlCharacters } from 'node:util';

const root = new URL('..', import.meta.url).pathname;
const bin = join(root, 'dist', 'bin.js');
const scratch = mkdtempSync(join(tmpdir(), 'audit-hooks-demo-'));
const repo = join(scratch, 'app');
const env = {
  ...process.env,
  GIT_CONFIG_GLOBAL: '/dev/null',
  GIT_CONFIG_NOSYSTEM: '1',
  GIT_AUTHOR_NAME: 'Demo',
  GIT_AUTHOR_EMAIL: 'demo@example.com',
  GIT_COMMITTER_NAME: 'Demo',
  GIT_COMMITTER_EMAIL: 'demo@example.com',
  NO_COLOR: '1',
};
delete env.AUDIT_HOOKS_SESSION;

// A fake GitHub token, assembled here so no credential-shaped string sits in the source.
const fakeToken = ['ghp', '_', 'Demo7kq2ZxW9mLp4TvB8nYc3HsJ6dFa1QeU'].join('');
const step = (text) => console.log(`\n\u25b6 ${text}`);
const show = (text) => {
  for (const line of text.trimEnd().split('\n')) if (line !== '') console.log(`  ${line}`);
};
const git = (cwd, ...args) =>
  execFileSync('git', args, { cwd, env, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
const cli = (cwd, ...args) =>
  execFileSync(process.execPath, [bin, ...args], { cwd, env, encoding: 'utf8' });
// Commits and prints what audit-hooks said in the commit's hooks, then `git status`.
const commit = (cwd, message, extraEnv = {}) => {
  const run = spawnSync('git', ['commit', '-q', '-m', message], {
    cwd,
    env: { ...env, ...extraEnv },
    encoding: 'utf8',
  });
  if (run.status !== 0) throw new Error(`git commit failed: ${run.stderr}`);
  const said = `${run.stdout}\n${run.stderr}`
    .split('\n')
    .filter((line) => line.includes('audit-hooks:'))
    .map((line) => `(commit hook) ${stripVTControlCharacters(line).trim()}`);
  const status = git(cwd, 'status', '--porcelain').trim();
  show([...said, `git status: ${status === '' ? 'clean' : status}`].join('\n'));
};

function session(cwd, id, events) {
  // One process per agent session, writing while the others write.
  const script = `
    const { AuditLog } = await import(${JSON.stringify(join(root, 'dist', 'writer.js'))});
    const log = new AuditLog({ repoRoot: process.argv[1], sessionId: process.argv[2] });
    for (const event of JSON.parse(process.argv[3])) {
      log.log(event);
      await new Promise((r) => setTimeout(r, 5));
    }`;
  return new Promise((resolve, reject) => {
    const child = spawn(
      process.execPath,
      ['--input-type=module', '-e', script, cwd, id, JSON.stringify(events)],
      {
        stdio: 'inherit',
        env,
      },
    );
    child.on('exit', (code) =>
      code === 0 ? resolve() : reject(new Error(`session ${id} failed`)),
    );
  });
}

const viewFile = join(tmpdir(), 'audit-hooks-demo-view.html');

try {
  step('A repository whose package.json has audit-hooks as a devDependency');
  mkdirSync(join(repo, 'node_modules', '.bin'), { recursive: true });
  symlinkSync(bin, join(repo, 'node_modules', '.bin', 'audit-hooks'));
  git(repo, 'init', '-q', '-b', 'main');
  // The usual Node.js .gitignore: it ignores logs/ — the trail is committed anyway.
  writeFileSync(join(repo, '.gitignore'), 'node_modules\nlogs\n*.log\n');
  writeFileSync(join(repo, 'README.md'), '# app\n');
  git(repo, 'add', '.');
  git(repo, 'commit', '-q', '-m', 'initial');
  show(`${repo}`);

  step('npx audit-hooks install --agent claude-code,codex');
  show(cli(repo, 'install', '--agent', 'claude-code,codex'));
  git(repo, 'add', 'lefthook.yml', '.claude', '.codex');
  commit(repo, 'Set up audit-hooks');

  step('Two agents get their own worktrees');
  const agentB = join(scratch, 'agent-b');
  const agentC = join(scratch, 'agent-c');
  git(repo, 'worktree', 'add', '-q', '-b', 'agent-b', agentB);
  git(repo, 'worktree', 'add', '-q', '-b', 'agent-c', agentC);
  show(git(repo, 'worktree', 'list'));

  step('Claude Code works in agent-b, Codex in agent-c: their own hooks log each step');
  const lib = await import(join(root, 'dist', 'index.js'));
  const agentSessions = {};
  for (const [dir, agent, events] of [
    [agentB, 'claude-code', ['SessionStart', 'UserPromptSubmit', 'PreToolUse', 'PostToolUse']],
    [agentC, 'codex', ['SessionStart', 'UserPromptSubmit', 'PreToolUse', 'PostToolUse']],
  ]) {
    // Each configured command as the tool runs it: `sh -c`, the payload on stdin.
    const spec = lib.agentNamed(agent);
    const config = JSON.parse(readFileSync(join(dir, spec.configFile), 'utf8'));
    const envFile = join(scratch, `${agent}.env`);
    for (const event of events) {
      const payload = readFileSync(
        join(root, 'tests', 'fixtures', 'agents', agent, `${event}.json`),
        'utf8',
      )
        .replaceAll('__ROOT__', dir)
        .replaceAll('__HOME__', scratch);
      execFileSync('sh', ['-c', config.hooks[event][0].hooks[0].command], {
        cwd: dir,
        env: { ...env, CLAUDE_PROJECT_DIR: dir, CLAUDE_ENV_FILE: envFile, CODEX_ENV_FILE: envFile },
        input: payload,
      });
    }
    // What the tool passes on to the commands it runs (its env file).
    const exported = readFileSync(envFile, 'utf8');
    agentSessions[dir] = {
      agent,
      session: /AUDIT_HOOKS_SESSION=(\S+)/.exec(exported)[1],
      env: {
        AUDIT_HOOKS_SESSION: /AUDIT_HOOKS_SESSION=(\S+)/.exec(exported)[1],
        AUDIT_HOOKS_AGENT: agent,
      },
    };
    show(
      `${agent}: 4 hook calls logged; its session start exported AUDIT_HOOKS_SESSION=${agentSessions[dir].session}`,
    );
  }

  step('Three more sessions write their audit trails side by side, each to its own shard');
  await Promise.all([
    session(repo, 'lead', [
      { event: 'prompt', text: 'Split the parser work between two agents' },
      { event: 'decision', decision: 'agent-b: tokenizer, agent-c: error messages' },
    ]),
    session(agentB, 'agent-b', [
      { event: 'tool_call', tool: 'Bash', command: 'npm test -- tokenizer' },
      { event: 'tool_call', tool: 'Edit', file: 'src/tokenizer.ts' },
      { event: 'decision', decision: 'keep the hand-written lexer' },
    ]),
    session(agentC, 'agent-c', [
      { event: 'tool_call', tool: 'Read', file: 'src/errors.ts' },
      // A secret an agent pasted into a command: it stays in the local shard only.
      { event: 'tool_call', tool: 'Bash', command: `GH_TOKEN=${fakeToken} gh pr create` },
      { event: 'tool_call', tool: 'Edit', file: 'src/errors.ts' },
      { event: 'model', model: 'claude-sonnet', tokens: 1834 },
    ]),
  ]);
  for (const [name, dir] of [
    ['app', repo],
    ['agent-b', agentB],
    ['agent-c', agentC],
  ]) {
    const shards = readdirSync(join(dir, 'logs', 'active')).filter((f) => f.endsWith('.jsonl'));
    show(`${name}/logs/active: ${shards.join(', ')}  (ignored by git: logs/active/.gitignore)`);
  }

  step('Each agent commits its work: the commit carries the trail that led up to it');
  const workCommits = {};
  for (const [dir, file] of [
    [agentB, 'tokenizer.ts'],
    [agentC, 'errors.ts'],
    [repo, 'PLAN.md'],
  ]) {
    writeFileSync(join(dir, file), `// ${file}\n`);
    git(dir, 'add', file);
    // The agent's own `git commit` runs with the variables its session exported.
    commit(dir, `Work on ${file}`, agentSessions[dir]?.env);
    workCommits[file] = git(dir, 'rev-parse', 'HEAD').trim();
    show(git(dir, 'show', '--stat', '--format=', 'HEAD').trim());
  }

  for (const [dir, { agent, session: id }] of Object.entries(agentSessions)) {
    step(
      `audit-hooks tail --session ${id.slice(0, 8)}… -n 3  (${agent}'s session knows its commit)`,
    );
    show(cli(dir, 'tail', '--session', id, '-n', '3'));
  }

  step('The secret agent-c pasted never reached git: consolidation redacted it');
  const leaked = historyLines(agentC).find(
    (entry) => typeof entry.command === 'string' && entry.command.includes('gh pr create'),
  );
  show(`command:  ${leaked.command}`);
  show(`redacted: ${JSON.stringify(leaked.redacted)}`);

  step(
    `audit-hooks show ${workCommits['tokenizer.ts'].slice(0, 12)}  (agent-b's commit and its trail)`,
  );
  show(cli(agentB, 'show', workCommits['tokenizer.ts']));

  step(
    'Merge both agents into main: no merge driver, no conflict (a forge merges them the same way)',
  );
  const drivers = spawnSync('git', ['config', '--get-regexp', '^merge\\.'], {
    cwd: repo,
    env,
    encoding: 'utf8',
  });
  show(`merge drivers configured: ${drivers.stdout.trim() || 'none'}`);
  git(repo, 'merge', '-q', '--no-edit', 'agent-b', 'agent-c');
  show('git merge agent-b agent-c: merged (octopus), no conflict');
  const lines = historyLines(repo);
  show(
    `logs/history: ${lines.length} entries in ${historyFiles(repo).length} batch files, each id once: ${new Set(lines.map((l) => l.id)).size === lines.length}`,
  );
  show(`git status: ${git(repo, 'status', '--porcelain').trim() || 'clean'}`);

  step('audit-hooks tail -n 12');
  show(cli(repo, 'tail', '-n', '12'));

  step('audit-hooks verify --history  (no committed batch file ever changed)');
  show(cli(repo, 'verify', '--history'));

  step('audit-hooks view  (a self-contained page: one lane per session, commits as markers)');
  show(cli(repo, 'view', '--no-open', '--out', viewFile));
} finally {
  rmSync(scratch, { recursive: true, force: true });
}

function historyFiles(dir) {
  const base = join(dir, 'logs', 'history');
  return readdirSync(base, { recursive: true })
    .map(String)
    .filter((p) => p.endsWith('.jsonl'))
    .map((p) => join(base, p));
}

function historyLines(dir) {
  return historyFiles(dir)
    .flatMap((file) => readFileSync(file, 'utf8').trim().split('\n'))
    .map((line) => JSON.parse(line));
}
