// Space held back on the SQLite store's disk so that a full disk does not stall pickup. On a
// full disk SQLite cannot delete either: a DELETE writes its pages to the WAL first, so the
// acknowledgement that would drain a queue fails like the forward that filled it (measured on a
// 6 MB tmpfs: no DELETE succeeded until 1 MB was freed, after which all 705 queued rows went).
// So a file of `bytes` is kept in the data folder; when a write meets a full disk the file is
// deleted, new messages are refused, acknowledgements go on in the space it gave back, and
// once the disk has room for the reserve and as much again (after the WAL is truncated) the
// file is written anew and messages are taken again.
import { closeSync, fsyncSync, openSync, rmSync, statSync, statfsSync, writeSync } from 'node:fs';
import { randomFillSync } from 'node:crypto';
import { join } from 'node:path';

export const RESERVE_FILE = 'disk-reserve';

export interface DiskReserveOptions {
  /** The data folder. */
  dir: string;
  bytes: number;
  /** Hand back space the store holds but does not need (SQLite: truncate the WAL); may throw. */
  compact?: () => void;
  /** How often to look for space while full (ms, default 1000). */
  checkEveryMs?: number;
}

export class DiskReserve {
  readonly path: string;
  readonly #o: DiskReserveOptions;
  #full = false;
  #timer: ReturnType<typeof setInterval> | undefined;

  constructor(o: DiskReserveOptions) {
    this.#o = o;
    this.path = join(o.dir, RESERVE_FILE);
    // A reserve that cannot be written at start: the disk is full already.
    if (!this.#held() && !this.#write()) this.#enterFull();
  }

  /** True while messages are refused: the reserve was spent and space has not come back. */
  get full(): boolean {
    return this.#full;
  }

  /**
   * A write met a full disk: give the reserve back (acknowledgements need it) and refuse new
   * messages until space returns. True when this call freed space, so the failed write, if it
   * was an acknowledgement, is worth one more try.
   */
  exhausted(): boolean {
    const freed = this.#held();
    rmSync(this.path, { force: true });
    this.#enterFull();
    return freed;
  }

  /** Look for space now (also done every checkEveryMs while full); true when no longer full. */
  check(): boolean {
    if (!this.#full) return true;
    try {
      this.#o.compact?.();
    } catch {
      /* a checkpoint that cannot finish now may next time */
    }
    let free: number;
    try {
      const s = statfsSync(this.#o.dir);
      free = s.bavail * s.bsize;
    } catch {
      return false;
    }
    // Room for the reserve and as much again, or taking messages would spend it at once.
    if (free < 2 * this.#o.bytes || !this.#write()) return false;
    this.#full = false;
    clearInterval(this.#timer);
    this.#timer = undefined;
    return true;
  }

  close(): void {
    clearInterval(this.#timer);
    this.#timer = undefined;
  }

  #enterFull(): void {
    this.#full = true;
    this.#timer ??= setInterval(() => this.check(), this.#o.checkEveryMs ?? 1000);
    this.#timer.unref();
  }

  #held(): boolean {
    try {
      return statSync(this.path).size >= this.#o.bytes;
    } catch {
      return false;
    }
  }

  /**
   * Write the reserve file; false (and no partial file) when the disk has not the room.
   * Random bytes: a compressing file system (ZFS, btrfs) would keep zeros in no space.
   */
  #write(): boolean {
    const chunk = randomFillSync(Buffer.allocUnsafe(Math.min(this.#o.bytes, 1 << 20)));
    let fd: number | undefined;
    try {
      fd = openSync(this.path, 'w', 0o600);
      for (let left = this.#o.bytes; left > 0; ) left -= writeSync(fd, chunk, 0, Math.min(left, chunk.length));
      fsyncSync(fd);
      closeSync(fd);
      return true;
    } catch {
      if (fd !== undefined) {
        try {
          closeSync(fd);
        } catch {
          /* closing is all that is left */
        }
      }
      rmSync(this.path, { force: true });
      return false;
    }
  }
}
