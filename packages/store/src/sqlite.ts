// Opening a SQLite database the way every Wedge process does: WAL journal,
// foreign keys on, and a busy timeout. `synchronous = NORMAL` in WAL mode
// survives a killed process (every committed transaction is in the WAL); the
// `durable` option asks for FULL, which also survives power loss. `pageSize`
// applies to a database file being created (an existing one keeps its own).
import Database from 'better-sqlite3';

export type SqliteDatabase = Database.Database;

export function openDatabase(path: string, options: { durable?: boolean; pageSize?: number } = {}): SqliteDatabase {
  const pageSize = options.pageSize === undefined ? null : checkedPageSize(options.pageSize);
  const db = new Database(path);
  // Before WAL mode: the page size of a database in WAL mode cannot change.
  if (pageSize !== null) db.pragma(`page_size = ${pageSize}`);
  db.pragma('journal_mode = WAL');
  db.pragma(`synchronous = ${options.durable ? 'FULL' : 'NORMAL'}`);
  db.pragma('foreign_keys = ON');
  db.pragma('busy_timeout = 5000');
  return db;
}

/** SQLite's page sizes: a power of two from 512 to 65,536 bytes. */
function checkedPageSize(bytes: number): number {
  if (!Number.isInteger(bytes) || bytes < 512 || bytes > 65_536 || (bytes & (bytes - 1)) !== 0) {
    throw new RangeError(`openDatabase: page size ${bytes} is not a power of two from 512 to 65536`);
  }
  return bytes;
}
