// Planning `install --agent` / `uninstall` for agent configurations: the user's file keeps
// every byte, a second run changes nothing, uninstall gives the original bytes back.
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { applyActions } from '../../src/install/actions.js';
import {
  agentStatus,
  agentUserSteps,
  planAgentInstall,
  planAgentUninstall,
  resolveAgents,
} from '../../src/install/agents.js';
import { tempDir } from '../helpers/git-repo.js';

let root: string;
beforeEach(() => {
  root = tempDir('audit-hooks-agents-');
});
afterEach(() => {
  rmSync(root, { recursive: true, force: true });
});

const say = (path: string, what: string) => `${path.slice(root.length + 1)}: ${what}`;
const read = (path: string) => readFileSync(join(root, path), 'utf8');
function write(path: string, text: string) {
  mkdirSync(join(root, path, '..'), { recursive: true });
  writeFileSync(join(root, path), text);
}

const USER_CLAUDE = `{
    "permissions": { "allow": ["Bash(npm test)"] },
    "hooks": {
        "PreToolUse": [
            { "matcher": "Bash", "hooks": [{ "type": "command", "command": "./check.sh" }] }
        ]
    },
    "model": "opus"
}
`;

describe('install --agent, uninstall', () => {
  it('merges into the user’s settings keeping every byte, idempotent, and uninstall restores them', () => {
    write('.claude/settings.json', USER_CLAUDE);
    const plan = planAgentInstall(root, ['claude-code'], say);
    expect(plan.map((action) => action.summary)).toEqual([
      '.claude/settings.json: add the audit-hooks Claude Code hooks',
    ]);
    applyActions(plan);
    const merged = JSON.parse(read('.claude/settings.json'));
    expect(merged.permissions).toEqual({ allow: ['Bash(npm test)'] });
    expect(merged.model).toBe('opus');
    expect(merged.hooks.PreToolUse[0]).toEqual({
      matcher: 'Bash',
      hooks: [{ type: 'command', command: './check.sh' }],
    });
    expect(merged.hooks.PreToolUse[1].hooks[0].command).toContain('log --hook --agent claude-code');
    expect(Object.keys(merged.hooks)).toContain('SessionStart');
    // The file's own four-space indentation is used for what was added.
    expect(read('.claude/settings.json')).toContain('\n        "SessionStart": [\n');

    expect(planAgentInstall(root, ['claude-code'], say)).toEqual([]);
    expect(agentStatus(root).find((s) => s.agent === 'claude-code')?.installed).toBe(true);

    applyActions(planAgentUninstall(root, say));
    expect(read('.claude/settings.json')).toBe(USER_CLAUDE);
    expect(agentStatus(root).every((s) => !s.installed)).toBe(true);
  });

  it('creates a missing file, and uninstall deletes it and the folder it made', () => {
    const plan = planAgentInstall(root, ['codex', 'cursor', 'copilot'], say);
    expect(plan.map((a) => a.summary)).toEqual([
      '.codex/hooks.json: create (Codex hooks)',
      '.cursor/hooks.json: create (Cursor hooks)',
      '.github/hooks/audit-hooks.json: create (GitHub Copilot hooks)',
    ]);
    applyActions(plan);
    expect(JSON.parse(read('.cursor/hooks.json')).version).toBe(1);
    applyActions(planAgentUninstall(root, say));
    expect(() => read('.codex/hooks.json')).toThrow();
    expect(() => read('.cursor')).toThrow();
  });

  it('keeps comments of a JSONC settings file (Gemini CLI), and gives the bytes back', () => {
    const user = '{\n  // my theme\n  "ui": { "theme": "Dracula" }, /* trailing */\n}\n';
    write('.gemini/settings.json', user);
    applyActions(planAgentInstall(root, ['gemini'], say));
    const merged = read('.gemini/settings.json');
    expect(merged).toContain('// my theme');
    expect(merged).toContain('"BeforeTool": [');
    applyActions(planAgentUninstall(root, say));
    expect(read('.gemini/settings.json')).toBe(user);
  });

  it('removes only its own hook from a group the user added to, and keeps the user’s empty-free file', () => {
    write(
      '.codex/hooks.json',
      '{"hooks":{"Stop":[{"hooks":[{"type":"command","command":"./mine.sh"}]}]}}\n',
    );
    applyActions(planAgentInstall(root, ['codex'], say));
    applyActions(planAgentUninstall(root, say));
    expect(read('.codex/hooks.json')).toBe(
      '{"hooks":{"Stop":[{"hooks":[{"type":"command","command":"./mine.sh"}]}]}}\n',
    );
  });

  it('refuses a file that does not parse, naming line and column, and writes nothing', () => {
    write('.claude/settings.json', '{\n  "hooks": {,\n}\n');
    expect(() => planAgentInstall(root, ['claude-code'], say)).toThrow(
      /cannot parse .*settings\.json:2:13/,
    );
  });

  it('--agent all picks the tools whose own folder exists; .github/ alone is not Copilot', () => {
    mkdirSync(join(root, '.github', 'workflows'), { recursive: true });
    mkdirSync(join(root, '.cursor'));
    mkdirSync(join(root, '.claude'));
    expect(resolveAgents(root, ['all']).map((a) => a.name)).toEqual(['claude-code', 'cursor']);
    mkdirSync(join(root, '.github', 'hooks'));
    expect(resolveAgents(root, ['all']).map((a) => a.name)).toContain('copilot');
  });

  it('names the steps a user must take by hand (Codex trust)', () => {
    expect(agentUserSteps(root, ['codex']).join('\n')).toMatch(/trust/);
    expect(() => resolveAgents(root, ['vim'])).toThrow(/unknown agent `vim`/);
  });
});
