// The shard writer. It imports only `node:` built-ins so that it stays tiny and can be
// vendored into any agent tool; keep it that way (a test checks the built file).
import { execFileSync } from 'node:child_process';
import { randomUUID as cryptoRandomUUID } from 'node:crypto';
import {
  closeSync,
  constants,
  fstatSync,
  lstatSync,
  mkdirSync,
  openSync,
  readdirSync,
  readFileSync,
  readSync,
  realpathSync,
  renameSync,
  rmSync,
  statSync,
  writeFileSync,
  writeSync,
} from 'node:fs';
import { dirname, join, resolve, sep } from 'node:path';
import { compactJson, type JsonNode, JsonTextError, parseJsonText } from './json-text.js';

/** One audit entry as written: the envelope plus the caller's own fields. */
export interface Entry {
  id: string;
  timestamp: string;
  session_id: string;
  seq: number;
  [field: string]: unknown;
}

/** Options of {@link AuditLog}; every field is optional. */
export interface AuditLogOptions {
  /** Repository (or worktree) root; detected with git from `process.cwd()` when absent. */
  repoRoot?: string;
  /** Session id (`^[A-Za-z0-9_-]{1,64}$`); 8 random hex chars when absent. */
  sessionId?: string;
  /** Legacy mode: append to this one file, no sharding and no git. */
  logPath?: string;
}

const ENVELOPE_FIELDS = ['id', 'timestamp', 'session_id', 'seq'] as const;

/** Session ids become file names, so only this shape is accepted (no path traversal). */
export const SESSION_ID_PATTERN = /^[A-Za-z0-9_-]{1,64}$/;
/** Longest serialized line accepted, newline included. */
export const MAX_LINE_BYTES = 1024 * 1024;
/** Shards live here, relative to the repository root. */
export const ACTIVE_DIR = join('logs', 'active');
/** `<YYYYMMDDTHHMMSS>_<sessionId>.jsonl` */
export const SHARD_NAME_PATTERN = /^(\d{8}T\d{6})_([A-Za-z0-9_-]{1,64})\.jsonl$/;

// ISO 8601 date-time with an explicit offset; a time without an offset would mean a
// different instant on every machine that reads it.
const ISO_TIMESTAMP =
  /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(?::\d{2}(?:[.,]\d{1,9})?)?(?:Z|[+-]\d{2}(?::?\d{2})?)$/i;

// Git sets these in hooks; they would point git at another worktree than `cwd`.
const GIT_LOCATION_VARIABLES = [
  'GIT_DIR',
  'GIT_WORK_TREE',
  'GIT_INDEX_FILE',
  'GIT_COMMON_DIR',
  'GIT_PREFIX',
  'GIT_OBJECT_DIRECTORY',
];

/** The environment to run git against a given folder: without the hook's location variables. */
export function gitEnvironment(env: NodeJS.ProcessEnv = process.env): NodeJS.ProcessEnv {
  const clean = { ...env };
  for (const name of GIT_LOCATION_VARIABLES) delete clean[name];
  return clean;
}

/**
 * The environment git needs to answer for the caller: `GIT_DIR` and `GIT_WORK_TREE` as
 * the caller set them (SPEC §4), made absolute against this process's folder so that
 * running git in another `cwd` still means the same repository.
 */
function callerGitEnvironment(env: NodeJS.ProcessEnv = process.env): NodeJS.ProcessEnv {
  const out = { ...env };
  for (const name of ['GIT_DIR', 'GIT_WORK_TREE'] as const) {
    const value = out[name];
    if (value !== undefined && value !== '') out[name] = resolve(value);
  }
  return out;
}

/**
 * Root of the git worktree that contains `cwd` (a linked worktree's own root). Honours
 * `GIT_DIR`/`GIT_WORK_TREE` set by the caller, as git itself does.
 */
export function detectRepoRoot(cwd: string = process.cwd()): string {
  return worktreeRootWithoutGit(cwd) ?? gitRepoRoot(cwd);
}

// Variables that change how git finds the repository: with any of them set, git decides.
const DISCOVERY_VARIABLES = [
  'GIT_DIR',
  'GIT_WORK_TREE',
  'GIT_COMMON_DIR',
  'GIT_CEILING_DIRECTORIES',
  'GIT_DISCOVERY_ACROSS_FILESYSTEM',
];

/**
 * The common case answered from the file system, as git would answer it: the nearest folder
 * above `cwd` holding a `.git` folder (with a HEAD) or a `.git` file naming one (a linked
 * worktree, a submodule). Starting a git process costs more than the rest of an
 * `audit-hooks log` call, which runs on every agent tool call. `undefined` whenever git's
 * own rules could answer otherwise — a discovery variable, a path inside a `.git` folder,
 * a `.git` that is a link or not owned by this user (git's safe.directory), a bare or
 * `core.worktree` configuration, another file system on the way up — and then git decides.
 */
