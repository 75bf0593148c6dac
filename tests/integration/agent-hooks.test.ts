// Every agent integration as its tool runs it: `install --agent` writes the tool's hook
// configuration (checked against the tool's published schema), then each configured
// command runs in `sh -c` with the tool's fixture payload on stdin and the tool's
// environment, from a linked worktree that has no node_modules of its own. The entries
// must come out in the common schema, in the tool's session, with no local path in them.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Ajv } from 'ajv';
import { afterEach, describe, expect, it } from 'vitest';
import { recordCommitEvent } from '../../src/agents/commit-event.js';
import { agentNamed } from '../../src/agents/index.js';
import type { AgentSpec } from '../../src/agents/types.js';
import { applyActions } from '../../src/install/actions.js';
import { agentMarker, planAgentInstall, planAgentUninstall } from '../../src/install/agents.js';
import { ROOT, readJsonl, shardFiles } from '../helpers/git-repo.js';
import {
  gitIn,
  hookEnv,
  linkBin,
  makeWorktreeRepo,
  removeScratch,
  scratchDir,
} from '../helpers/install.js';

afterEach(removeScratch);

const FIXTURES = join(ROOT, 'tests', 'fixtures', 'agents');
const say = (path: string, what: string) => `${path}: ${what}`;

/** How each tool runs its hooks: the variables it sets and the folder it runs them in. */
const TOOLS: Record<
  string,
  { env(worktree: string): NodeJS.ProcessEnv; cwd(worktree: string): string; session: string }
> = {
  'claude-code': {
    env: (worktree) => ({ CLAUDE_PROJECT_DIR: worktree }),
    cwd: (worktree) => join(worktree, 'src'), // hooks may run in a subfolder: the command cds
    session: '5f1c0a7e-3b2d-4e8f-9a6b-1c2d3e4f5a6b',
  },
  codex: {
    env: () => ({}),
    cwd: (worktree) => join(worktree, 'src'), // "the session cwd"
    session: '019a2f4e-7c1d-7b20-9a55-3e8d1f0c2b6a',
  },
  gemini: {
    env: (worktree) => ({
      GEMINI_PROJECT_DIR: worktree,
      GEMINI_SESSION_ID: 'b7e3c2a1-4d5f-4e6a-8b9c-0d1e2f3a4b5c',
    }),
    cwd: (worktree) => worktree,
    session: 'b7e3c2a1-4d5f-4e6a-8b9c-0d1e2f3a4b5c',
  },
  cursor: {
    env: () => ({ CURSOR_VERSION: '2.1.0' }),
    cwd: (worktree) => worktree, // project hooks run from the project root
    session: '3f9a2b1c-5d6e-4f70-8a9b-c0d1e2f3a4b5',
  },
  copilot: {
    env: () => ({}),
    cwd: (worktree) => worktree, // the configured "cwd": "." is the repository root
    session: 'c0p1l0t-5e55-4a1b-9c2d-3e4f5a6b7c8d',
  },
};

const SCHEMAS: Record<string, string> = {
  'claude-code': 'claude-code-hooks.json',
  codex: 'codex-hooks.json',
  gemini: 'gemini-hooks.json',
  cursor: 'cursor-hooks.json',
  copilot: 'copilot-hooks.json',
};

function schema(name: string): object {
  return JSON.parse(readFileSync(join(FIXTURES, 'schemas', name), 'utf8')) as object;
}

function fixture(agent: string, event: string, worktree: string, home: string): string {
  return readFileSync(join(FIXTURES, agent, `${event}.json`), 'utf8')
    .replaceAll('__ROOT__', worktree)
    .replaceAll('__HOME__', home);
}

/** The configured command of `spec` for `native`, read back from the installed file. */
function configuredCommand(spec: AgentSpec, worktree: string, native: string): string {
  const config = JSON.parse(readFileSync(join(worktree, spec.configFile), 'utf8')) as {
    hooks: Record<string, Array<Record<string, unknown>>>;
  };
  const entries = config.hooks[native] ?? [];
  for (const entry of entries) {
    const handlers = (entry.hooks as Array<Record<string, unknown>> | undefined) ?? [entry];
    for (const handler of handlers) {
      const command = (handler.command ?? handler.bash) as string | undefined;
      if (command?.includes(agentMarker(spec.name))) return command;
    }
  }
  throw new Error(`no audit-hooks command for ${native} in ${spec.configFile}`);
}

