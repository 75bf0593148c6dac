// One way to make a throw-away git repository for tests: fixed identity and branch, no
// signing, no global or system config, removed afterwards.
import {
  type ChildProcess,
  execFileSync,
  type SpawnSyncReturns,
  spawn,
  spawnSync,
} from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, realpathSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const ROOT = new URL('../..', import.meta.url).pathname.replace(/\/$/, '');
// The bin package.json names (CommonJS; it hands all but `log` to dist/bin.js).
export const BIN = join(ROOT, 'dist', 'bin.cjs');

/** Environment for git and the CLI in tests: isolated from the user's git config and hooks. */
export function testEnv(extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    GIT_CONFIG_NOSYSTEM: '1',
    GIT_CONFIG_GLOBAL: '/dev/null',
    GIT_AUTHOR_NAME: 'Audit Test',
    GIT_AUTHOR_EMAIL: 'audit@example.test',
    GIT_COMMITTER_NAME: 'Audit Test',
    GIT_COMMITTER_EMAIL: 'audit@example.test',
    NO_COLOR: '1',
    ...extra,
  };
  for (const name of [
    'GIT_DIR',
    'GIT_WORK_TREE',
    'GIT_INDEX_FILE',
    'AUDIT_HOOKS_SESSION',
    'DEBUG',
  ]) {
    if (!(name in extra)) delete env[name];
  }
  return env;
}

/** A fresh temp folder (real path, so it compares equal to what git prints). */
export function tempDir(prefix = 'audit-hooks-'): string {
  const dir = realpathSync(mkdtempSync(join(tmpdir(), prefix)));
  created.add(dir);
  return dir;
}

const created = new Set<string>();

/** Removes every folder {@link tempDir} made in this test file (run after each file). */
export function removeTempDirs(): void {
  for (const dir of created) rmSync(dir, { recursive: true, force: true });
  created.clear();
}

export interface TempRepo {
  /** The repository's root. */
  root: string;
  git(...args: string[]): string;
  /** Runs the built CLI in `cwd` (default: the root). */
  cli(
    args: string[],
    options?: { cwd?: string; input?: string; env?: NodeJS.ProcessEnv },
  ): SpawnSyncReturns<string>;
  cleanup(): void;
}

/** Creates a git repository with one commit on `main` in a temp folder. */
export function makeRepo(options: { commit?: boolean } = {}): TempRepo {
  const root = tempDir();
  const git = (...args: string[]) =>
    execFileSync('git', args, {
      cwd: root,
      env: testEnv(),
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'pipe'],
    }).trim();
  git('init', '-q', '-b', 'main');
  git('config', 'commit.gpgSign', 'false');
  if (options.commit !== false) git('commit', '-q', '--allow-empty', '-m', 'initial');
  return {
    root,
    git,
    cli: (args, opts = {}) =>
      runCli(args, { cwd: opts.cwd ?? root, input: opts.input, env: opts.env }),
    cleanup: () => rmSync(root, { recursive: true, force: true }),
  };
}

/** Runs the built CLI as a user would. */
export function runCli(
  args: string[],
  options: { cwd: string; input?: string | undefined; env?: NodeJS.ProcessEnv | undefined },
): SpawnSyncReturns<string> {
  return spawnSync(process.execPath, [BIN, ...args], {
    cwd: options.cwd,
    env: testEnv(options.env),
    input: options.input ?? '',
    encoding: 'utf8',
  });
}

/** Small scripts that child processes run (they import the built dist/writer.js). */
export const FIXTURES = join(ROOT, 'tests', 'fixtures');

/** Runs `tests/fixtures/<script>` with node and waits for it. */
export function runNode(
  script: string,
  args: string[],
  options: { cwd: string; input?: string; env?: NodeJS.ProcessEnv },
): SpawnSyncReturns<string> {
  return spawnSync(process.execPath, [join(FIXTURES, script), ...args], {
    cwd: options.cwd,
    env: testEnv(options.env),
    input: options.input ?? '',
    encoding: 'utf8',
  });
}

/** How a child process ended, with all it printed. */
export interface ChildEnd {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/** The output of a running child so far, and its end (rejected if it could not start). */
export interface CapturedOutput {
  stdout(): string;
  stderr(): string;
  closed: Promise<ChildEnd>;
}

/** Collects what `child` prints on its piped stdout and stderr, as text. */
export function captureOutput(child: ChildProcess): CapturedOutput {
  let stdout = '';
  let stderr = '';
  child.stdout?.setEncoding('utf8').on('data', (chunk: string) => {
    stdout += chunk;
  });
  child.stderr?.setEncoding('utf8').on('data', (chunk: string) => {
    stderr += chunk;
  });
  const closed = new Promise<ChildEnd>((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code, signal) => resolve({ code, signal, stdout, stderr }));
  });
  return { stdout: () => stdout, stderr: () => stderr, closed };
}

/** A running fixture that printed `ready …` and waits for {@link StartedNode.go}. */
export interface StartedNode {
  /** The rest of the first line, once the script is ready. */
  ready: Promise<string>;
  /** Tells the script to start (one line on its stdin). */
  go(): void;
  /** The exit code and output, when it exits. */
  done: Promise<{ code: number | null; stdout: string; stderr: string }>;
}

/**
 * Starts `tests/fixtures/<script>`, which must print `ready …` as its first line and then
 * wait for a line on stdin; so several processes can be released together, with no sleep.
 */
export function startNode(
  script: string,
  args: string[],
  options: { cwd: string; env?: NodeJS.ProcessEnv },
): StartedNode {
  const child = spawn(process.execPath, [join(FIXTURES, script), ...args], {
    cwd: options.cwd,
    env: testEnv(options.env),
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  const output = captureOutput(child);
  const done = output.closed.then(({ code, stdout, stderr }) => ({ code, stdout, stderr }));
  const ready = new Promise<string>((resolve, reject) => {
    let announced = false;
    child.stdout.on('data', () => {
      const stdout = output.stdout();
      const end = stdout.indexOf('\n');
      if (!announced && end !== -1) {
        announced = true;
        const first = stdout.slice(0, end);
        if (first.startsWith('ready')) resolve(first.slice('ready'.length).trim());
        else reject(new Error(`${script} did not get ready: ${first}`));
      }
    });
    done.then(({ code, stderr }) =>
      reject(new Error(`${script} exited (${code}) before ready: ${stderr}`)),
    );
  });
  return {
    ready,
    go: () => child.stdin.end('go\n'),
    done,
  };
}

/** The shard files of `root` (`logs/active/*.jsonl`), sorted by name. */
export function shardFiles(root: string): string[] {
  const dir = join(root, 'logs', 'active');
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((name) => name.endsWith('.jsonl'))
    .sort()
    .map((name) => join(dir, name));
}

/** Parses a JSONL file strictly: every line must be JSON and the file must end with `\n`. */
export function readJsonl(file: string): Record<string, unknown>[] {
  const text = readFileSync(file, 'utf8');
  if (text === '') return [];
  if (!text.endsWith('\n')) throw new Error(`${file} does not end with a newline`);
  return text
    .slice(0, -1)
    .split('\n')
    .map((line, index) => {
      try {
        return JSON.parse(line) as Record<string, unknown>;
      } catch (error) {
        throw new Error(`${file}:${index + 1}: ${(error as Error).message}`);
      }
    });
}
