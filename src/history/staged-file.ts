// A file written in a run's own folder as a stream: temp file, buffered writes, sha-256 of
// its bytes on the way, fsync, then a rename to a name derived from that hash. Batch files
// can be hundreds of megabytes, so they are never held in memory (write-file-atomic takes
// the whole content at once, and renames over an existing file, which batches never do).
import { createHash, type Hash } from 'node:crypto';
import {
  closeSync,
  constants,
  fsyncSync,
  openSync,
  renameSync,
  unlinkSync,
  writeSync,
} from 'node:fs';
import { join } from 'node:path';

const FLUSH_AT = 1024 * 1024;

export class StagedFile {
  /** Bytes of the file so far (written or buffered). */
  size = 0;
  /** Bytes written to disk so far. */
  bytes = 0;
  lines = 0;
  private readonly temp: string;
  private fd: number | undefined;
  private readonly hash: Hash = createHash('sha256');
  private readonly out = Buffer.allocUnsafe(FLUSH_AT);
  private used = 0;

  constructor(private readonly dir: string) {
    this.temp = join(dir, `.tmp-${process.pid}-${Math.random().toString(36).slice(2)}`);
    this.fd = openSync(
      this.temp,
      constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | (constants.O_NOFOLLOW ?? 0),
      0o644,
    );
  }

  /** Appends one line (its bytes, without the newline); the bytes are copied at once. */
  writeLine(bytes: Uint8Array): void {
    this.lines++;
    this.size += bytes.byteLength + 1;
    if (this.used + bytes.byteLength + 1 > this.out.length) {
      this.flush();
      if (bytes.byteLength + 1 > this.out.length) {
        this.write(bytes);
        this.write(NEWLINE);
        return;
      }
    }
    this.out.set(bytes, this.used);
    this.used += bytes.byteLength;
    this.out[this.used++] = 0x0a;
  }

  /** Makes the file whole and durable, and renames it to `name(sha256 hex)`; returns that name. */
  finish(name: (sha256: string) => string): string {
    this.flush();
    const fd = this.fd as number;
    fsyncSync(fd);
    closeSync(fd);
    this.fd = undefined;
    const final = name(this.hash.digest('hex'));
    renameSync(this.temp, join(this.dir, final));
    return final;
  }

  /** Throws the file away (after a failure). */
  abort(): void {
    if (this.fd !== undefined) closeSync(this.fd);
    this.fd = undefined;
    try {
      unlinkSync(this.temp);
    } catch {
      // already gone
    }
  }

  private flush(): void {
    if (this.used === 0) return;
    this.write(this.out.subarray(0, this.used));
    this.used = 0;
  }

  private write(data: Uint8Array): void {
    this.hash.update(data);
    for (let offset = 0; offset < data.byteLength; ) {
      const written = writeSync(this.fd as number, data, offset, data.byteLength - offset);
      if (written <= 0) throw new Error(`could not write ${this.temp}: no progress (disk full?)`);
      offset += written;
    }
    this.bytes += data.byteLength;
  }
}

const NEWLINE = Buffer.from('\n');
