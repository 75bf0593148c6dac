// A configured pattern runs on every string of every entry at commit time, on text an
// agent logged (a web page, a tool's output: anything). One that backtracks
// catastrophically would hang the commit: `itk_([a-z]+)+_END` takes seconds on 25
// characters, and even `[a-z]+_END` takes minutes on a 1 MB run of letters, because every
// start position tries it again. JavaScript cannot interrupt a running regular
// expression, so such a pattern is refused when the configuration is loaded (SPEC §12).
//
// The check is scslre's static analysis (the one behind eslint-plugin-regexp's
// no-super-linear-backtracking): exponential and polynomial backtracking, including the
// quadratic cost of a pattern that can start a match anywhere in a long run. It is loaded
// only when a configuration has patterns; see "Dependencies" in the README for the choice.
import { createRequire } from 'node:module';
import type { analyse as Analyse } from 'scslre';

let analyse: typeof Analyse | undefined;

/**
 * Why `source` (with `flags`) can take super-linear time on some input, as one clause
 * saying what to do, or undefined when it cannot.
 */
export function backtrackingProblem(source: string, flags: string): string | undefined {
  analyse ??= (createRequire(import.meta.url)('scslre') as { analyse: typeof Analyse }).analyse;
  let reports: ReturnType<typeof Analyse>['reports'];
  try {
    reports = analyse({ source, flags: flags.replace(/[gy]/g, '') }).reports;
  } catch (error) {
    return `cannot be checked for catastrophic backtracking (${(error as Error).message}); write it without that construct`;
  }
  const report = reports.find((item) => item.exponential) ?? reports[0];
  if (report === undefined) return undefined;
  const run = `a long run of ${JSON.stringify(report.character.pick)}`;
  const fixed = report.fix();
  const hint = fixed === undefined ? '' : ` (for example /${fixed.source}/)`;
  if (report.exponential) {
    return `can backtrack catastrophically: ${run} takes exponential time, because a repeat can match the same text in more than one way (like ([a-z]+)+); rewrite it so that each character can be matched only one way${hint}`;
  }
  if (report.type === 'Move') {
    return `can backtrack catastrophically: ${run} takes quadratic time, because a match can start at each of its characters; start the pattern with fixed text or a lookbehind such as (?<![a-z])`;
  }
  return `can backtrack catastrophically: ${run} takes polynomial time, because two repeats can both match it; make adjacent repeats match different characters${hint}`;
}
