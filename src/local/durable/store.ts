import { mkdir, readdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { EntityRecord, InstanceRecord } from './instance';

/**
 * Durable state on disk: one JSON file per instance and per entity, replaced atomically (write a temporary file, then
 * rename), so a host killed mid-write leaves the previous state intact. Writes to one file are serialised.
 */
export class StateStore {
  private readonly pending = new Map<string, Promise<void>>();
  private seq = 0;

  constructor(private readonly dir: string) {}

  async open(): Promise<void> {
    await mkdir(join(this.dir, 'instances'), { recursive: true });
    await mkdir(join(this.dir, 'entities'), { recursive: true });
  }

  saveInstance(record: InstanceRecord): Promise<void> {
    return this.write(join(this.dir, 'instances', fileName(record.instanceId)), record);
  }

  saveEntity(record: EntityRecord): Promise<void> {
    return this.write(join(this.dir, 'entities', fileName(record.schedulerId)), record);
  }

  async deleteInstance(instanceId: string): Promise<void> {
    const path = join(this.dir, 'instances', fileName(instanceId));
    await this.settled(path);
    await rm(path, { force: true });
  }

  loadInstances(): Promise<InstanceRecord[]> {
    return this.loadAll<InstanceRecord>('instances');
  }

  loadEntities(): Promise<EntityRecord[]> {
    return this.loadAll<EntityRecord>('entities');
  }

  /** Resolves once every write queued so far is on disk. */
  async flush(): Promise<void> {
    await Promise.all([...this.pending.values()]);
  }

  private write(path: string, value: unknown): Promise<void> {
    const text = JSON.stringify(value);
    const previous = this.pending.get(path) ?? Promise.resolve();
    const next = previous.then(async () => {
      const tmp = `${path}.${process.pid}.${this.seq++}.tmp`;
      await writeFile(tmp, text);
      await rename(tmp, path);
    });
    this.pending.set(path, next);
    void next.finally(() => {
      if (this.pending.get(path) === next) this.pending.delete(path);
    });
    return next;
  }

  private async settled(path: string): Promise<void> {
    await this.pending.get(path);
  }

  private async loadAll<T>(sub: string): Promise<T[]> {
    const dir = join(this.dir, sub);
    const names = (await readdir(dir)).filter((n) => n.endsWith('.json'));
    return Promise.all(names.map(async (n) => JSON.parse(await readFile(join(dir, n), 'utf8')) as T));
  }
}

function fileName(id: string): string {
  return `${Buffer.from(id).toString('base64url')}.json`;
}
