import { dirname } from 'node:path';
import Database from 'better-sqlite3';
import {
  createEmptySync,
  makeDirectorySync,
  OWNER_ONLY_DIRECTORY,
  OWNER_ONLY_FILE,
  tightenSync,
} from '../files/owner-only';

const MESSAGES_TABLE = `
CREATE TABLE IF NOT EXISTS {name} (
  message_id       TEXT PRIMARY KEY,
  appointment_id   TEXT NOT NULL,
  accession_number TEXT NOT NULL,
  message_type     TEXT NOT NULL,
  target           TEXT NOT NULL,
  content_type     TEXT NOT NULL,
  payload          TEXT NOT NULL,
  traceparent      TEXT,
  status           TEXT NOT NULL
                   CHECK (status IN ('received', 'confirmed', 'rejected', 'unavailable')),
  reason           TEXT,
  resend           INTEGER NOT NULL DEFAULT 0,
  received_at      TEXT NOT NULL,
  outcome_at       TEXT,
  payload_purged_at TEXT,
  order_hash       TEXT
) STRICT;
`;

const SCHEMA = `
${MESSAGES_TABLE.replace('{name}', 'messages')}
CREATE INDEX IF NOT EXISTS messages_status ON messages (status);
CREATE TABLE IF NOT EXISTS outbox (
  seq             INTEGER PRIMARY KEY AUTOINCREMENT,
  event_id        TEXT NOT NULL UNIQUE,
  body            TEXT NOT NULL,
  traceparent     TEXT,
  state           TEXT NOT NULL DEFAULT 'pending' CHECK (state IN ('pending', 'refused')),
  refused_reason  TEXT,
  created_at      TEXT NOT NULL,
  sends           INTEGER NOT NULL DEFAULT 0,
  last_sent_at    TEXT
) STRICT;
CREATE INDEX IF NOT EXISTS outbox_state ON outbox (state, seq);
`;

/** The store's database, open and at the current schema. */
export interface StoreDatabase {
  readonly db: Database.Database;
  /**
   * Store paths that could not be made owner-only (the gateway does not own them, such as a
   * volume's root directory), for a warning at start.
   */
  readonly notPrivate: readonly string[];
}

/**
 * Opens the store's SQLite file (`:memory:` for none) owner-only, in WAL with full sync, and
 * brings a store from an earlier release to the current schema: the `messages` of the inbox and
 * the `outbox`.
 */
export function openStoreDatabase(file: string): StoreDatabase {
  const notPrivate = file === ':memory:' ? [] : makeStoreFilesPrivate(file);
  const db = new Database(file);
  db.pragma('journal_mode = WAL');
  // FULL: a receipt says "recorded durably"; it must survive a power cut, not only a crash.
  db.pragma('synchronous = FULL');
  db.pragma('busy_timeout = 5000');
  // A purged payload is overwritten on disk, not merely marked free for reuse.
  db.pragma('secure_delete = ON');
  migrateMessages(db);
  addResendColumn(db);
  addPayloadPurgedColumn(db);
  addOrderHashColumn(db);
  db.exec(SCHEMA);
  return { db, notPrivate };
}

/**
 * Stores made before the `unavailable` status (whose CHECK refuses it) are rebuilt with it, in
 * one transaction. Their "given up, target unreachable" rejections (`retryable = 1`, when the
 * column exists) become `unavailable`, so a resend still delivers them again.
 */
function migrateMessages(db: Database.Database): void {
  const table = db
    .prepare(`SELECT sql FROM sqlite_master WHERE type = 'table' AND name = 'messages'`)
    .get() as { sql: string } | undefined;
  if (!table || table.sql.includes("'unavailable'")) return;
  const columns = db.prepare('PRAGMA table_info(messages)').all() as Array<{ name: string }>;
  const givenUp = columns.some((column) => column.name === 'retryable')
    ? `CASE WHEN status = 'rejected' AND retryable = 1 THEN 'unavailable' ELSE status END`
    : 'status';
  db.transaction(() => {
    db.exec(MESSAGES_TABLE.replace('{name}', 'messages_migrated'));
    db.exec(
      `INSERT INTO messages_migrated (message_id, appointment_id, accession_number,
         message_type, target, content_type, payload, traceparent, status, reason, received_at,
         outcome_at)
       SELECT message_id, appointment_id, accession_number, message_type, target, content_type,
         payload, traceparent, ${givenUp}, reason, received_at, outcome_at FROM messages`,
    );
    db.exec('DROP TABLE messages');
    db.exec('ALTER TABLE messages_migrated RENAME TO messages');
  })();
}

/**
 * Stores made before resends were counted lack the `resend` column: it is added with 0, the
 * count of every send so far (a staff resend of one of their rejections then counts from 1).
 */
function addResendColumn(db: Database.Database): void {
  const columns = db.prepare('PRAGMA table_info(messages)').all() as Array<{ name: string }>;
  if (columns.length === 0 || columns.some((column) => column.name === 'resend')) return;
  db.exec('ALTER TABLE messages ADD COLUMN resend INTEGER NOT NULL DEFAULT 0');
}

/** Stores made before the payload retention lack `payload_purged_at`: none was purged. */
function addPayloadPurgedColumn(db: Database.Database): void {
  const columns = db.prepare('PRAGMA table_info(messages)').all() as Array<{ name: string }>;
  if (columns.length === 0 || columns.some((column) => column.name === 'payload_purged_at')) {
    return;
  }
  db.exec('ALTER TABLE messages ADD COLUMN payload_purged_at TEXT');
}

/**
 * Stores made before orders were sealed lack `order_hash` (the SHA-256 of a message's decrypted
 * order, which a later deliver of its id must match): their messages have none and are not
 * compared.
 */
function addOrderHashColumn(db: Database.Database): void {
  const columns = db.prepare('PRAGMA table_info(messages)').all() as Array<{ name: string }>;
  if (columns.length === 0 || columns.some((column) => column.name === 'order_hash')) return;
  db.exec('ALTER TABLE messages ADD COLUMN order_hash TEXT');
}

/**
 * The store holds patient data: its directory is owner-only (0700) and so are the database and
 * its WAL and shared-memory files (0600), whatever the umask. The database is created empty with
 * that mode before SQLite opens it, since SQLite would create it 0644 and gives the WAL and
 * shared-memory files the database's own mode; files an earlier release left readable are
 * tightened. Returns the paths it was not allowed to change.
 */
function makeStoreFilesPrivate(file: string): string[] {
  const directory = dirname(file);
  makeDirectorySync(directory);
  createEmptySync(file);
  const notPrivate: string[] = [];
  if (!tightenSync(directory, OWNER_ONLY_DIRECTORY)) notPrivate.push(directory);
  for (const path of [file, `${file}-wal`, `${file}-shm`]) {
    if (!tightenSync(path, OWNER_ONLY_FILE)) notPrivate.push(path);
  }
  return notPrivate;
}
