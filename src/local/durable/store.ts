import { hostname } from 'node:os';
import { mkdir, open, readdir, readFile, rename, rm, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import { DurableStateError } from './errors';
import type { EntityRecord, InstanceRecord } from './instance';
import { checkEntityRecord, checkInstanceRecord } from './state-check';

/**
 * Durable state on disk: one JSON file per instance and per entity, and `index.json` naming every one of them, so a
 * file that goes missing is noticed instead of its instance silently vanishing. Every write goes to a temporary file
 * that is fsync'd, renamed over the old one and followed by an fsync of the directory: a host killed at any point
 * (or a machine that loses power) leaves either the old or the new file, and a write that has resolved is on disk.
 * Writes to one file are serialised. One process per directory: `.lock` holds the owner's pid.
 */

interface Index {
  instances: string[];
  entities: string[];
}

export interface LoadedState {
  instances: InstanceRecord[];
  entities: EntityRecord[];
}

const INDEX = 'index.json';
const LOCK = '.lock';

export class StateStore {
  private readonly pending = new Map<string, Promise<void>>();
  private readonly indexed: Index = { instances: [], entities: [] };
  private seq = 0;
  private lockBody: string | undefined;

  constructor(private readonly dir: string) {}

  /** Takes the directory's lock, then reads and checks every file; on a problem releases the lock and changes nothing. */
  async open(): Promise<LoadedState> {
    await mkdir(this.dir, { recursive: true });
    await this.lock();
    try {
      const state = await this.load();
      await mkdir(join(this.dir, 'instances'), { recursive: true });
      await mkdir(join(this.dir, 'entities'), { recursive: true });
      return state;
    } catch (error) {
      await this.unlock();
      throw error;
    }
  }

  /** Waits for every queued write, then releases the lock. */
  async close(): Promise<void> {
    await this.flush();
    await this.unlock();
  }

  async saveInstance(record: InstanceRecord): Promise<void> {
    await this.write(join(this.dir, 'instances', fileName(record.instanceId)), record);
    await this.remember('instances', record.instanceId);
  }

  async saveEntity(record: EntityRecord): Promise<void> {
    await this.write(join(this.dir, 'entities', fileName(record.schedulerId)), record);
    await this.remember('entities', record.schedulerId);
  }

  /** Drops the instance from the index first: a host killed in between leaves a file the next start adopts, never a hole. */
  async deleteInstance(instanceId: string): Promise<void> {
    const path = join(this.dir, 'instances', fileName(instanceId));
    this.indexed.instances = this.indexed.instances.filter((id) => id !== instanceId);
    await this.writeIndex();
    await this.pending.get(path);
    await rm(path, { force: true });
  }

  /** Resolves once every write queued so far is on disk. */
  async flush(): Promise<void> {
    await Promise.all([...this.pending.values()]);
  }

  private async remember(kind: keyof Index, id: string): Promise<void> {
    if (this.indexed[kind].includes(id)) return;
    this.indexed[kind] = [...this.indexed[kind], id];
    await this.writeIndex();
  }

  private writeIndex(): Promise<void> {
    return this.write(join(this.dir, INDEX), { instances: this.indexed.instances, entities: this.indexed.entities });
  }

  private write(path: string, value: unknown): Promise<void> {
    // The text is taken now, so a write reflects the record as it was when the caller asked.
    const text = JSON.stringify(value);
    const previous = this.pending.get(path) ?? Promise.resolve();
    const next = previous.then(() => this.replace(path, text));
    this.pending.set(path, next);
    void next.then(
      () => this.forget(path, next),
      () => this.forget(path, next),
    );
    return next;
  }

  private forget(path: string, done: Promise<void>): void {
    if (this.pending.get(path) === done) this.pending.delete(path);
  }

  private async replace(path: string, text: string): Promise<void> {
    const tmp = `${path}.${process.pid}.${this.seq++}.tmp`;
    const file = await open(tmp, 'w');
    try {
      await file.writeFile(text);
      await file.sync();
    } finally {
      await file.close();
    }
    await rename(tmp, path);
    await syncDirectory(join(path, '..'));
  }

  private async load(): Promise<LoadedState> {
    const indexPath = join(this.dir, INDEX);
    const index = await readIndex(indexPath);
    const instances = await this.loadKind<InstanceRecord>('instances', index?.instances, checkInstanceRecord, (r) => r.instanceId, indexPath);
    const entities = await this.loadKind<EntityRecord>('entities', index?.entities, checkEntityRecord, (r) => r.schedulerId, indexPath);
    this.indexed.instances = instances.map((r) => r.instanceId);
    this.indexed.entities = entities.map((r) => r.schedulerId);
    return { instances, entities };
  }

  private async loadKind<T>(
    kind: keyof Index,
    named: string[] | undefined,
    check: (value: unknown) => string | undefined,
    idOf: (record: T) => string,
    indexPath: string,
  ): Promise<T[]> {
    const dir = join(this.dir, kind);
    const names = await listJson(dir);
    const records: T[] = [];
    for (const name of names) {
      const path = join(dir, name);
      const text = await readFile(path, 'utf8');
      if (text.trim() === '') throw new DurableStateError(path, 'is empty');
      let value: unknown;
      try {
        value = JSON.parse(text) as unknown;
      } catch {
        throw new DurableStateError(path, 'is not valid JSON (it may have been truncated)');
      }
      const problem = check(value);
      if (problem) throw new DurableStateError(path, problem);
      const record = value as T;
      if (fileName(idOf(record)) !== name) throw new DurableStateError(path, `holds "${idOf(record)}", which belongs in another file`);
      records.push(record);
    }
    // Files the index does not name are adopted (a host killed between writing a new file and the index leaves one).
    const present = new Set(records.map(idOf));
    for (const id of named ?? []) {
      if (!present.has(id)) throw new DurableStateError(join(dir, fileName(id)), `is missing, but ${indexPath} names it ("${id}")`);
    }
    return records;
  }

  private async lock(): Promise<void> {
    const path = join(this.dir, LOCK);
    const body = JSON.stringify({ pid: process.pid, host: hostname(), startedAt: new Date().toISOString() });
    for (let attempt = 0; attempt < 2; attempt++) {
      try {
        const file = await open(path, 'wx');
        try {
          await file.writeFile(body);
          await file.sync();
        } finally {
          await file.close();
        }
        this.lockBody = body;
        return;
      } catch (error) {
        if (!isCode(error, 'EEXIST')) throw error;
      }
      const owner = await readLock(path);
      if (!owner) {
        throw new DurableStateError(path, `is not a lock this engine can read; if no local host is using ${this.dir}, delete it`);
      }
      if (owner.host === hostname() && !isAlive(owner.pid)) {
        // Stale: its process is gone (killed, crashed). Taking it over is safe on this machine.
        await rm(path, { force: true });
        continue;
      }
      throw new DurableStateError(
        this.dir,
        `is in use by process ${owner.pid}${owner.host === hostname() ? '' : ` on ${owner.host}`} (since ${owner.startedAt}): ` +
          `stop that process first, or use another ROLLOUT_STATE_DIR`,
        'locked',
      );
    }
    throw new DurableStateError(path, 'keeps reappearing: another local host is starting on the same directory');
  }

  private async unlock(): Promise<void> {
    if (!this.lockBody) return;
    const path = join(this.dir, LOCK);
    const current = await readFile(path, 'utf8').catch(() => undefined);
    if (current === this.lockBody) await unlink(path).catch(() => undefined);
    this.lockBody = undefined;
  }
}

/** Makes the rename durable. Windows cannot open a directory for fsync (NTFS journals the rename itself). */
async function syncDirectory(dir: string): Promise<void> {
  let handle;
  try {
    handle = await open(dir, 'r');
    await handle.sync();
  } catch (error) {
    if (process.platform !== 'win32' || !['EISDIR', 'EPERM', 'EINVAL'].some((code) => isCode(error, code))) throw error;
  } finally {
    await handle?.close();
  }
}

async function readIndex(path: string): Promise<Index | undefined> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    // No index yet: a new directory, or one written before the index existed (its files are adopted).
    if (isCode(error, 'ENOENT')) return undefined;
    throw error;
  }
  let value: unknown;
  try {
    value = JSON.parse(text) as unknown;
  } catch {
    throw new DurableStateError(path, text.trim() === '' ? 'is empty' : 'is not valid JSON (it may have been truncated)');
  }
  const v = value as Partial<Index> | null;
  if (!v || typeof v !== 'object' || !isStringArray(v.instances) || !isStringArray(v.entities)) {
    throw new DurableStateError(path, 'is not an index of instances and entities');
  }
  return { instances: v.instances, entities: v.entities };
}