function worktreeRootWithoutGit(cwd: string): string | undefined {
  const env = process.env;
  if (DISCOVERY_VARIABLES.some((name) => env[name] !== undefined)) return undefined;
  try {
    const start = realpathSync.native(resolve(cwd));
    if (start.split(sep).includes('.git')) return undefined;
    const uid = process.getuid?.();
    let device: number | undefined;
    for (let dir = start; ; dir = dirname(dir)) {
      const stat = statSync(dir);
      device ??= stat.dev;
      if (stat.dev !== device) return undefined;
      const dotGit = join(dir, '.git');
      let git: ReturnType<typeof lstatSync> | undefined;
      try {
        git = lstatSync(dotGit);
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'ENOENT') return undefined;
      }
      if (git !== undefined) {
        if (uid === undefined || git.uid !== uid) return undefined;
        if (git.isDirectory()) return plainGitDir(dotGit) ? dir : undefined;
        if (!git.isFile()) return undefined;
        const target = /^gitdir:\s*(.+?)\s*$/m.exec(readFileSync(dotGit, 'utf8'))?.[1];
        if (target === undefined) return undefined;
        const gitDir = resolve(dir, target);
        const stat = statSync(gitDir);
        return stat.isDirectory() && stat.uid === uid && plainGitDir(gitDir) ? dir : undefined;
      }
      if (dirname(dir) === dir) return undefined;
    }
  } catch {
    return undefined;
  }
}

