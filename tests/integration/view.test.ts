// `audit-hooks view` from the command line: what it writes, where, what it prints, and
// when it opens a browser. (What the page does is in tests/browser/view.test.ts.)
import { spawnSync } from 'node:child_process';
import {
  chmodSync,
  existsSync,
  mkdirSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { afterEach, describe, expect, it } from 'vitest';
import type { ViewData } from '../../src/view/view-data.js';
import { BIN, makeRepo, runCli, type TempRepo, tempDir, testEnv } from '../helpers/git-repo.js';
import { FAKE_TOKEN, HOSTILE, makeViewFixture, type ViewFixture } from '../helpers/view-fixture.js';

let fixture: ViewFixture | undefined;
let repo: TempRepo | undefined;
afterEach(() => {
  fixture?.repo.cleanup();
  repo?.cleanup();
  fixture = undefined;
  repo = undefined;
});

/** The data and lines a written page carries. */
function readPage(file: string): { html: string; data: ViewData; lines: string[] } {
  const html = readFileSync(file, 'utf8');
  const json = (id: string) => {
    const match = new RegExp(`<script type="application/json" id="${id}">([^<]*)</script>`).exec(
      html,
    );
    if (match === null) throw new Error(`no #${id} in ${file}`);
    return JSON.parse(match[1] as string);
  };
  const data = json('audit-data') as ViewData;
  const packed = /<script type="application\/gzip;base64" id="audit-lines">([^<]*)<\/script>/.exec(
    html,
  )?.[1];
  if (packed === undefined) throw new Error(`no #audit-lines in ${file}`);
  const text = gunzipSync(Buffer.from(packed, 'base64')).toString('utf8');
  return { html, data, lines: data.dt.length === 0 ? [] : text.split('\n') };
}

/** A folder with a fake `xdg-open` that writes what it was given to `opened.txt`. */
function fakeOpener(): { bin: string; opened: string } {
  const bin = tempDir();
  const opened = join(bin, 'opened.txt');
  writeFileSync(join(bin, 'xdg-open'), `#!/bin/sh\nprintf '%s\\n' "$@" > '${opened}'\n`);
  chmodSync(join(bin, 'xdg-open'), 0o755);
  return { bin, opened };
}

async function waitForFile(path: string): Promise<string> {
  for (let i = 0; i < 100 && !existsSync(path); i++) await new Promise((r) => setTimeout(r, 50));
  return readFileSync(path, 'utf8');
}

describe('audit-hooks view', () => {
  it('writes logs/view/index.html, which git ignores, and prints its path', () => {
    fixture = makeViewFixture();
    const { root } = fixture.repo;

    const run = fixture.repo.cli(['view', '--no-open']);

    const file = join(root, 'logs', 'view', 'index.html');
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
    expect(run.stdout).toBe(
      `audit-hooks: wrote the timeline of 18 entries (4 sessions, 3 commits) to ${file}\n`,
    );
    expect(readFileSync(join(root, 'logs', 'view', '.gitignore'), 'utf8')).toBe('*\n');
    // Nothing to commit, even with everything added by force of habit.
    fixture.repo.git('add', '-A');
    expect(fixture.repo.git('status', '--porcelain')).toBe('');
    expect(readPage(file).data.sessions.map((session) => session.id)).toEqual([
      'claude-a1',
      'claude-b2',
      'codex-c3',
      'person-d4',
    ]);
  });

  it('carries every entry as stored, live ones redacted, and links each commit to its entries', () => {
    fixture = makeViewFixture();
    const file = join(tempDir(), 'page.html');
    const run = fixture.repo.cli(['view', '--no-open', '--out', file]);
    expect(run.status).toBe(0);

    const { data, lines } = readPage(file);
    const ids = lines.map((line) => (JSON.parse(line) as { id: string }).id);
    expect(ids).toEqual(fixture.entries.map((entry) => entry.id));
    for (const [i, id] of ids.entries()) {
      if (id === fixture.live[0]) {
        expect(lines[i]).not.toContain(FAKE_TOKEN);
        expect(lines[i]).toContain('[REDACTED:');
      } else {
        expect(lines[i]).toBe(fixture.lines.get(id)); // byte for byte
      }
    }
    const linked = Object.fromEntries(
      data.commits.map((commit) => [commit.subject, commit.entries.map((i) => ids[i]).sort()]),
    );
    expect(linked).toEqual(
      Object.fromEntries(
        [...fixture.commits].map(([subject, commit]) => [subject, [...commit.ids].sort()]),
      ),
    );
    expect(data.commits.map((commit) => commit.sha)).toEqual(
      ['initial', 'Add the parser', 'Fix the lexer'].map((s) => fixture?.commits.get(s)?.sha),
    );
    // The agent's commit event names the branch.
    expect(data.commits.find((commit) => commit.subject === 'Add the parser')?.branch).toBe('main');
  });

  it('reads a committed batch that is missing from the worktree (sparse checkout) from git', () => {
    fixture = makeViewFixture();
    const batch = fixture.repo
      .git('ls-files', 'logs/history/2026-11-24/')
      .split('\n')
      .find((path) => path.includes('a1b2c3d4')) as string;
    rmSync(join(fixture.repo.root, batch));
    const out = join(tempDir(), 'page.html');

    const run = fixture.repo.cli(['view', '--no-open', '--out', out]);

    expect(run.stderr).toBe('');
    expect(run.stdout).toContain('timeline of 18 entries (4 sessions, 3 commits)');
    const { data, lines } = readPage(out);
    const parser = data.commits.find((commit) => commit.subject === 'Add the parser');
    expect(parser?.entries.map((i) => JSON.parse(lines[i] as string).id).sort()).toEqual(
      [...(fixture.commits.get('Add the parser')?.ids ?? [])].sort(),
    );
  });

  it('embeds hostile values so that no data can close its element or the page', () => {
    fixture = makeViewFixture();
    const file = join(tempDir(), 'page.html');
    expect(fixture.repo.cli(['view', '--no-open', '--out', file]).status).toBe(0);

    const { html, lines } = readPage(file);
    expect(html.match(/<\/script/gi)).toHaveLength(3); // the page's own three elements
    expect(html.match(/<script/gi)).toHaveLength(3);
    expect(html).not.toContain('<img');
    expect(html).not.toContain('<!--');
    expect(lines.some((line) => JSON.parse(line).tool === HOSTILE)).toBe(true); // all there
    const csp = /http-equiv="Content-Security-Policy" content="([^"]*)"/.exec(html)?.[1];
    expect(csp).toMatch(/^default-src 'none'; script-src 'sha256-[^']+'; style-src 'sha256-/);
  });

  it('--session and --since narrow what is shown', () => {
    fixture = makeViewFixture();
    const out = join(tempDir(), 'page.html');
    const session = fixture.repo.cli(['view', '--no-open', '--out', out, '--session', 'codex-c3']);
    expect(session.stdout).toContain('timeline of 3 entries (1 session, 1 commit)');
    expect(readPage(out).data.sessions.map((s) => s.id)).toEqual(['codex-c3']);

    const since = fixture.repo.cli([
      'view',
      '--no-open',
      '--out',
      out,
      '--since',
      '2026-11-24T10:15:00Z',
    ]);
    const later = fixture.entries.filter((e) => e.timestamp >= '2026-11-24T10:15:00Z');
    expect(since.stdout).toContain(`timeline of ${later.length} entries`);
    expect(readPage(out).lines.length).toBe(later.length);
  });

  it('--all shows the live entries of every worktree, each session under its worktree', () => {
    repo = makeRepo();
    const linked = join(tempDir(), 'agent-b');
    repo.git('worktree', 'add', '-q', '-b', 'agent-b', linked);
    expect(repo.cli(['log', '--session', 'main-s', '{"event":"here"}']).status).toBe(0);
    expect(
      repo.cli(['log', '--session', 'wt-s', '{"event":"there"}'], { cwd: linked }).status,
    ).toBe(0);
    const out = join(tempDir(), 'page.html');

    expect(repo.cli(['view', '--no-open', '--out', out]).status).toBe(0);
    expect(readPage(out).data.sessions.map((lane) => lane.id)).toEqual(['main-s']);

    expect(repo.cli(['view', '--all', '--no-open', '--out', out]).status).toBe(0);
    const { data } = readPage(out);
    expect(data.worktrees.map((worktree) => worktree.path)).toEqual([repo.root, linked]);
    const lanes = data.sessions.map((lane) => [lane.id, data.worktrees[lane.worktree]?.path]);
    expect(lanes).toEqual([
      ['main-s', repo.root],
      ['wt-s', linked],
    ]);
  });

  it('writes an empty page when nothing was logged', () => {
    repo = makeRepo();
    const out = join(tempDir(), 'page.html');
    const run = repo.cli(['view', '--all', '--no-open', '--out', out]);
    expect(run.status).toBe(0);
    expect(run.stdout).toContain('timeline of 0 entries (0 sessions, 0 commits)');
    expect(run.stderr).toContain('no entries to show yet');
    expect(readPage(out).lines).toEqual([]);
  });

  it('--out is relative to the folder it runs in', () => {
    fixture = makeViewFixture();
    const sub = join(fixture.repo.root, 'src');
    mkdirSync(sub);
    const run = fixture.repo.cli(['view', '--no-open', '--out', 'trail.html'], { cwd: sub });
    expect(run.status).toBe(0);
    expect(run.stdout).toContain(`to ${join(sub, 'trail.html')}`);
    expect(existsSync(join(sub, 'trail.html'))).toBe(true);
  });

  it('opens the page with xdg-open where there is a display, detached', async () => {
    fixture = makeViewFixture();
    const { bin, opened } = fakeOpener();
    const run = fixture.repo.cli(['view'], {
      env: { PATH: `${bin}:${process.env.PATH}`, DISPLAY: ':0', WAYLAND_DISPLAY: '' },
    });
    expect(run.status).toBe(0);
    expect(run.stderr).toBe('');
    const file = join(fixture.repo.root, 'logs', 'view', 'index.html');
    expect(await waitForFile(opened)).toBe(`${file}\n`);
  });

  it('prints the path instead where there is no display, and never opens with --no-open', () => {
    fixture = makeViewFixture();
    const { bin, opened } = fakeOpener();
    const env = { PATH: `${bin}:${process.env.PATH}`, DISPLAY: '', WAYLAND_DISPLAY: '' };
    const headless = fixture.repo.cli(['view'], { env });
    expect(headless.status).toBe(0);
    expect(headless.stdout).toContain(join(fixture.repo.root, 'logs', 'view', 'index.html'));
    expect(headless.stderr).toContain('no display to open a browser on');

    const quiet = fixture.repo.cli(['view', '--no-open'], { env: { ...env, DISPLAY: ':0' } });
    expect(quiet.status).toBe(0);
    expect(quiet.stderr).toBe('');
    expect(existsSync(opened)).toBe(false);
  });

  it('warns, and still succeeds, when the browser cannot be started', () => {
    fixture = makeViewFixture();
    // A PATH with git on it and nothing else, so there is no xdg-open to start.
    const bin = tempDir();
    const git = spawnSync('sh', ['-c', 'command -v git'], { encoding: 'utf8' }).stdout.trim();
    symlinkSync(git, join(bin, 'git'));
    const run = spawnSync(process.execPath, [BIN, 'view'], {
      cwd: fixture.repo.root,
      encoding: 'utf8',
      env: { ...testEnv(), PATH: bin, DISPLAY: ':0' },
    });
    expect(run.stderr).toBe(
      'audit-hooks: warning: could not start the browser (xdg-open: ENOENT): open the file above yourself\n',
    );
    expect(run.status).toBe(0);
    expect(existsSync(join(fixture.repo.root, 'logs', 'view', 'index.html'))).toBe(true);
  });

  it('refuses a bad --since, a folder that is not there, a link for logs/view, and no repository', () => {
    fixture = makeViewFixture();
    const since = fixture.repo.cli(['view', '--no-open', '--since', 'yesterday-ish']);
    expect(since.status).toBe(2);
    expect(since.stderr).toMatch(/^audit-hooks: --since "yesterday-ish" is not a time: /);

    const missing = fixture.repo.cli(['view', '--no-open', '--out', 'no/such/folder/v.html']);
    expect(missing.status).toBe(1);
    expect(missing.stderr).toBe(
      `audit-hooks: cannot write ${join(fixture.repo.root, 'no/such/folder/v.html')} (ENOENT): give --out a file in a folder that exists and that you can write\n`,
    );

    const elsewhere = tempDir();
    symlinkSync(elsewhere, join(fixture.repo.root, 'logs', 'view'));
    const linked = fixture.repo.cli(['view', '--no-open']);
    expect(linked.status).toBe(1);
    expect(linked.stderr).toContain('logs/view is not a folder or file of audit-hooks');
    expect(existsSync(join(elsewhere, 'index.html'))).toBe(false);
    rmSync(join(fixture.repo.root, 'logs', 'view'));

    const outside = runCli(['view', '--no-open'], { cwd: tempDir() });
    expect(outside.status).toBe(1);
    expect(outside.stderr).toMatch(/^audit-hooks: Not in a git repository/);
  });
});
