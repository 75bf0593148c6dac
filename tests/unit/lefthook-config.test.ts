import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { addJob, type LefthookJob, removeJob, setJob } from '../../src/install/lefthook-config.js';

const job: LefthookJob = {
  hook: 'post-commit',
  name: 'audit-hooks',
  run: 'b="x"; "$b" consolidate --hook',
};

const cases: Record<string, string> = {
  empty: '',
  'comments only (lefthook postinstall sample)':
    '# EXAMPLE USAGE:\n#\n# pre-push:\n#   jobs:\n#     - run: yarn audit\n',
  'other hooks, odd spacing and comments': `# my hooks
pre-commit:
  parallel: true    # keep the spacing
  jobs:
    - name: lint
      run: npm run lint   # lint it

# push
pre-push:
  commands:
    test:
      run: npm test
`,
  'post-commit with jobs': `post-commit:
  jobs:
    - name: notify
      run: ./notify.sh   # mine
pre-commit:
  jobs:
    - run: true
`,
  'post-commit with commands, 4-space indent': `post-commit:
    commands:
        notify:
            run: ./notify.sh
`,
  'post-commit with other settings only': 'post-commit:\n  parallel: true\n',
  'no final newline': 'pre-commit:\n  jobs:\n    - run: true',
};

describe('lefthook.yml edits', () => {
  for (const [name, text] of Object.entries(cases)) {
    it(`adds the job and removes it again, byte for byte: ${name}`, () => {
      const added = addJob(text, job);
      const value = parse(added) as Record<
        string,
        { jobs?: unknown[]; commands?: Record<string, unknown> }
      >;
      const hook = value['post-commit'];
      const found =
        hook?.jobs?.some((item) => (item as { name?: string; run?: string }).run === job.run) ||
        (hook?.commands?.['audit-hooks'] as { run?: string } | undefined)?.run === job.run;
      expect(found).toBe(true);
      // Everything the user wrote is still there, in order, untouched.
      let cursor = 0;
      for (const line of text.split('\n')) {
        const at = added.indexOf(line, cursor);
        expect(at, `line ${JSON.stringify(line)} kept`).toBeGreaterThanOrEqual(0);
        cursor = at + line.length;
      }
      expect(addJob(added, job)).toBe(added);
      const removed = removeJob(added, job);
      expect(removed).toBe(text);
    });
  }

  it('refuses a file that is not valid YAML, saying where', () => {
    expect(() => addJob('pre-commit:\n  jobs: [\n', job)).toThrow(
      /^cannot parse lefthook\.yml:\d+:\d+ .*nothing was changed\)$/,
    );
  });

  it('refuses a top level that is not a mapping', () => {
    expect(() => addJob('- a\n- b\n', job)).toThrow(/the top level is not a mapping/);
  });

  // What install adds and uninstall removes: both jobs (and the chain job after a foreign
  // hook), removed in either order; every byte of the user's file comes back.
  const jobs: LefthookJob[] = [
    { hook: 'post-commit', name: 'audit-hooks: previous post-commit hook', run: 'h=1' },
    job,
    { hook: 'post-checkout', name: 'audit-hooks', run: 'mkdir -p logs/active' },
  ];
  const moreCases: Record<string, string> = {
    ...cases,
    'ends with a blank line': 'pre-commit:\n  jobs:\n    - run: true\n\n',
    'only a newline': '\n',
    CRLF: 'pre-commit:\r\n  jobs:\r\n    - run: true\r\n',
    'CRLF, no final newline': 'pre-commit:\r\n  jobs:\r\n    - run: true',
    'post-commit jobs, no final newline': 'post-commit:\n  jobs:\n    - name: n\n      run: x',
    'post-commit commands, no final newline': 'post-commit:\n  commands:\n    n:\n      run: x',
    'post-commit settings, no final newline': 'post-commit:\n  parallel: true',
  };
  for (const [name, text] of Object.entries(moreCases)) {
    for (const added of [jobs.slice(1), jobs]) {
      it(`removes ${added.length} jobs in either order, byte for byte: ${name}`, () => {
        const full = added.reduce((acc, each) => addJob(acc, each), text);
        if (text.includes('\r\n')) expect(full.replaceAll('\r\n', '')).not.toContain('\n');
        expect(full.endsWith('\n')).toBe(text === '' || text.endsWith('\n'));
        expect([...added].reverse().reduce((acc, each) => removeJob(acc, each), full)).toBe(text);
        expect(added.reduce((acc, each) => removeJob(acc, each), full)).toBe(text);
      });
    }
  }

  it('leaves a file without the job unchanged on removal', () => {
    const text = 'pre-commit:\n  jobs:\n    - run: true\n';
    expect(removeJob(text, job)).toBe(text);
  });

  for (const [name, text] of Object.entries(cases)) {
    it(`sets another run in place, and back to the same bytes: ${name}`, () => {
      const added = addJob(text, job);
      const other = { ...job, run: 'b="y"; "$b" hook post-commit --mode post-commit' };
      const switched = setJob(added, other);
      expect(switched.split('\n')).toHaveLength(added.split('\n').length);
      expect(switched).toContain(`'${other.run.replaceAll("'", "''")}'`);
      expect(setJob(switched, job)).toBe(added);
    });
  }
});
