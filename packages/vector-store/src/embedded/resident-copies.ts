/**
 * The embedded store's in-memory copies of its small collections: which collections have one,
 * loading a copy from Lance on its first search (between writes), following every write, and
 * the row budget over all copies (the least recently searched copy goes first). A collection
 * past `maxRows` is searched through Lance until rows are deleted from it.
 */
import type { VectorMetric } from '../port.js';
import { ResidentCollection } from './resident-collection.js';

/** One collection as the copies see it: its rows in Lance, read between its writes. */
export interface ResidentSource {
  name: string;
  metric: VectorMetric;
  countRows(): Promise<number>;
  readRows(count: number): Promise<Record<string, unknown>[]>;
  /** Runs `work` between the collection's writes. */
  serialized<T>(work: () => Promise<T>): Promise<T>;
}

export class ResidentCopies {
  /** Loaded copies, least recently searched first. */
  private readonly copies = new Map<string, ResidentCollection>();
  private readonly loads = new Map<string, Promise<ResidentCollection | undefined>>();
  private readonly tooLarge = new Set<string>();

  constructor(
    private readonly maxRows: number,
    private readonly budgetRows: number,
  ) {}

  /** Whether searches of the collection are answered from memory rather than by Lance. */
  async searchedInMemory(source: ResidentSource): Promise<boolean> {
    if (this.maxRows <= 0 || this.tooLarge.has(source.name)) return false;
    const rows = await source.countRows().catch(() => Number.POSITIVE_INFINITY);
    return rows <= this.maxRows;
  }

  /** The collection's copy, loaded on first use, or undefined when it is searched by Lance. */
  async of(source: ResidentSource): Promise<ResidentCollection | undefined> {
    const { name } = source;
    if (this.maxRows <= 0 || this.tooLarge.has(name)) return undefined;
    const copy = this.copies.get(name);
    if (copy) {
      this.copies.delete(name);
      this.copies.set(name, copy);
      return copy;
    }
    let load = this.loads.get(name);
    if (!load) {
      load = source.serialized(() => this.load(source)).finally(() => this.loads.delete(name));
      this.loads.set(name, load);
    }
    return load;
  }

  /**
   * Runs a write on Lance, then the same change on the copy. A failed write drops the copy (the
   * next search reloads it), so it never holds what Lance does not.
   */
  async followWrite<T>(
    name: string,
    change: (copy: ResidentCollection) => void,
    write: () => Promise<T>,
  ): Promise<T> {
    try {
      const result = await write();
      const copy = this.copies.get(name);
      if (copy) {
        change(copy);
        if (copy.size > this.maxRows) {
          this.copies.delete(name);
          this.tooLarge.add(name);
        }
      }
      return result;
    } catch (error) {
      this.copies.delete(name);
      throw error;
    }
  }

  /** Rows were deleted: a collection too large before may fit now. */
  shrank(name: string): void {
    this.tooLarge.delete(name);
  }

  drop(name: string): void {
    this.copies.delete(name);
    this.tooLarge.delete(name);
  }

  clear(): void {
    this.copies.clear();
    this.tooLarge.clear();
  }

  private async load(source: ResidentSource): Promise<ResidentCollection | undefined> {
    const { name } = source;
    const loaded = this.copies.get(name);
    if (loaded) return loaded;
    const count = await source.countRows();
    if (count > this.maxRows) {
      this.tooLarge.add(name);
      return undefined;
    }
    const copy = new ResidentCollection(source.metric);
    if (count > 0) copy.put(await source.readRows(count));
    let kept = copy.size;
    for (const other of this.copies.values()) kept += other.size;
    for (const [otherName, other] of this.copies) {
      if (kept <= this.budgetRows) break;
      kept -= other.size;
      this.copies.delete(otherName);
    }
    this.copies.set(name, copy);
    return copy;
  }
}
