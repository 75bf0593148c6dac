// Every line audit-hooks prints for people lives here: one prefix, and each message
// says what to do next.

export const PREFIX = 'audit-hooks:';

export const USAGE = 'Usage: audit-hooks <command> [options] (see audit-hooks --help)';

export const noCommand = `${PREFIX} no command given`;

export const unknownCommand = (name: string) => `${PREFIX} unknown command \`${name}\``;

export const failed = (message: string) => `${PREFIX} ${message}`;

export const logNeedsEntry =
  'no entry given: pass one JSON object as an argument, or pipe it on stdin';

export const invalidJson = (detail: string) =>
  `the entry is not valid JSON (${detail}); pass one JSON object, e.g. '{"event":"run","command":"npm test"}'`;

export const optionNeedsValue = (option: string) => `option --${option} needs a value`;
