// The shell lines the installed hooks run (SPEC §5.8, §7).
//
// Each asks the shell first whether there is anything to do (a glob over logs/active/, no
// process started), so an idle commit never starts Node.js. Only then does it find
// audit-hooks, without npx (which costs ~300 ms and, in a linked worktree with no
// node_modules, goes to the registry): in this worktree's node_modules, then the main
// worktree's, then on PATH (a global install for a repository of another language).
// Whatever happens, the line ends with status 0: a hook step never fails a commit.
import type { Mode } from '../history/consolidate.js';

// `|| :` inside each `$(…)`: husky runs hook files with `sh -e`, where a failing
// assignment at the end of an `||` list would end the hook before it could say anything.
export const FIND =
  'b=node_modules/.bin/audit-hooks; ' +
  '[ -x "$b" ] || b="$(git rev-parse --path-format=absolute --git-common-dir 2>/dev/null || :)/../node_modules/.bin/audit-hooks"; ' +
  '[ -x "$b" ] || b="$(command -v audit-hooks || :)"';

const NOT_FOUND =
  'echo "audit-hooks: warning: audit-hooks not found (npm i -D audit-hooks, or npm i -g audit-hooks); the entries stay in logs/active" >&2';

/** Runs `args` of the found audit-hooks; a failure is a warning, never the hook's status. */
function launch(args: string): string {
  return `${FIND}; if [ -n "$b" ]; then "$b" ${args} || echo "audit-hooks: warning: ${args} failed; the entries stay in logs/active" >&2; else ${NOT_FOUND}; fi`;
}

// Sets p=1 when any of the globs matches an existing file or folder.
function anyOf(globs: string): string {
  return `p=; for f in ${globs}; do if [ -e "$f" ]; then p=1; break; fi; done`;
}

const SHARDS_OR_CLAIMS = 'logs/active/*.jsonl logs/active/.claimed/*';
const CLAIMS = 'logs/active/.claimed/*';
// A session that asked for it records its commits (SPEC §15): then there is work too.
const SESSION = '[ -z "$AUDIT_HOOKS_SESSION" ] || p=1';

/**
 * `git audit-hooks <command>` in any worktree: a repository-local git alias that finds
 * audit-hooks as the hooks do (so it works in a linked worktree with no node_modules, and
 * without npx going to the registry), then runs it in the folder git was called from.
 */
// git runs an alias at the top of the worktree, and in a linked worktree sets GIT_DIR
// without GIT_WORK_TREE, which would make the folder it then changes to look like the top:
// the work tree is pinned to where git started it.
export const ALIAS_COMMAND = `!f() { ${FIND}; if [ -z "$b" ]; then echo "audit-hooks: not found (npm i -D audit-hooks, or npm i -g audit-hooks)" >&2; return 1; fi; case "$b" in /*) ;; *) b="$PWD/$b" ;; esac; if [ -n "$GIT_DIR" ] && [ -z "$GIT_WORK_TREE" ]; then GIT_WORK_TREE="$PWD"; export GIT_WORK_TREE; fi; cd "\${GIT_PREFIX:-.}" && "$b" "$@"; }; f`;

/** The two commit steps of each mode, as shell lines. */
export const STEP_COMMANDS: Readonly<
  Record<Mode, { 'pre-commit': string; 'post-commit': string }>
> = {
  'in-commit': {
    'pre-commit': `${anyOf(SHARDS_OR_CLAIMS)}; if [ -n "$p" ]; then ${launch('hook pre-commit')}; fi`,
    'post-commit': `${anyOf(CLAIMS)}; ${SESSION}; if [ -n "$p" ]; then ${launch('hook post-commit')}; fi`,
  },
  'post-commit': {
    // Only a mark that the commit was verified (not --no-verify): no Node.js before a commit.
    'pre-commit': `${anyOf(SHARDS_OR_CLAIMS)}; if [ -n "$p" ]; then : > logs/active/.pre-commit-ran || :; fi`,
    'post-commit': `${anyOf(`logs/active/.pre-commit-ran ${CLAIMS}`)}; ${SESSION}; if [ -n "$p" ]; then ${launch('hook post-commit --mode post-commit')}; fi`,
  },
};

/** The hooks a mode installs into. */
/** `text` as one word for a POSIX shell: as it is when it needs no quoting, else in '…'. */
export function shellWord(text: string): string {
  return /^[\w@%+=:,./-]+$/.test(text) ? text : `'${text.replaceAll("'", "'\\''")}'`;
}

export const STEP_HOOKS = ['pre-commit', 'post-commit'] as const;
export type StepHook = (typeof STEP_HOOKS)[number];

/** The mode an installed command belongs to, if it is one of ours. */
export function modeOfCommand(command: string): Mode | undefined {
  for (const mode of ['in-commit', 'post-commit'] as const) {
    // Exactly, or inside a line (the runner install writes for husky in other worktrees).
    if (Object.values(STEP_COMMANDS[mode]).some((step) => command.includes(step))) return mode;
  }
  if (command.includes('hook post-commit --mode post-commit')) return 'post-commit';
  if (command.includes('hook pre-commit') || command.includes('hook post-commit'))
    return 'in-commit';
  return undefined;
}

// What v1 installed: recognised so that install can migrate it and uninstall remove it.
const V1_FIND =
  'b=node_modules/.bin/audit-hooks; ' +
  '[ -x "$b" ] || b="$(git rev-parse --path-format=absolute --git-common-dir 2>/dev/null || :)/../node_modules/.bin/audit-hooks"; ' +
  '[ -x "$b" ] || b="$(command -v audit-hooks || :)"';
export const V1_CONSOLIDATE_COMMAND = `${V1_FIND}; if [ -n "$b" ]; then "$b" consolidate --hook; else echo "audit-hooks: warning: did not consolidate (audit-hooks not found: npm i -D audit-hooks, or npm i -g audit-hooks)" >&2; fi`;
export const V1_CHECKOUT_COMMAND = 'mkdir -p logs/active';
export const V1_MERGE_DRIVER_COMMAND = `${V1_FIND}; if [ -n "$b" ]; then "$b" merge-driver %O %A %B; else echo "audit-hooks: not found: npm i -D audit-hooks, or npm i -g audit-hooks" >&2; exit 1; fi`;
