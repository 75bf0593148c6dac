// The library: everything the CLI does, as functions that return results or throw.
export * from './writer/index.js';
