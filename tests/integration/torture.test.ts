// The torture suite (bench/torture.mjs) at its reduced size, as part of `npm test`: load,
// faults and hostile input against the built CLI, library and writer, in real processes on
// real files, with real git commits through installed hooks (and real full or read-only
// filesystems and PID namespaces where this machine allows them). Any entry lost, altered
// or in the history twice, anything left behind or not committed, or any unclear message
// fails the group that found it, naming the case. The full size (`npm run torture`) reports
// the figures in docs/RELIABILITY.md.
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { captureOutput, ROOT, testEnv } from '../helpers/git-repo.js';

interface TortureCase {
  group: string;
  name: string;
  lost: number;
  altered: number;
  failures: string[];
}

interface TortureReport {
  size: string;
  cases: TortureCase[];
}

/** Runs one group of the suite in its own process; resolves to its JSON report. */
async function torture(group: string): Promise<{ report: TortureReport; code: number | null }> {
  const child = spawn(
    process.execPath,
    [join(ROOT, 'bench', 'torture.mjs'), '--only', group, '--json'],
    { env: testEnv({ TORTURE_SIZE: 'ci' }), stdio: ['ignore', 'pipe', 'pipe'] },
  );
  const { code, stdout, stderr } = await captureOutput(child).closed;
  try {
    return { report: JSON.parse(stdout) as TortureReport, code };
  } catch {
    throw new Error(`torture ${group} printed no report (exit ${code}):\n${stderr}`);
  }
}

describe('torture suite, reduced size (TORTURE_SIZE=ci)', () => {
  for (const group of ['load', 'faults', 'hostile']) {
    it(`${group}: nothing lost, nothing altered, nothing left behind`, async () => {
      const { report, code } = await torture(group);

      expect(report.size).toBe('ci');
      expect(report.cases.length).toBeGreaterThan(0);
      for (const item of report.cases) {
        expect({
          case: `${item.group}/${item.name}`,
          lost: item.lost,
          altered: item.altered,
          failures: item.failures,
        }).toEqual({ case: `${item.group}/${item.name}`, lost: 0, altered: 0, failures: [] });
      }
      expect(code).toBe(0);
    }, 600_000);
  }
});
