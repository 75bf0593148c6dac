// The package as users get it, for e2e tests: pack this project into a tarball and install
// it into a fresh project with the real npm and registry.
import { type SpawnSyncReturns, spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, readdirSync, symlinkSync } from 'node:fs';
import { basename, delimiter, join, sep } from 'node:path';
import { ROOT, testEnv } from './git-repo.js';

/**
 * The test environment without what an enclosing `npm run` would leak into npm. `CI` is
 * unset, so lefthook's postinstall runs `lefthook install` as on a developer's machine.
 */
export function npmEnv(extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  const env = testEnv();
  for (const name of Object.keys(env)) {
    if (/^(npm_|LEFTHOOK|HUSKY)/i.test(name) || name === 'INIT_CWD') delete env[name];
  }
  delete env.CI;
  // Not this project's own node_modules/.bin (npm test puts it on PATH): a user's shell
  // has no lefthook (nor anything else of ours) there.
  env.PATH = (env.PATH ?? '')
    .split(delimiter)
    .filter((dir) => !dir.endsWith(`${sep}node_modules${sep}.bin`))
    .join(delimiter);
  return { ...env, ...extra };
}

/** Runs `command` in `cwd` with {@link npmEnv}. */
export function run(
  command: string,
  args: string[],
  cwd: string,
  env: NodeJS.ProcessEnv = npmEnv(),
): SpawnSyncReturns<string> {
  return spawnSync(command, args, { cwd, env, encoding: 'utf8' });
}

/** Throws with the output unless `result` exited 0. */
export function ok(result: SpawnSyncReturns<string>): SpawnSyncReturns<string> {
  if (result.error) throw result.error;
  if (result.status !== 0) {
    throw new Error(`exit ${result.status}\n${result.stdout}\n${result.stderr}`);
  }
  return result;
}

/**
 * Packs a copy of this project into `work/pack/` and returns the tarball's path. The copy's
 * `prepack` build runs from the sources without touching the dist/ other tests use.
 */
export function packProject(work: string): string {
  const source = join(work, 'source');
  cpSync(ROOT, source, {
    recursive: true,
    filter: (path) => !/^(node_modules|dist|\.git|logs)$|\.tgz$/.test(basename(path)),
  });
  symlinkSync(join(ROOT, 'node_modules'), join(source, 'node_modules'), 'dir');
  const packDir = join(work, 'pack');
  mkdirSync(packDir);
  ok(run('npm', ['pack', '--pack-destination', packDir], source));
  const [name] = readdirSync(packDir).filter((file) => file.endsWith('.tgz'));
  return join(packDir, name as string);
}

/** A fresh npm project in `dir` (`npm init -y`, `git init` on `main`), with `tarball` installed. */
export function projectWith(dir: string, tarball: string): SpawnSyncReturns<string> {
  mkdirSync(dir, { recursive: true });
  ok(run('git', ['init', '-q', '-b', 'main'], dir));
  ok(run('git', ['config', 'commit.gpgSign', 'false'], dir));
  ok(run('npm', ['init', '-y'], dir));
  return ok(run('npm', ['install', '--no-audit', '--no-fund', tarball], dir));
}
