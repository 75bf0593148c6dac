import { closeSync, openSync, writeSync } from 'node:fs';

/** Replaces a file atomically: temp file in the same folder, fsync, rename (write-file-atomic). */
export async function writeAtomic(path: string, content: string): Promise<void> {
  // Loaded only when something is written, so the hook's common no-op path stays light.
  const { default: writeFileAtomic } = await import('write-file-atomic');
  // write-file-atomic writes with one `fs.write` and ignores a short count, which is what
  // a nearly full disk returns: it would then rename a cut-short file over the partition.
  // So the bytes go into its temp file here, all of them or an error (ENOSPC), before its
  // fsync and rename; it writes nothing itself.
  const data = Buffer.from(content, 'utf8');
  await writeFileAtomic(path, Buffer.alloc(0), {
    fsync: true,
    tmpfileCreated: (tmpfile) => writeAll(tmpfile, data),
  });
}

function writeAll(file: string, data: Buffer): void {
  const fd = openSync(file, 'r+');
  try {
    for (let offset = 0; offset < data.length; ) {
      const written = writeSync(fd, data, offset, data.length - offset, offset);
      if (written <= 0) throw new Error(`could not write ${file}: no progress (disk full?)`);
      offset += written;
    }
  } finally {
    closeSync(fd);
  }
}