async function readLock(path: string): Promise<{ pid: number; host: string; startedAt: string } | undefined> {
  const text = await readFile(path, 'utf8').catch(() => '');
  try {
    const v = JSON.parse(text) as { pid?: unknown; host?: unknown; startedAt?: unknown };
    if (typeof v.pid === 'number' && typeof v.host === 'string' && typeof v.startedAt === 'string') return { pid: v.pid, host: v.host, startedAt: v.startedAt };
  } catch {
    return undefined;
  }
  return undefined;
}

async function listJson(dir: string): Promise<string[]> {
  try {
    return (await readdir(dir)).filter((n) => n.endsWith('.json')).sort();
  } catch (error) {
    if (isCode(error, 'ENOENT')) return [];
    throw error;
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: it exists but belongs to someone else.
    return !isCode(error, 'ESRCH');
  }
}

/** By shape, not `instanceof Error`: errors from node:fs may come from another realm (test runners' sandboxes). */
function isCode(error: unknown, code: string): boolean {
  return typeof error === 'object' && error !== null && (error as { code?: unknown }).code === code;
}

function isStringArray(value: unknown): value is string[] {
  return Array.isArray(value) && value.every((x) => typeof x === 'string');
}

function fileName(id: string): string {
  return `${Buffer.from(id).toString('base64url')}.json`;
}
