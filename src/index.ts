// The library: everything the CLI does, as functions that return results or throw.

export {
  type Action,
  type InstallOptions,
  type InstallResult,
  install,
  type Manager,
  uninstall,
} from '../install.js';
export {
  type ConsolidateOptions,
  type ConsolidateResult,
  consolidate,
  type QuarantinedLine,
} from './history/consolidate.js';
export { mergeHistory } from './history/merge.js';
export * from './writer/index.js';
