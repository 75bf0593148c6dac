import { describe, expect, it } from 'vitest';
import {
  createLayout,
  escapeJsonLine,
  escapeTerminal,
  formatEntry,
  formatRecord,
  useColor,
} from '../../src/read/format-entry.js';
import type { Entry } from '../../src/writer/index.js';

const ESC = String.fromCharCode(27);
const ANSI = new RegExp(`${ESC}\\[[0-9;]*m`, 'g');
const plain = (text: string) => text.replace(ANSI, '');

// Local times, so the expectations hold in any time zone.
const NOW = new Date(2026, 10, 24, 15, 0, 0);
const at = (...parts: [number, number, number, number, number, number, number]) =>
  new Date(...parts).toISOString();

function entry(fields: Record<string, unknown>, overrides: Partial<Entry> = {}): Entry {
  return {
    id: '3b241101-e2bb-4255-8caf-4136c566a962',
    timestamp: at(2026, 10, 24, 13, 33, 3, 123),
    session_id: 'f3a9c2d1-7b4e-4c1a-9e2f-0a1b2c3d4e5f',
    seq: 7,
    ...fields,
    ...overrides,
  };
}

describe('formatEntry', () => {
  it('shows local time, the short session and the fields as key=value, envelope left out', () => {
    const line = formatEntry(
      entry({ event: 'pre_tool_use', tool: 'Bash', decision: 'allow', command: 'npm test' }),
      { now: NOW },
    );
    expect(line).toBe(
      '13:33:03.123  f3a9c2d1  event=pre_tool_use  tool=Bash  decision=allow  command="npm test"',
    );
  });

  it('adds the date when the entry is not from today', () => {
    const line = formatEntry(entry({ event: 'x' }, { timestamp: at(2026, 10, 23, 9, 5, 1, 7) }), {
      now: NOW,
    });
    expect(line).toMatch(/^2026-11-23 09:05:01\.007 {2}f3a9c2d1 {2}event=x$/);
  });

  it('puts event, tool, decision, command first and the other fields in their own order', () => {
    const line = formatEntry(
      entry({ zeta: 1, command: 'ls', model: 'm', tool: 'Bash', event: 'e', alpha: true }),
      { now: NOW },
    );
    expect(line.slice(line.indexOf('event='))).toBe(
      'event=e  tool=Bash  command=ls zeta=1 model=m alpha=true',
    );
  });

  it('quotes what is not a plain word and escapes control characters', () => {
    const line = formatEntry(
      entry({
        event: 'run',
        text: 'two words',
        quote: 'say "hi"',
        eq: 'a=b',
        empty: '',
        esc: `${ESC}[31mred`,
        newline: 'a\nb',
        nested: { a: [1, 2] },
        nothing: null,
        'odd key': 1,
      }),
      { now: NOW },
    );
    expect(line).toContain(
      'text="two words" quote="say \\"hi\\"" eq="a=b" empty="" esc="\\u001b[31mred" newline="a\\nb" nested={"a":[1,2]} nothing=null "odd key"=1',
    );
    expect(line).not.toContain(ESC);
  });

  it('shortens the consolidating commit and shows it last', () => {
    const sha = '0123456789abcdef0123456789abcdef01234567';
    const line = formatEntry(entry({ commit: sha, event: 'e', n: 1 }), { now: NOW });
    expect(line).toMatch(/event=e {2}n=1 commit=0123456789$/);
  });

  it('shortens a commit event’s sha the same way, and nothing else that is not a commit id', () => {
    const sha = '0123456789abcdef0123456789abcdef01234567';
    const line = formatEntry(entry({ event: 'commit', sha, branch: 'main', other: sha }), {
      now: NOW,
    });
    expect(line).toContain('sha=0123456789 ');
    expect(line).toContain(`other=${sha}`);
  });

  it('aligns columns across the lines of one layout, only as far as each line has them', () => {
    const entries = [
      entry({ event: 'pre_tool_use', tool: 'Bash', decision: 'allow', command: 'ls' }),
      entry({ event: 'stop', reason: 'done' }, { timestamp: at(2026, 10, 23, 1, 2, 3, 4) }),
      entry({ event: 'post_tool_use', tool: 'Read', file: 'a.ts' }),
    ];
    const layout = createLayout(entries, NOW);
    const lines = entries.map((e) => formatEntry(e, { now: NOW, layout }));
    expect(lines).toEqual([
      '           13:33:03.123  f3a9c2d1  event=pre_tool_use   tool=Bash  decision=allow  command=ls',
      '2026-11-23 01:02:03.004  f3a9c2d1  event=stop           reason=done',
      '           13:33:03.123  f3a9c2d1  event=post_tool_use  tool=Read  file=a.ts',
    ]);
  });

  it('cuts a line to the given width with an ellipsis, counting wide characters as two', () => {
    const long = entry({ event: 'note', text: 'x'.repeat(300) });
    const cut = formatEntry(long, { now: NOW, width: 60 });
    expect(cut).toHaveLength(60);
    expect(cut.endsWith('…')).toBe(true);
    const wide = formatEntry(entry({ event: 'note', text: '漢字'.repeat(50) }), {
      now: NOW,
      width: 44,
    });
    // `13:33:03.123  f3a9c2d1  event=note  text=` is 41 columns, 漢 takes 2, then 字 does
    // not fit before the ellipsis.
    expect(wide).toBe('13:33:03.123  f3a9c2d1  event=note  text=漢…');
    expect(formatEntry(long, { now: NOW })).toContain('x'.repeat(300));
  });

  it('colours only when asked, and cuts by visible width, not by escape codes', () => {
    const e = entry({ event: 'pre_tool_use', decision: 'deny', command: 'rm -rf /' });
    const bare = formatEntry(e, { now: NOW });
    expect(bare).not.toContain(ESC);
    const coloured = formatEntry(e, { now: NOW, color: true });
    expect(coloured).toContain(ESC);
    expect(plain(coloured)).toBe(bare);
    // deny is red (31), the event bold (1).
    expect(coloured).toContain(`${ESC}[31mdeny${ESC}[39m`);
    expect(coloured).toContain(`${ESC}[1mpre_tool_use${ESC}[22m`);
    const cut = formatEntry(e, { now: NOW, color: true, width: 30 });
    expect(plain(cut)).toHaveLength(30);
    expect(plain(cut)).toBe(formatEntry(e, { now: NOW, width: 30 }));
  });
});