function setUp() {
  const repo = makeWorktreeRepo({ linked: 1 });
  linkBin(repo.root); // only the main worktree has node_modules
  const worktree = repo.worktrees[1] as string;
  mkdirSync(join(worktree, 'src'));
  const home = scratchDir('audit-hooks-home-');
  return { repo, worktree, home };
}

describe.each(Object.keys(TOOLS))('%s', (agent) => {
  const spec = agentNamed(agent) as AgentSpec;
  const tool = TOOLS[agent] as (typeof TOOLS)[string];

  it('writes a configuration the tool’s schema accepts, with one hook per event', () => {
    const { worktree } = setUp();
    applyActions(planAgentInstall(worktree, [agent], say));
    const config = JSON.parse(readFileSync(join(worktree, spec.configFile), 'utf8'));
    const validate = new Ajv({ strict: false }).compile(schema(SCHEMAS[agent] as string));
    expect(validate.errors ?? validate(config)).toBe(true);
    for (const event of spec.events)
      expect(configuredCommand(spec, worktree, event.native)).toContain('log --hook');
  });

  it('runs each configured command as the tool does and records the common schema', () => {
    const { worktree, home, repo } = setUp();
    applyActions(planAgentInstall(worktree, [agent], say));
    const events = readdirSync(join(FIXTURES, agent)).map((name) => name.replace(/\.json$/, ''));
    for (const native of events) {
      const result = spawnSync('sh', ['-c', configuredCommand(spec, worktree, native)], {
        cwd: tool.cwd(worktree),
        env: { ...hookEnv(), HOME: home, ...tool.env(worktree) },
        input: fixture(agent, native, worktree, home),
        encoding: 'utf8',
      });
      expect({
        native,
        stdout: result.stdout,
        stderr: result.stderr,
        status: result.status,
      }).toEqual({
        native,
        stdout: '',
        stderr: '',
        status: 0,
      });
    }

    expect(shardFiles(repo.root)).toEqual([]);
    const shards = shardFiles(worktree);
    expect(shards).toHaveLength(1);
    const raw = readFileSync(shards[0] as string, 'utf8');
    expect(raw).not.toContain(worktree); // cwd relative, paths made relative
    expect(raw).not.toContain(home); // transcript paths dropped, home folders replaced
    const entries = readJsonl(shards[0] as string);
    expect(entries.map((entry) => entry.native_event)).toEqual(events);
    expect(entries.map((entry) => entry.seq)).toEqual(events.map((_, index) => index + 1));
    for (const entry of entries) {
      expect(entry).toMatchObject({ agent, session_id: tool.session });
      const known = spec.events.find((event) => event.native === entry.native_event);
      expect(entry.event).toBe(known?.event);
      if (entry.cwd !== undefined) expect(entry.cwd).not.toMatch(/^\//);
    }
    const byEvent = (name: string) => entries.find((entry) => entry.event === name);
    expect(byEvent('tool_call')).toMatchObject({
      tool: expect.any(String),
      input: expect.any(Object),
    });
    expect(byEvent('tool_result')).toMatchObject({
      tool: expect.any(String),
      output: expect.anything(),
    });
    expect(byEvent('prompt')).toMatchObject({ input: expect.any(String) });
  });
});

describe('what each tool’s entries say', () => {
  function run(agent: string, native: string, setup = setUp()) {
    const spec = agentNamed(agent) as AgentSpec;
    const tool = TOOLS[agent] as (typeof TOOLS)[string];
    if (!readdirSync(setup.worktree).some((name) => name === spec.configFile.split('/')[0])) {
      applyActions(planAgentInstall(setup.worktree, [agent], say));
    }
    const result = spawnSync('sh', ['-c', configuredCommand(spec, setup.worktree, native)], {
      cwd: tool.cwd(setup.worktree),
      env: { ...hookEnv(), HOME: setup.home, ...tool.env(setup.worktree) },
      input: fixture(agent, native, setup.worktree, setup.home),
      encoding: 'utf8',
    });
    expect(result.status).toBe(0);
    return { ...setup, entries: shardFiles(setup.worktree).flatMap((file) => readJsonl(file)) };
  }

  it('Claude Code: a Read keeps its input and output, relative paths, ids, details', () => {
    const { entries } = run('claude-code', 'PostToolUse');
    expect(entries[0]).toMatchObject({
      agent: 'claude-code',
      event: 'tool_result',
      native_event: 'PostToolUse',
      tool: 'Read',
      tool_call_id: 'toolu_01DEF456',
      cwd: 'src',
      input: { file_path: './src/app.ts' },
      output: { file: { filePath: './src/app.ts', content: 'export const answer = 42;\n' } },
      details: { permission_mode: 'default' },
    });
    expect(entries[0]).not.toHaveProperty('transcript_path');
  });

  it('Codex: turn ids and the model are kept; a permission request is a request, no decision', () => {
    const { entries } = run('codex', 'PermissionRequest');
    expect(entries[0]).toMatchObject({
      agent: 'codex',
      event: 'permission_request',
      tool: 'Bash',
      turn_id: 'turn-1',
      model: 'gpt-5-codex',
      input: { command: 'git push', description: 'Push the branch' },
    });
    expect(JSON.stringify(entries[0])).not.toMatch(/decision|allow|deny/);
  });

  it('Copilot: the command names the event; toolArgs JSON text becomes the input object', () => {
    const { entries } = run('copilot', 'preToolUse');
    expect(entries[0]).toMatchObject({
      agent: 'copilot',
      event: 'tool_call',
      native_event: 'preToolUse',
      tool: 'bash',
      input: { command: 'npm test', description: 'Run tests' },
    });
  });

  it('Cursor: the conversation is the session, the generation the turn', () => {
    const { entries } = run('cursor', 'postToolUseFailure');
    expect(entries[0]).toMatchObject({
      agent: 'cursor',
      event: 'tool_error',
      session_id: '3f9a2b1c-5d6e-4f70-8a9b-c0d1e2f3a4b5',
      turn_id: 'gen-8c1d',
      error: 'exit code 1',
      cwd: '.',
    });
    expect(entries[0]).not.toHaveProperty('details.workspace_roots');
    expect(entries[0]).not.toHaveProperty('details.user_email');
  });

  it('Gemini CLI: the final answer of a turn is the stop entry’s output', () => {
    const { entries } = run('gemini', 'AfterAgent');
    expect(entries[0]).toMatchObject({
      event: 'stop',
      output: 'Fixed: the token check compared the wrong field.',
    });
  });
});

describe('the Codex fixtures are what Codex sends', () => {
  it.each([
    ['PreToolUse', 'pre-tool-use'],
    ['PostToolUse', 'post-tool-use'],
    ['UserPromptSubmit', 'user-prompt-submit'],
    ['Stop', 'stop'],
    ['PermissionRequest', 'permission-request'],
  ])('%s validates against codex-rs/hooks/schema/generated/%s', (event, name) => {
    const validate = new Ajv({ strict: false }).compile(schema(`codex-input/${name}.json`));
    const payload = JSON.parse(fixture('codex', event, '/repo', '/home/dev'));
    expect(validate(payload) ? true : validate.errors).toBe(true);
  });
});

describe('commits know their session (SPEC §15)', () => {
  it.each([
    ['claude-code', 'CLAUDE_ENV_FILE'],
    ['codex', 'CODEX_ENV_FILE'],
  ])(
    '%s: the session-start hook exports AUDIT_HOOKS_SESSION through %s; a commit joins the session',
    (agent, variable) => {
      const setup = setUp();
      const spec = agentNamed(agent) as AgentSpec;
      const tool = TOOLS[agent] as (typeof TOOLS)[string];
      applyActions(planAgentInstall(setup.worktree, [agent], say));
      const envFile = join(setup.home, 'session.env');
      const result = spawnSync(
        'sh',
        ['-c', configuredCommand(spec, setup.worktree, 'SessionStart')],
        {
          cwd: setup.worktree,
          env: { ...hookEnv(), HOME: setup.home, ...tool.env(setup.worktree), [variable]: envFile },
          input: fixture(agent, 'SessionStart', setup.worktree, setup.home),
          encoding: 'utf8',
        },
      );
      expect(result.status).toBe(0);
      const exported = readFileSync(envFile, 'utf8');
      expect(exported).toBe(
        `export AUDIT_HOOKS_SESSION=${tool.session}\nexport AUDIT_HOOKS_AGENT=${agent}\n`,
      );

      // What the agent's shell then has: the variables, and a commit made with them.
      writeFileSync(join(setup.worktree, 'feature.txt'), 'new\n');
      gitIn(setup.worktree, ['add', 'feature.txt']);
      gitIn(setup.worktree, ['commit', '-q', '-m', 'Add the feature']);
      const entry = recordCommitEvent({ cwd: setup.worktree, sessionId: tool.session, agent });
      const sha = gitIn(setup.worktree, ['rev-parse', 'HEAD']).trim();
      expect(entry).toMatchObject({
        event: 'commit',
        sha,
        branch: 'wt1',
        subject: 'Add the feature',
        agent,
      });
      const session = shardFiles(setup.worktree).flatMap((file) => readJsonl(file));
      expect(session.map((e) => e.event)).toEqual(['session_start', 'commit']);
      expect(session.map((e) => e.session_id)).toEqual([tool.session, tool.session]);
      expect(session.map((e) => e.seq)).toEqual([1, 2]);
    },
  );

  it('tools without such a channel export nothing and still record the session start', () => {
    const { entries } = (() => {
      const setup = setUp();
      applyActions(planAgentInstall(setup.worktree, ['gemini'], say));
      const result = spawnSync(
        'sh',
        [
          '-c',
          configuredCommand(agentNamed('gemini') as AgentSpec, setup.worktree, 'SessionStart'),
        ],
        {
          cwd: setup.worktree,
          env: { ...hookEnv(), HOME: setup.home, CLAUDE_ENV_FILE: join(setup.home, 'x.env') },
          input: fixture('gemini', 'SessionStart', setup.worktree, setup.home),
          encoding: 'utf8',
        },
      );
      expect(result.status).toBe(0);
      expect(readdirSync(setup.home)).toEqual([]);
      return { entries: shardFiles(setup.worktree).flatMap((file) => readJsonl(file)) };
    })();
    expect(entries).toMatchObject([{ agent: 'gemini', event: 'session_start' }]);
  });
});

describe('Cursor runs the hooks of .claude/settings.json too: each moment is recorded once', () => {
  function claudeHookUnderCursor(setup: ReturnType<typeof setUp>) {
    const claude = agentNamed('claude-code') as AgentSpec;
    return spawnSync('sh', ['-c', configuredCommand(claude, setup.worktree, 'PreToolUse')], {
      cwd: setup.worktree,
      env: {
        ...hookEnv(),
        HOME: setup.home,
        CLAUDE_PROJECT_DIR: setup.worktree,
        CURSOR_VERSION: '2.1.0',
      },
      input: fixture('claude-code', 'PreToolUse', setup.worktree, setup.home),
      encoding: 'utf8',
    });
  }

  it('with both wired, the Claude Code hook run by Cursor records nothing (Cursor’s own does)', () => {
    const setup = setUp();
    applyActions(planAgentInstall(setup.worktree, ['claude-code', 'cursor'], say));
    const result = claudeHookUnderCursor(setup);
    expect([result.status, result.stdout, result.stderr]).toEqual([0, '', '']);
    expect(shardFiles(setup.worktree)).toEqual([]);
  });

  it('with only Claude Code wired, Cursor’s call is recorded once, as cursor', () => {
    const setup = setUp();
    applyActions(planAgentInstall(setup.worktree, ['claude-code'], say));
    expect(claudeHookUnderCursor(setup).status).toBe(0);
    const entries = shardFiles(setup.worktree).flatMap((file) => readJsonl(file));
    expect(entries).toMatchObject([{ agent: 'cursor', event: 'tool_call', tool: 'Bash' }]);
    applyActions(planAgentUninstall(setup.worktree, say));
  });
});

describe('audit-hooks install --agent (until install() plans agents itself)', () => {
  it('wires the agents in the worktree install runs in (others get it by merging), prints the steps by hand, and uninstall gives the files back', () => {
    const repo = makeWorktreeRepo({ linked: 1 });
    linkBin(repo.root);
    const user = '{\n  "model": "opus"\n}\n';
    mkdirSync(join(repo.root, '.claude'));
    writeFileSync(join(repo.root, '.claude', 'settings.json'), user);

    const first = repo.install(['install', '--agent', 'codex,claude-code']);
    expect(first.stderr).toBe('');
    expect(first.status).toBe(0);
    expect(first.stdout).toMatch(/\.codex\/hooks\.json: create \(Codex hooks\)/);
    expect(first.stdout).toMatch(/to do by hand[\s\S]*Codex: .*trust/);
    expect(first.stdout).toContain(`[projects.${JSON.stringify(repo.root)}] trust_level`);
    expect(first.stdout).toMatch(/commit (.* )?\.claude\/settings\.json/);
    const [main, linked] = repo.worktrees as [string, string];
    expect(readFileSync(join(main, '.codex', 'hooks.json'), 'utf8')).toContain(
      agentMarker('codex'),
    );
    expect(readFileSync(join(main, '.claude', 'settings.json'), 'utf8')).toContain(
      agentMarker('claude-code'),
    );
    // A tracked file written in another worktree would block merging main into it.
    expect(existsSync(join(linked, '.codex'))).toBe(false);
    expect(
      JSON.parse(readFileSync(join(repo.root, '.claude', 'settings.json'), 'utf8')).model,
    ).toBe('opus');

    const again = repo.install(['install', '--agent', 'codex,claude-code']);
    expect(again.stdout).toMatch(/already installed/);

    const bad = repo.install(['install', '--agent', 'vim']);
    expect(bad.status).toBe(2);
    expect(bad.stderr).toMatch(/unknown agent `vim`/);

    expect(repo.install(['uninstall']).status).toBe(0);
    expect(readFileSync(join(repo.root, '.claude', 'settings.json'), 'utf8')).toBe(user);
    for (const worktree of repo.worktrees) {
      expect(() => readFileSync(join(worktree, '.codex', 'hooks.json'))).toThrow();
    }
  });

  it('--agent all says which folders it looked for when none is there, and which agents it found', () => {
    const repo = makeWorktreeRepo({ linked: 0 });
    linkBin(repo.root);

    const none = repo.install(['install', '--agent', 'all']);

    expect(none.status).toBe(0);
    expect(none.stdout).toContain(
      "--agent all: no coding agent's folder here (looked for .claude, .codex, .gemini, .cursor, .github/hooks), so no agent was wired",
    );
    mkdirSync(join(repo.root, '.gemini'));
    const some = repo.install(['install', '--agent', 'all']);
    expect(some.stdout).toContain('--agent all: the agents whose folder is here: gemini (.gemini)');
    expect(existsSync(join(repo.root, '.gemini', 'settings.json'))).toBe(true);
    // Uninstall takes its file away and leaves the tool's folder: --agent all finds it again.
    expect(repo.install(['log', '{"event":"waiting"}']).status).toBe(0);
    const gone = repo.install(['uninstall']);
    // The alias goes with uninstall: its hint names the main worktree's copy by its path.
    expect(gone.stdout).toContain(
      `run \`${join(repo.root, 'node_modules', '.bin', 'audit-hooks')} consolidate\``,
    );
    expect(existsSync(join(repo.root, '.gemini', 'settings.json'))).toBe(false);
    expect(existsSync(join(repo.root, '.gemini'))).toBe(true);
    expect(repo.install(['install', '--agent', 'all']).stdout).toContain('gemini (.gemini)');
  });

  it('uninstall keeps a committed file that held an empty hooks object, byte for byte', () => {
    const repo = makeWorktreeRepo({ linked: 0 });
    linkBin(repo.root);
    const user = '{\n  "hooks": {}\n}\n';
    mkdirSync(join(repo.root, '.gemini'));
    writeFileSync(join(repo.root, '.gemini', 'settings.json'), user);
    repo.git('add', '.gemini');
    repo.git('commit', '-q', '-m', 'gemini settings');

    expect(repo.install(['install', '--agent', 'gemini']).status).toBe(0);
    expect(readFileSync(join(repo.root, '.gemini', 'settings.json'), 'utf8')).toContain(
      agentMarker('gemini'),
    );
    expect(repo.install(['uninstall']).status).toBe(0);

    expect(readFileSync(join(repo.root, '.gemini', 'settings.json'), 'utf8')).toBe(user);
  });
});
