// Opening a SQLite database the way every Wedge process does: WAL journal,
// foreign keys on, and a busy timeout. `synchronous = NORMAL` in WAL mode
// survives a killed process (every committed transaction is in the WAL); the
// `durable` option asks for FULL, which also survives power loss.
import Database from 'better-sqlite3';

export type SqliteDatabase = Database.Database;

export function openDatabase(path: string, options: { durable?: boolean } = {}): SqliteDatabase {
  const db = new Database(path);
  db.pragma('journal_mode = WAL');
  db.pragma(`synchronous = ${options.durable ? 'FULL' : 'NORMAL'}`);
  db.pragma('foreign_keys = ON');
  db.pragma('busy_timeout = 5000');
  return db;
}