// A git folder whose worktree is where its `.git` is: it has a HEAD, and its config (a
// linked worktree's folder may have none) neither moves the worktree nor makes the
// repository bare, nor includes other files that might.
function plainGitDir(gitDir: string): boolean {
  if (!lstatSync(join(gitDir, 'HEAD')).isFile()) return false;
  let config: string;
  try {
    config = readFileSync(join(gitDir, 'config'), 'utf8');
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'ENOENT';
  }
  return !/^\s*(?:worktree\s*=|bare\s*=\s*true|\[\s*include)/im.test(config);
}

function gitRepoRoot(cwd: string): string {
  try {
    const out = execFileSync('git', ['rev-parse', '--show-toplevel'], {
      cwd,
      env: callerGitEnvironment(),
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const root = out.trim();
    if (root === '') throw new Error(`Not in a git repository: ${cwd} is inside a .git folder`);
    return root;
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' && !(error as { status?: number }).status) {
      throw new Error(
        existsAsDirectory(cwd)
          ? 'git was not found on PATH: install git, or pass repoRoot (or logPath) explicitly'
          : `Not in a git repository: ${cwd} does not exist`,
      );
    }
    if ((error as Error).message.startsWith('Not in a git repository')) throw error;
    throw new Error(
      `Not in a git repository: ${cwd} (run inside a git worktree; git init makes one)`,
    );
  }
}

function isRegularFile(path: string): boolean {
  try {
    return lstatSync(path).isFile();
  } catch {
    return false;
  }
}

function existsAsDirectory(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
}

/** Throws unless `sessionId` is a valid session id. */
export function assertSessionId(sessionId: unknown): asserts sessionId is string {
  if (typeof sessionId !== 'string' || !SESSION_ID_PATTERN.test(sessionId)) {
    throw new TypeError(
      `Invalid session id ${JSON.stringify(String(sessionId)).slice(0, 80)}: use 1-64 characters from A-Z a-z 0-9 _ -`,
    );
  }
}

// Outside these instants the UTC date has no 4-digit year (`+010000-01-01`), so there is
// no `YYYY-MM-DD` partition for the entry.
const EARLIEST = Date.parse('0000-01-01T00:00:00.000Z');
const LATEST = Date.parse('9999-12-31T23:59:59.999Z');

/** True when `value` is an ISO 8601 date-time with an offset, of a UTC instant in years 0000-9999. */
export function isIsoTimestamp(value: unknown): value is string {
  return timestampInstant(value) !== undefined;
}

/**
 * The instant (ms since the epoch) of an ISO 8601 timestamp as {@link isIsoTimestamp}
 * accepts it, else `undefined`: readers parse a million of them, once each.
 */
export function timestampInstant(value: unknown): number | undefined {
  if (typeof value !== 'string') return undefined;
  if (isWritersForm(value)) {
    const instant = writersFormInstant(value);
    if (instant !== undefined) return instant;
  } else if (!ISO_TIMESTAMP.test(value)) return undefined;
  const instant = Date.parse(value);
  return instant >= EARLIEST && instant <= LATEST ? instant : undefined;
}

// `2026-11-24T13:33:03.123Z`, the writer's own form, checked without the regular expression.
function isWritersForm(value: string): boolean {
  if (value.length !== 24 || value.charCodeAt(23) !== 0x5a) return false;
  for (let i = 0; i < 23; i++) {
    const code = value.charCodeAt(i);
    const expected = WRITERS_FORM[i];
    if (expected === 0 ? code < 0x30 || code > 0x39 : code !== expected) return false;
  }
  return true;
}
// The instant of the writer's form from its digits, where that is surely what Date.parse
// would say (a day up to the 28th, years from 100: Date.UTC reads 0-99 as 1900-1999);
// `undefined` leaves it to Date.parse.
function writersFormInstant(value: string): number | undefined {
  const digits = (from: number, to: number) => {
    let n = 0;
    for (let i = from; i < to; i++) n = n * 10 + value.charCodeAt(i) - 0x30;
    return n;
  };
  const year = digits(0, 4);
  const month = digits(5, 7);
  const day = digits(8, 10);
  const hour = digits(11, 13);
  const minute = digits(14, 16);
  const second = digits(17, 19);
  if (year < 100 || month < 1 || month > 12 || day < 1 || day > 28) return undefined;
  if (hour > 23 || minute > 59 || second > 59) return undefined;
  return Date.UTC(year, month - 1, day, hour, minute, second, digits(20, 23));
}

// 0: a digit; otherwise that character (- - T : : .).
const WRITERS_FORM = [...'0000-00-00T00:00:00.000'].map((c) => (c === '0' ? 0 : c.charCodeAt(0)));

// The first UUIDs of a process come from the kernel's random source. `audit-hooks log`
// makes one UUID per call, and loading node:crypto for it cost ~4 ms of a ~60 ms call;
// reading 256 bytes of /dev/urandom costs three system calls. A writer that goes on
// logging switches to node:crypto, whose randomUUID is several times faster per UUID; so
// does one where /dev/urandom cannot be read (Windows, a sandbox without /dev).
const KERNEL_UUIDS = 16;
const POOL_BYTES = 16 * KERNEL_UUIDS;
let kernelUuids = 0;
let pool: Buffer | undefined;
let poolAt = POOL_BYTES;
let urandom = true;

function randomBytes16(): Buffer | undefined {
  if (poolAt + 16 > POOL_BYTES) {
    if (!urandom || pool !== undefined) return undefined;
    try {
      const fd = openSync('/dev/urandom', constants.O_RDONLY);
      try {
        pool ??= Buffer.allocUnsafe(POOL_BYTES);
        let got = 0;
        while (got < POOL_BYTES) {
          const read = readSync(fd, pool, got, POOL_BYTES - got, null);
          if (read <= 0) throw new Error('short read');
          got += read;
        }
      } finally {
        closeSync(fd);
      }
    } catch {
      urandom = false;
      return undefined;
    }
    poolAt = 0;
  }
  const bytes = (pool as Buffer).subarray(poolAt, poolAt + 16);
  poolAt += 16;
  return bytes;
}

/** A random UUID (version 4, RFC 9562): 122 random bits from the kernel's generator. */
export function randomUUID(): string {
  if (kernelUuids >= KERNEL_UUIDS) return cryptoRandomUUID();
  kernelUuids++;
  const bytes = randomBytes16();
  if (bytes === undefined) return cryptoRandomUUID();
  bytes[6] = ((bytes[6] as number) & 0x0f) | 0x40;
  bytes[8] = ((bytes[8] as number) & 0x3f) | 0x80;
  const hex = bytes.toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/** A new random session id: 8 lowercase hex characters. */
export function newSessionId(): string {
  return randomUUID().replaceAll('-', '').slice(0, 8);
}

// `new Date().toISOString()` costs more than the rest of the envelope; a burst of entries
// shares a few milliseconds, so the text of the last one is kept.
let lastMs = Number.NaN;
let lastIso = '';
function isoNow(): string {
  const now = Date.now();
  if (now !== lastMs) {
    lastIso = new Date(now).toISOString();
    lastMs = now;
  }
  return lastIso;
}

/**
 * How long a writer may go without checking that its shard was not claimed (ms); a
 * consolidation waits this long after its claim before it reads a claimed shard.
 *
 * Why no line is lost. Let the claim (the rename of the shard) complete at instant C. A
 * writer's line goes unchecked only when the writer found, at its last open or stat, that
 * the path named its file, and the write returned less than CLAIM_CHECK_MS after the clock
 * read taken before that open or stat (`checkedAt`). That open or stat came before C (had
 * it come after, it would have seen the rename), so `checkedAt` < C, and the write was
 * complete before `checkedAt` + CLAIM_CHECK_MS < C + CLAIM_CHECK_MS. Every consolidation
 * reads a claimed shard only once CLAIM_CHECK_MS have passed since it saw the claim set
 * (which exists only after C; see waitOutClaimChecks in src/history/consolidate.ts), so it
 * reads every unchecked line. Any other line is followed by a stat that finds the rename,
 * and only that one line is written again: one possible copy per writer and claim, as
 * with a stat after every write. Both sides measure durations on the monotonic clock,
 * which ticks alike in every process of the machine (wall-clock jumps do not move it).
 *
 * Why copies are still recognised. A copy duplicates the last line a writer wrote to the
 * claimed file; after it, that file holds only what writers wrote before their window
 * closed, CLAIM_CHECK_MS after C at most, plus one line each. At ~200,000 lines/s per
 * writer flat out that is ~400 lines per writer, far below the 4,096 last lines whose ids
 * consolidation remembers (TAIL_LINES in src/history/ledger.ts).
 */
export const CLAIM_CHECK_MS = 2;

// The monotonic clock in ms (process.hrtime: the `performance` global would load
// perf_hooks, ~1 ms of every `audit-hooks log`). Taken once at load: a test that later
// fakes the clock does not freeze the writer's. Consolidation waits out CLAIM_CHECK_MS on
// this same clock.
const hrtime = process.hrtime.bind(process);
export function monotonicNow(): number {
  const [seconds, nanoseconds] = hrtime();
  return seconds * 1000 + nanoseconds / 1e6;
}

function shardStamp(date: Date): string {
  return date
    .toISOString()
    .replace(/\.\d{3}Z$/, '')
    .replaceAll(/[-:]/g, '');
}

/** Appends audit entries, one JSON line per entry, to this session's own shard file. */
export class AuditLog {
  readonly sessionId: string;
  /** Empty in legacy (`logPath`) mode. */
  readonly repoRoot: string;
  readonly shardFile: string;
  private readonly sharded: boolean;
  private fd: number | undefined;
  private fdIdentity: { dev: number; ino: number } | undefined;
  // Monotonic time (ms) read just before the last open or stat that found the shard's path
  // naming our descriptor's file.
  private checkedAt = Number.NEGATIVE_INFINITY;
  // The last seq this session wrote; read from its newest shard on the first write, so
  // successive `audit-hooks log` calls of one session keep counting (SPEC §3).
  private seq: number | undefined;
  // After a partial write the file ends mid-line; the next write starts a fresh line so
  // only the broken one is lost to quarantine, never the next good entry.
  private endsMidLine = false;

  constructor(options: AuditLogOptions = {}) {
    if (options.sessionId !== undefined) assertSessionId(options.sessionId);
    this.sessionId = options.sessionId ?? newSessionId();
    if (options.logPath !== undefined) {
      this.sharded = false;
      this.repoRoot = options.repoRoot === undefined ? '' : resolve(options.repoRoot);
      this.shardFile = resolve(options.logPath);
      return;
    }
    this.sharded = true;
    this.repoRoot = resolve(options.repoRoot ?? detectRepoRoot());
    const activeDir = join(this.repoRoot, ACTIVE_DIR);
    const existing =
      options.sessionId === undefined ? undefined : findShard(activeDir, this.sessionId);
    this.shardFile =
      existing ?? join(activeDir, `${shardStamp(new Date())}_${this.sessionId}.jsonl`);
  }

  /** Validates, completes and appends one entry; returns it as written. Throws if it was not written. */
  log(entry: object): Entry {
    const complete = this.envelope(entry);
    const line = serialize(complete);
    this.append(line);
    // Only now: an entry that was rejected or not written must not consume a number.
    this.seq = this.nextSeq();
    return complete;
  }

  /**
   * Appends one entry given as JSON object text, keeping the caller's text (SPEC §3
   * fidelity): big integers, `1.50`, escapes and duplicate keys stay as written; only the
   * whitespace between tokens goes, and the envelope fields the text lacks are added in
   * front. Validated like {@link log}; returns the entry as `JSON.parse` reads it back.
   */
  logJson(text: string): Entry {
    let root: JsonNode;
    try {
      root = parseJsonText(text);
    } catch (error) {
      if (!(error instanceof JsonTextError)) throw error;
      throw new TypeError(`An audit entry must be JSON text: ${error.message}`);
    }
    if (root.kind !== 'object') {
      throw new TypeError(
        `An audit entry must be a JSON object, not ${root.kind === 'array' ? 'an array' : `a ${root.kind}`}`,
      );
    }
    const given = new Set<string>();
    for (const member of root.members) {
      if ((ENVELOPE_FIELDS as readonly string[]).includes(member.key)) {
        checkEnvelopeField(
          member.key,
          JSON.parse(text.slice(member.value.start, member.value.end)),
        );
        given.add(member.key);
      }
    }
    const seq = this.nextSeq();
    const envelope: string[] = [];
    if (!given.has('id')) envelope.push(`"id":"${randomUUID()}"`);
    if (!given.has('timestamp')) envelope.push(`"timestamp":"${isoNow()}"`);
    if (!given.has('session_id')) envelope.push(`"session_id":${JSON.stringify(this.sessionId)}`);
    if (!given.has('seq')) envelope.push(`"seq":${seq}`);
    const body = compactJson(text, root).slice(1, -1);
    const line = `{${envelope.join(',')}${envelope.length > 0 && body !== '' ? ',' : ''}${body}}`;
    this.append(checkedLine(line));
    this.seq = seq;
    return JSON.parse(line) as Entry;
  }

  /** Closes the kept descriptor; a later `log()` reopens it. */
  close(): void {
    if (this.fd !== undefined) {
      const fd = this.fd;
      this.fd = undefined;
      this.fdIdentity = undefined;
      closeSync(fd);
    }
  }

  private envelope(entry: object): Entry {
    if (typeof entry !== 'object' || entry === null || Array.isArray(entry)) {
      throw new TypeError(
        `An audit entry must be a JSON object, not ${entry === null ? 'null' : Array.isArray(entry) ? 'an array' : typeof entry}`,
      );
    }
    const fields = entry as Record<string, unknown>;
    for (const key of ENVELOPE_FIELDS) {
      if (fields[key] !== undefined) checkEnvelopeField(key, fields[key]);
    }
    const envelope: Entry = {
      id: randomUUID(),
      timestamp: isoNow(),
      session_id: this.sessionId,
      seq: this.nextSeq(),
    };
    // The same properties in the same order as `{ ...envelope, ...fields }`, but one spread
    // into a literal: V8 copies that fast, where a second spread cost ~2 µs per entry.
    const complete: Entry = {
      id: envelope.id,
      timestamp: envelope.timestamp,
      session_id: envelope.session_id,
      seq: envelope.seq,
      ...fields,
    };
    // A field set to `undefined` is absent once serialized: the envelope fills it.
    for (const key of ENVELOPE_FIELDS) {
      if (complete[key] === undefined) (complete as Record<string, unknown>)[key] = envelope[key];
    }
    return complete;
  }

  private nextSeq(): number {
    if (this.seq === undefined) {
      this.seq = this.sharded ? lastSeqOfSession(this.repoRoot, this.sessionId, this.shardFile) : 0;
    }
    return this.seq + 1;
  }

  private append(line: Buffer): void {
    if (!this.sharded) {
      this.writeLine(line);
      return;
    }
    // A consolidation claims a shard by renaming it (SPEC §4, §5). A line written after the
    // consolidation read the file would be lost with the claim, so the writer checks that
    // its path still names the file it wrote to, and otherwise writes the line again to a
    // fresh shard at the same path (consolidation drops the possible copy by id). The check
    // is a `stat`, which costs more than the write itself (and makes the next write slower:
    // with multigrain timestamps it must give the file a new fine-grained ctime), so it is
    // made at most once per CLAIM_CHECK_MS; see there why skipping it in between loses
    // nothing.
    for (let attempt = 0; attempt < 100; attempt++) {
      this.writeLine(line);
      // One clock read, after the write returned and before the stat: it both decides
      // whether the window is still open and, once the stat passes, starts the next one.
      const now = monotonicNow();
      if (this.checkedRecently(now)) return;
      if (this.pathStillNamesDescriptor()) {
        this.checkedAt = now;
        return;
      }
      this.close();
    }
    throw new Error(`Could not append to ${this.shardFile}: the shard keeps being replaced`);
  }

  // True when the path was last found naming our file less than CLAIM_CHECK_MS ago, by a
  // clock read after the write returned. A clock that stands still or goes back (a test's
  // fake timers) never counts as recent: then every write is checked, as without a window.
  private checkedRecently(now: number): boolean {
    const elapsed = now - this.checkedAt;
    return elapsed > 0 && elapsed < CLAIM_CHECK_MS;
  }

  private writeLine(line: Buffer): void {
    const fd = this.open();
    const data = this.endsMidLine ? Buffer.concat([Buffer.from('\n'), line]) : line;
    let written: number;
    try {
      written = writeSync(fd, data);
    } catch (error) {
      this.close();
      throw writeError(this.shardFile, error);
    }
    if (written !== data.length) {
      this.endsMidLine = true;
      throw new Error(
        `Could not append to ${this.shardFile}: only ${written} of ${data.length} bytes were written (disk full?); the entry was not logged`,
      );
    }
    this.endsMidLine = false;
  }

  private open(): number {
    if (this.fd !== undefined) return this.fd;
    try {
      if (this.sharded) ensureActiveDir(this.repoRoot);
      // A shard is never a symbolic link (its target may be outside the repository) and
      // never a FIFO (opening one for writing would wait for a reader forever). It is
      // opened for reading too, to look at its last byte.
      const access = this.sharded
        ? constants.O_RDWR | constants.O_NOFOLLOW | constants.O_NONBLOCK
        : constants.O_WRONLY;
      // Opening resolves the path like the claim check's stat does: a claim after this
      // instant is one the file we get was not yet part of (see CLAIM_CHECK_MS).
      const openedAt = monotonicNow();
      const fd = openSync(this.shardFile, access | constants.O_APPEND | constants.O_CREAT, 0o644);
      const stat = fstatSync(fd);
      if (!stat.isFile() && !stat.isCharacterDevice()) {
        closeSync(fd);
        throw Object.assign(new Error('not a regular file'), { code: 'EISDIR' });
      }
      // A writer killed mid-line (maybe this one, before a failed write) left a torn line:
      // start ours on a fresh line, or it would be glued to that one and quarantined with it.
      if (this.sharded) this.endsMidLine = stat.size > 0 && endsWithTornLine(fd, stat.size);
      this.fd = fd;
      this.fdIdentity = { dev: stat.dev, ino: stat.ino };
      this.checkedAt = openedAt;
      return fd;
    } catch (error) {
      throw writeError(this.shardFile, error);
    }
  }

  private pathStillNamesDescriptor(): boolean {
    try {
      const stat = statSync(this.shardFile);
      return stat.ino === this.fdIdentity?.ino && stat.dev === this.fdIdentity.dev;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return false;
      throw writeError(this.shardFile, error);
    }
  }
}

// A writer sharing the shard may be in the middle of its one `write`: readers can see its
// line half copied for a few microseconds. Only a tail that stays unfinished this long
// belongs to a dead writer; a live one's would get an empty line in front of ours.
// Counted in 1 ms pauses, not read off the clock, which a caller's test may have frozen.
const TORN_TAIL_QUIET_PAUSES = 25;
const TORN_TAIL_MAX_PAUSES = 250;

/** True when the file ends in a line that no writer is finishing: a dead writer's torn line. */
function endsWithTornLine(fd: number, size: number): boolean {
  if (endsWithNewline(fd, size)) return false;
  const pause = new Int32Array(new SharedArrayBuffer(4));
  let quiet = 0;
  let seen = size;
  for (let pauses = 0; pauses < TORN_TAIL_MAX_PAUSES; pauses++) {
    Atomics.wait(pause, 0, 0, 1);
    const now = fstatSync(fd).size;
    if (now === 0 || endsWithNewline(fd, now)) return false;
    quiet = now === seen ? quiet + 1 : 0;
    seen = now;
    if (quiet >= TORN_TAIL_QUIET_PAUSES) return true;
  }
  return true;
}

function endsWithNewline(fd: number, size: number): boolean {
  const last = Buffer.alloc(1);
  return readSync(fd, last, 0, 1, size - 1) === 1 && last[0] === 0x0a;
}

function serialize(entry: Entry): Buffer {
  let text: string | undefined;
  try {
    text = JSON.stringify(entry);
  } catch (error) {
    throw new TypeError(
      `An audit entry must be representable as JSON: ${(error as Error).message.split('\n')[0]}`,
    );
  }
  if (typeof text !== 'string')
    throw new TypeError('An audit entry must serialize to a JSON object');
  return checkedLine(text);
}

/** `text` as a UTF-8 line, refused (TypeError) when it is over {@link MAX_LINE_BYTES}. */
function checkedLine(text: string): Buffer {
  const line = encodeLine(text);
  if (line.length > MAX_LINE_BYTES) {
    throw new TypeError(
      `An audit entry must serialize to at most ${MAX_LINE_BYTES} bytes (this one is ${line.length}); log large outputs by reference`,
    );
  }
  return line;
}

// Lines are encoded into one reused buffer: a line is written before log() returns, so the
// buffer is free again for the next one, and a ~4 KB entry costs no allocation. A line that
// may need more than SCRATCH_MAX bytes gets a buffer of its own.
const SCRATCH_MAX = 64 * 1024;
let scratch = Buffer.allocUnsafe(4096);

/** `text` and a newline as UTF-8 (a view of the scratch buffer, valid until the next call). */
function encodeLine(text: string): Buffer {
  // At most 3 UTF-8 bytes per UTF-16 code unit, plus the newline.
  const bound = text.length * 3 + 1;
  if (bound > SCRATCH_MAX) return Buffer.from(`${text}\n`, 'utf8');
  if (scratch.length < bound) scratch = Buffer.allocUnsafe(SCRATCH_MAX);
  const size = scratch.write(text, 0, 'utf8');
  scratch[size] = 0x0a;
  return scratch.subarray(0, size + 1);
}

function writeError(file: string, error: unknown): Error {
  const { code, message, syscall } = error as NodeJS.ErrnoException;
  // A system call's error is named by its code; the writer's own (a link refused) by its text.
  const detail = syscall === undefined ? message : (code ?? message);
  return new Error(
    `Could not append to ${file}: ${detail}; the entry was not logged (check that the folder is writable and the disk has space)`,
    { cause: error },
  );
}

// The newest existing shard of a session, so that successive writers of one session
// (e.g. one `audit-hooks log` per agent hook call) share one file.
function findShard(activeDir: string, sessionId: string): string | undefined {
  let names: string[];
  try {
    names = readdirSync(activeDir);
  } catch {
    return undefined;
  }
  const suffix = `_${sessionId}.jsonl`;
  const matches = names.filter(
    (name) =>
      name.endsWith(suffix) &&
      SHARD_NAME_PATTERN.test(name) &&
      isRegularFile(join(activeDir, name)),
  );
  matches.sort();
  const newest = matches.at(-1);
  return newest === undefined ? undefined : join(activeDir, newest);
}

/** Throws a TypeError unless `value` is a valid caller-given envelope field `key`. */
function checkEnvelopeField(key: string, value: unknown): void {
  if (key === 'id' && (typeof value !== 'string' || value === '')) {
    throw new TypeError('An audit entry id must be a non-empty string');
  }
  if (key === 'timestamp' && !isIsoTimestamp(value)) {
    throw new TypeError(
      `An audit entry timestamp must be an ISO 8601 date-time with an offset, in years 0000-9999 UTC, e.g. 2026-11-24T13:33:03.123Z (got ${JSON.stringify(value)})`,
    );
  }
  // The session id names a shard file and is what readers group by: a caller's own
  // must follow the same rule as the writer's (no `../` reaches a file name).
  if (key === 'session_id') assertSessionId(value);
}

/** What `logs/active/.gitignore` holds: the folder ignores itself, whatever else git is told. */
export const ACTIVE_GITIGNORE = '*\n';

/**
 * Makes `<root>/logs/active` a real folder holding a `.gitignore` of `*` (SPEC §4), so no
 * shard can reach a commit. A new folder is built aside and renamed into place, so it
 * never exists without its `.gitignore`, even if the writer is killed. A symbolic link at
 * `logs`, `logs/active` or its `.gitignore` is refused: its target may be outside the
 * worktree.
 */
export function ensureActiveDir(root: string): void {
  const logs = join(root, 'logs');
  const active = join(root, ACTIVE_DIR);
  if (kindOf(logs) === 'missing') mkdirIfMissing(logs);
  requireFolder(logs, 'logs');
  if (kindOf(active) === 'missing') {
    const aside = join(logs, `.active-${process.pid}-${randomUUID().slice(0, 8)}`);
    mkdirSync(aside);
    try {
      writeFileSync(join(aside, '.gitignore'), ACTIVE_GITIGNORE);
      renameSync(aside, active);
    } catch (error) {
      // Another writer made it first (ENOTEMPTY/EEXIST): theirs is as good as ours.
      const code = (error as NodeJS.ErrnoException).code;
      if (code !== 'ENOTEMPTY' && code !== 'EEXIST') throw error;
    } finally {
      rmSync(aside, { recursive: true, force: true });
    }
  }
  requireFolder(active, ACTIVE_DIR);
  const ignore = join(active, '.gitignore');
  const kind = kindOf(ignore);
  if (kind === 'missing') {
    // A folder made by an older version or by hand: add the file the same crash-safe way.
    const temp = join(active, `.gitignore.${process.pid}-${randomUUID().slice(0, 8)}`);
    writeFileSync(temp, ACTIVE_GITIGNORE);
    renameSync(temp, ignore);
  } else if (kind === 'link') {
    throw linkError(join(ACTIVE_DIR, '.gitignore'), 'delete the link: audit-hooks writes the file');
  }
}

type Kind = 'missing' | 'link' | 'folder' | 'other';

function kindOf(path: string): Kind {
  try {
    const stat = lstatSync(path);
    return stat.isSymbolicLink() ? 'link' : stat.isDirectory() ? 'folder' : 'other';
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') return 'missing';
    throw error;
  }
}

function mkdirIfMissing(path: string): void {
  try {
    mkdirSync(path);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
  }
}

function requireFolder(path: string, name: string): void {
  const kind = kindOf(path);
  if (kind === 'link') throw linkError(name, 'replace it with a real folder');
  if (kind !== 'folder') {
    throw Object.assign(
      new Error(`${name} is not a folder; move it away, and audit-hooks makes the folder`),
      { code: 'ENOTDIR' },
    );
  }
}

function linkError(name: string, fix: string): Error {
  return Object.assign(
    new Error(`${name} is a symbolic link; audit-hooks never follows links under logs/ (${fix})`),
    { code: 'ELOOP' },
  );
}

// How much of a shard's end is read to find its last seq: many entries, at most a few reads.
const TAIL_WINDOW = 64 * 1024;

/**
 * The highest `seq` the session wrote in its newest shard: the live one, else its newest
 * claimed copy (`logs/active/.claimed/<set>/<shard>`, where consolidation moves it). Once
 * a consolidation released the claim, a new shard starts at 1 again; its entries are
 * later than everything consolidated by at least that consolidation's run, so (timestamp,
 * session, seq) order stays write order.
 */
function lastSeqOfSession(root: string, sessionId: string, shardFile: string): number {
  try {
    return newestSeq(root, sessionId, shardFile);
  } catch {
    // An unreadable claim folder must not stop the entry: the envelope still orders it.
    return 0;
  }
}

function newestSeq(root: string, sessionId: string, shardFile: string): number {
  const live = tailSeq(shardFile);
  if (live !== undefined) return live;
  const claimed = join(root, ACTIVE_DIR, '.claimed');
  if (kindOf(claimed) !== 'folder') return 0;
  const suffix = `_${sessionId}`;
  let best: { name: string; path: string } | undefined;
  const consider = (dir: string, name: string) => {
    // Flat v1 claims are `<shard>~<run>.jsonl`; v2 claims keep the shard's own name.
    const base = name.replace(/~[^/]*\.jsonl$/, '.jsonl');
    if (!SHARD_NAME_PATTERN.test(base) || !base.endsWith(`${suffix}.jsonl`)) return;
    if (best === undefined || name > best.name) best = { name, path: join(dir, name) };
  };
  for (const name of readdirSync(claimed)) {
    const path = join(claimed, name);
    const kind = kindOf(path);
    if (kind === 'folder') for (const inner of readdirSync(path)) consider(path, inner);
    else if (kind === 'other') consider(claimed, name);
  }
  return best === undefined ? 0 : (tailSeq(best.path) ?? 0);
}

/** The highest top-level `seq` among the last complete lines of `file`; none if it has none. */
function tailSeq(file: string): number | undefined {
  let fd: number;
  try {
    fd = openSync(file, constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK);
  } catch {
    return undefined;
  }
  try {
    const stat = fstatSync(fd);
    if (!stat.isFile() || stat.size === 0) return undefined;
    for (const window of [TAIL_WINDOW, MAX_LINE_BYTES + 1]) {
      const length = Math.min(stat.size, window);
      const buffer = Buffer.alloc(length);
      const read = readSync(fd, buffer, 0, length, stat.size - length);
      const text = buffer.subarray(0, read).toString('utf8');
      const lines = text.split('\n');
      lines.pop(); // after the last newline: empty, or a line still being written
      if (length < stat.size) lines.shift(); // may start mid-line
      let highest: number | undefined;
      for (const line of lines) {
        const seq = seqOfLine(line);
        if (seq !== undefined && (highest === undefined || seq > highest)) highest = seq;
      }
      if (highest !== undefined || length === stat.size) return highest;
    }
    return undefined;
  } finally {
    closeSync(fd);
  }
}

// The envelope as the writer writes it, first in the line: its `seq` is the top-level one.
const ENVELOPE_SEQ =
  /^\{"id":"[^"\\]*","timestamp":"[^"\\]*","session_id":"[A-Za-z0-9_-]*","seq":(\d{1,15})[,}]/;

function seqOfLine(line: string): number | undefined {
  // Most lines are the writer's own: read their seq without parsing the whole line.
  const envelope = ENVELOPE_SEQ.exec(line);
  if (envelope !== null && line.endsWith('}')) return Number(envelope[1]);
  try {
    const seq = (JSON.parse(line) as { seq?: unknown }).seq;
    return typeof seq === 'number' && Number.isSafeInteger(seq) && seq >= 0 ? seq : undefined;
  } catch {
    return undefined;
  }
}
