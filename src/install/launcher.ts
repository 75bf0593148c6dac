// The shell line every hook runs. It finds audit-hooks without npx (which costs ~300 ms
// per commit): in this worktree's node_modules, then the main worktree's (a linked
// worktree often has none), then on PATH (a global install for a non-Node repo).

// `|| :` inside each `$(…)`: husky runs hook files with `sh -e`, where a failing
// assignment at the end of an `||` list would end the hook before it could say anything.
export const FIND =
  'b=node_modules/.bin/audit-hooks; ' +
  '[ -x "$b" ] || b="$(git rev-parse --path-format=absolute --git-common-dir 2>/dev/null || :)/../node_modules/.bin/audit-hooks"; ' +
  '[ -x "$b" ] || b="$(command -v audit-hooks || :)"';

/** The consolidation command of the post-commit hook: never fails the commit, but says so. */
export const CONSOLIDATE_COMMAND = `${FIND}; if [ -n "$b" ]; then "$b" consolidate --hook; else echo "audit-hooks: warning: did not consolidate (audit-hooks not found: npm i -D audit-hooks, or npm i -g audit-hooks)" >&2; fi`;

/** The post-checkout command: a new worktree gets its shard folder without node. */
export const CHECKOUT_COMMAND = 'mkdir -p logs/active';

/** The merge driver command; if audit-hooks is missing, git must report a conflict. */
export const MERGE_DRIVER_COMMAND = `${FIND}; if [ -n "$b" ]; then "$b" merge-driver %O %A %B; else echo "audit-hooks: not found: npm i -D audit-hooks, or npm i -g audit-hooks" >&2; exit 1; fi`;