// Everything a terminal may act on or hide: C0, DEL, C1, bidi, other format characters.
const UNSAFE_CHARS = /[\p{Cc}\p{Cf}\u2028\u2029]/u;
const CSI = '\u009b';
const RLO = '\u202e';

describe('terminal safety', () => {
  it('escapes C0, C1 and bidi controls in every part of a line: values, keys, time', () => {
    const hostile = `${CSI}2J${ESC}]0;title\u0007${RLO}gnp.exe\u2066x\u2069\u200e\u200f\u061c\u007f\u2028\u{e0041}`;
    const line = formatEntry(
      entry(
        {
          event: `run${CSI}2J`,
          tool: `Ba${RLO}sh`,
          text: hostile,
          nested: { deep: [hostile] },
          [`key${RLO}${CSI}`]: 1,
          [`${ESC}[2K`]: 'x',
        },
        { timestamp: `${ESC}[2J` },
      ),
      { now: NOW, color: true },
    );

    expect(plain(line)).not.toMatch(UNSAFE_CHARS);
    expect(plain(line)).toContain(
      'text="\\u009b2J\\u001b]0;title\\u0007\\u202egnp.exe\\u2066x\\u2069\\u200e\\u200f\\u061c\\u007f\\u2028\\udb40\\udc41"',
    );
    expect(plain(line)).toContain('"key\\u202e\\u009b"=1 "\\u001b[2K"=x');
    expect(plain(line)).toContain('event="run\\u009b2J"  tool="Ba\\u202esh"');
    expect(plain(line)).toMatch(/^\\u001b\[2J {2}/);
    // The colours we chose are the only escape sequences sent.
    expect(line).toMatch(ANSI);
    expect(plain(line)).not.toContain(ESC);
  });

  it('keeps a JSON line the same JSON while escaping what a terminal would act on', () => {
    const value = { a: `x${CSI}2J${RLO}y\u2028\u{e0041}`, [`k${RLO}`]: [`\t${ESC}`] };
    const line = `{\t"v":${JSON.stringify(value)},\r"n":1.50}`;

    const out = escapeJsonLine(line);

    expect(out).not.toMatch(/[\p{Cf}\u0080-\u009f\u2028\r]/u);
    expect(JSON.parse(out)).toEqual(JSON.parse(line));
    expect(out).toContain('1.50');
    expect(escapeJsonLine('{"a":"plain"}')).toBe('{"a":"plain"}');
    expect(escapeTerminal('plain')).toBe('plain');
  });

  it('shows an entry nested too deep to format as its raw line, escaped, and does not throw', () => {
    const depth = 100_000;
    const line = `{"id":"d","timestamp":"2026-11-24T13:33:03.123Z","note":"${RLO}","d":${'['.repeat(depth)}${']'.repeat(depth)}}`;
    const deep = JSON.parse(line) as Entry;
    const layout = createLayout([deep], NOW);

    expect(() => formatEntry(deep, { now: NOW, layout })).toThrow(RangeError);
    const shown = formatRecord(deep, line, { now: NOW, layout });

    expect(shown).toBe(line.replace(RLO, '\\u202e'));
    expect(formatRecord(deep, line, { now: NOW, layout, width: 40 })).toBe(`${line.slice(0, 39)}…`);
    // The same layout still serves ordinary entries.
    expect(formatRecord(entry({ event: 'x' }), '{}', { now: NOW, layout })).toContain('event=x');
  });
});

describe('useColor', () => {
  it('colours a terminal only, and never under NO_COLOR or TERM=dumb', () => {
    expect(useColor({ isTTY: true }, {})).toBe(true);
    expect(useColor({ isTTY: true }, { TERM: 'xterm-256color' })).toBe(true);
    expect(useColor({ isTTY: false }, {})).toBe(false);
    expect(useColor({}, {})).toBe(false);
    expect(useColor({ isTTY: true }, { NO_COLOR: '1' })).toBe(false);
    expect(useColor({ isTTY: true }, { NO_COLOR: 'false' })).toBe(false);
    // no-color.org: an empty NO_COLOR does not count.
    expect(useColor({ isTTY: true }, { NO_COLOR: '' })).toBe(true);
    expect(useColor({ isTTY: true }, { TERM: 'dumb' })).toBe(false);
  });
});
