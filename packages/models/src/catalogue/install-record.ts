/**
 * The sidecar written beside every pulled model (`<file>.install.json`): which catalogue entry it
 * is, its verified sha256 and size, where it came from and when. `models list` reads it back.
 */
import { readFile, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

export interface InstallRecord {
  /** Catalogue id, absent for a file pulled by URL. */
  id?: string;
  file: string;
  sha256: string;
  sizeBytes: number;
  source: string;
  /** Whether the sha256 matched a known value (catalogue, --sha256 or the server's). */
  verified: boolean;
  installedAt: string;
}

const SIDECAR_SUFFIX = '.install.json';

export function installRecordPath(modelsDir: string, file: string): string {
  return join(modelsDir, `${file}${SIDECAR_SUFFIX}`);
}

export function isInstallRecordFile(name: string): boolean {
  return name.endsWith(SIDECAR_SUFFIX);
}

/** Writes the record atomically (temporary file, then rename). */
export async function writeInstallRecord(modelsDir: string, record: InstallRecord): Promise<void> {
  const path = installRecordPath(modelsDir, record.file);
  const temporary = `${path}.${process.pid}.tmp`;
  await writeFile(temporary, `${JSON.stringify(record, null, 2)}\n`);
  await rename(temporary, path);
}

/** The record beside `file`, or undefined when there is none or it is unreadable. */
export async function readInstallRecord(
  modelsDir: string,
  file: string,
): Promise<InstallRecord | undefined> {
  try {
    const parsed: unknown = JSON.parse(await readFile(installRecordPath(modelsDir, file), 'utf8'));
    return isInstallRecord(parsed) ? parsed : undefined;
  } catch {
    return undefined;
  }
}

export async function removeInstallRecord(modelsDir: string, file: string): Promise<void> {
  await rm(installRecordPath(modelsDir, file), { force: true });
}

function isInstallRecord(value: unknown): value is InstallRecord {
  if (typeof value !== 'object' || value === null) return false;
  const record = value as Record<string, unknown>;
  return (
    typeof record.file === 'string' &&
    typeof record.sha256 === 'string' &&
    typeof record.sizeBytes === 'number' &&
    typeof record.source === 'string' &&
    typeof record.installedAt === 'string'
  );
}
