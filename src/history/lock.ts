import { randomUUID } from 'node:crypto';
import { closeSync, openSync, readFileSync, statSync, unlinkSync, writeSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { AuditHooksError } from '../errors.js';
import * as messages from '../messages.js';

/** A held lock; `release()` removes it (only if it is still ours). */
export interface Lock {
  release(): void;
}

export interface LockOptions {
  /** How long to wait for a live holder before giving up (ms). */
  waitMs?: number;
  /** A lock older than this is stale even if its pid is alive (pid reuse). */
  staleMs?: number;
}

const POLL_MS = 25;

/**
 * Takes an exclusive lock file (`O_EXCL`), waiting for a live holder. A lock whose
 * holder died (pid gone) or that is older than `staleMs` is broken — under a second,
 * short-lived "breaker" lock, so that two waiters never both break and both take it.
 */
export async function acquireLock(path: string, options: LockOptions = {}): Promise<Lock> {
  const waitMs = options.waitMs ?? 30_000;
  const staleMs = options.staleMs ?? 10 * 60_000;
  const token = `${process.pid} ${randomUUID()}\n`;
  const deadline = Date.now() + waitMs;
  for (;;) {
    if (tryCreate(path, token)) return { release: () => releaseIfOurs(path, token) };
    const holder = readHolder(path);
    if (holder !== undefined && isStale(holder, staleMs)) {
      breakStale(path, holder.token, staleMs);
      continue;
    }
    if (Date.now() >= deadline) {
      throw new AuditHooksError(messages.lockBusy(path, holder?.pid));
    }
    await sleep(POLL_MS);
  }
}

function tryCreate(path: string, token: string): boolean {
  let fd: number;
  try {
    fd = openSync(path, 'wx', 0o644);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw error;
  }
  let written = false;
  try {
    written = writeSync(fd, token) === Buffer.byteLength(token);
    if (!written) throw new Error(`could not write ${path} (disk full?)`);
  } finally {
    closeSync(fd);
    // A lock without its token (disk full) would make the next run wait for nobody.
    if (!written) ignoreMissing(() => unlinkSync(path));
  }
  return true;
}

interface Holder {
  token: string;
  pid: number | undefined;
  ageMs: number;
}

function readHolder(path: string): Holder | undefined {
  try {
    const token = readFileSync(path, 'utf8');
    const ageMs = Date.now() - statSync(path).mtimeMs;
    const pid = Number.parseInt(token, 10);
    return { token, pid: Number.isInteger(pid) && pid > 0 ? pid : undefined, ageMs };
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
}

function isStale(holder: Holder, staleMs: number): boolean {
  if (holder.ageMs > staleMs) return true;
  // A holder writes its token right after creating the file (microseconds later); an
  // empty lock a second old belongs to a process that died in between, and must not
  // outlive a commit step's wait (2 s).
  if (holder.pid === undefined) return holder.ageMs > 1_000;
  return !isAlive(holder.pid);
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function breakStale(path: string, staleToken: string, staleMs: number): void {
  const breaker = `${path}.break`;
  const breakerHolder = readHolder(breaker);
  if (breakerHolder !== undefined && isStale(breakerHolder, Math.min(staleMs, 10_000))) {
    ignoreMissing(() => unlinkSync(breaker));
  }
  if (!tryCreate(breaker, `${process.pid}\n`)) return;
  try {
    // Under the breaker, re-check: another waiter may have broken it and taken it anew.
    if (readHolder(path)?.token === staleToken) ignoreMissing(() => unlinkSync(path));
  } finally {
    ignoreMissing(() => unlinkSync(breaker));
  }
}

function releaseIfOurs(path: string, token: string): void {
  if (readHolder(path)?.token === token) ignoreMissing(() => unlinkSync(path));
}

function ignoreMissing(fn: () => void): void {
  try {
    fn();
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
}
