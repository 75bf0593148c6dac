import { gunzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import type { ViewEntry, ViewInput } from '../../src/view/collect.js';
import { formatDuration, formatTick, ticks } from '../../src/view/page/time-scale.js';
import { embedJson, packLines, renderPage } from '../../src/view/render-page.js';
import { buildViewData, MAX_FACET_VALUES } from '../../src/view/view-data.js';

let n = 0;
function entry(session: string, at: number, fields: Record<string, unknown> = {}): ViewEntry {
  const value = {
    id: `id-${++n}`,
    timestamp: new Date(at).toISOString(),
    session_id: session,
    seq: n,
    ...fields,
  };
  return { entry: value, line: JSON.stringify(value), instant: at, worktree: '/repo/main' };
}

const T = Date.parse('2026-11-24T10:00:00.000Z');

describe('buildViewData', () => {
  it('lays lanes out by worktree, then agent (none last), then first entry', () => {
    const input: ViewInput = {
      worktrees: [{ path: '/repo/main', branch: 'main' }],
      entries: [
        entry('solo', T),
        entry('b', T + 1, { agent: 'codex' }),
        entry('c', T + 2, { agent: 'claude-code' }),
        entry('a', T + 3, { agent: 'codex', event: 'tool_call', tool: 'Bash' }),
        { ...entry('w', T + 4, { agent: 'codex' }), worktree: '/repo/other' },
      ],
      commits: [{ sha: 'f'.repeat(40), time: T + 5, subject: 'x', ids: ['id-2', 'id-4', 'gone'] }],
    };
    const { data, lines } = buildViewData(input, { generatedAt: new Date(T) });

    expect(data.sessions.map((s) => s.id)).toEqual(['c', 'b', 'a', 'solo', 'w']);
    expect(data.worktrees).toEqual([
      { path: '/repo/main', label: 'main', branch: 'main' },
      { path: '/repo/other', label: 'other' },
    ]);
    expect(data.sessions.map((s) => data.agents[s.agent])).toEqual([
      'claude-code',
      'codex',
      'codex',
      '',
      'codex',
    ]);
    // Instants as differences from the first; lanes, events and tools as indices.
    expect(data.t0).toBe(T);
    expect(data.dt).toEqual([0, 1, 1, 1, 1]);
    expect(data.lane).toEqual([3, 1, 0, 2, 4]);
    expect(data.events[data.event[3] as number]).toBe('tool_call');
    expect(data.tools[data.tool[3] as number]).toBe('Bash');
    expect(data.tools[data.tool[0] as number]).toBe('');
    expect(data.commits[0]?.entries).toEqual([1, 3]); // ids it does not show are dropped
    expect(lines).toEqual(input.entries.map((e) => e.line));
  });

  it('puts values past the most frequent ones into one "other" bucket', () => {
    const entries = Array.from({ length: MAX_FACET_VALUES + 50 }, (_, i) =>
      entry('s', T + i, { event: i < 10 ? 'common' : `rare-${i}` }),
    );
    const { data } = buildViewData({ worktrees: [], entries, commits: [] });
    expect(data.events).toHaveLength(MAX_FACET_VALUES + 1);
    expect(data.events[0]).toBe('common');
    expect(data.events.at(-1)).toBeNull();
    expect(data.event.filter((i) => i === MAX_FACET_VALUES).length).toBe(
      MAX_FACET_VALUES + 50 - 10 - (MAX_FACET_VALUES - 1),
    );
  });
});

describe('the HTML file', () => {
  const hostile = '</script><script>alert(1)</script><!-- & \u2028\u2029 >';

  it('embeds JSON with no <, > or & and no line separators, parsing back to the same value', () => {
    const text = embedJson({ hostile, list: [hostile] });
    expect(text).not.toMatch(/[<>&\u2028\u2029]/);
    expect(JSON.parse(text)).toEqual({ hostile, list: [hostile] });
  });

  it('packs the lines so that they unpack to the very same text, in base64', () => {
    const lines = ['{"a":"\u00e9 \ud83d\ude00 \\u2028"}', `{"h":${JSON.stringify(hostile)}}`, '{}'];
    const packed = packLines(lines);
    expect(packed).toMatch(/^[A-Za-z0-9+/]+=*$/);
    expect(gunzipSync(Buffer.from(packed, 'base64')).toString('utf8').split('\n')).toEqual(lines);
  });

  it('holds exactly its own three scripts and a CSP with their hashes', () => {
    const { data, lines } = buildViewData({
      worktrees: [{ path: `/repo/${hostile}` }],
      entries: [entry('s', T, { note: hostile })],
      commits: [],
    });
    const html = renderPage({ data, lines }, { script: 'void 0;', css: 'body{}' });
    expect(html.match(/<script/g)).toHaveLength(3);
    expect(html.match(/<\/script>/g)).toHaveLength(3);
    expect(html).toContain("script-src 'sha256-");
    // The title is the worktree's folder name, escaped.
    expect(html).toContain('<title>audit-hooks view — script&#62;&#60;!-- &#38;');
  });

  it('refuses a page bundle that would close its own element', () => {
    const page = buildViewData({ worktrees: [], entries: [], commits: [] });
    expect(() => renderPage(page, { script: 'x = "</script>"', css: '' })).toThrow(/closing tag/);
  });
});

describe('the time axis', () => {
  it('picks a step that leaves room for labels, and labels as precisely as the step', () => {
    const hour = 3_600_000;
    const { step, times } = ticks(T, T + 8 * hour, 960);
    expect(step).toBe(hour);
    expect(times).toHaveLength(9);
    expect(ticks(T, T + 2000, 1000).step).toBe(200);
    expect(formatTick(T + 200, 200)).toMatch(/^\d\d:\d\d:\d\d\.200$/);
    expect(formatTick(T, hour)).toMatch(/^\d\d:\d\d$/);
    expect(formatTick(T, 24 * hour)).toMatch(/^\d{4}-\d\d-\d\d$/);
  });

  it('says how long a span is', () => {
    expect(formatDuration(850)).toBe('850 ms');
    expect(formatDuration(42_000)).toBe('42 s');
    expect(formatDuration(200_000)).toBe('3 min 20 s');
    expect(formatDuration(5 * 3_600_000 + 12 * 60_000)).toBe('5 h 12 min');
    expect(formatDuration(76 * 3_600_000)).toBe('3 d 4 h');
  });
});
