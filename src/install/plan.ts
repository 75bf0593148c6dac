// What every part of the installer plans with: the repository, the choice made, and the
// list of actions (applied only once everything is planned, so --dry-run shows exactly it).
import type { Mode } from '../history/consolidate.js';
import type { Action } from './actions.js';
import type { Repo } from './repo.js';

/** The hook runners audit-hooks can install into. */
export type Manager = 'lefthook' | 'husky' | 'git';
export const MANAGERS: readonly Manager[] = ['lefthook', 'husky', 'git'];

/** One install (or uninstall) being planned. */
export interface Plan {
  repo: Repo;
  manager: Manager;
  mode: Mode;
  actions: Action[];
  /** What install found and did about it, printed after the actions (one line each). */
  notes: string[];
  /** `path` as the user reads it, with what happens to it. */
  say(path: string, what: string): string;
}

/** The job name audit-hooks uses in lefthook (the same in every hook). */
export const JOB_NAME = 'audit-hooks';
