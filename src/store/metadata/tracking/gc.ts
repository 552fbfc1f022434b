/**
 * The model registry as a garbage-collection source: every registered version keeps its model
 * and example blobs (stored by `registerModel`, not as task artifacts, so no run references them),
 * and the runs that produced registered versions can be protected so lineage never dangles.
 *
 * Wire into `collectGarbage({ sources: [registryGcSource(home)], protectRuns: registeredRunIds(home) })`.
 */
import Database from 'better-sqlite3';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { GcRoot, GcSource } from '../../gc.js';
import type { BlobPointer } from '../../types.js';

function query<T>(home: string, sql: string): T[] {
  const file = join(home, 'meta.db');
  if (!existsSync(file)) return [];
  const db = new Database(file, { readonly: true, fileMustExist: true });
  try {
    const table = db.prepare(`SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'model_versions'`).get();
    return table ? (db.prepare(sql).all() as T[]) : [];
  } finally {
    db.close();
  }
}

export function registryGcSource(home: string): GcSource {
  return {
    name: 'model registry',
    *roots(): Iterable<GcRoot> {
      for (const row of query<{ artifact: string | null; example: string | null }>(home, 'SELECT artifact, example FROM model_versions')) {
        for (const text of [row.artifact, row.example]) {
          if (text === null) continue;
          const { digest, codec, bytes } = JSON.parse(text) as BlobPointer;
          yield { digest, codec, bytes };
        }
      }
    },
  };
}

/** Runs that produced a registered version (protect them so a version's lineage stays readable). */
export function registeredRunIds(home: string): string[] {
  return query<{ run_id: string }>(home, 'SELECT DISTINCT run_id FROM model_versions WHERE run_id IS NOT NULL').map((r) => r.run_id);
}
