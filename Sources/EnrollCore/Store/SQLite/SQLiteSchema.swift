import GRDB

/// The database schema. Migrations are registered by name and never edited once shipped.
enum SQLiteSchema {
    static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1") { db in
            try db.create(table: "applications") { t in
                t.primaryKey("id", .text)
                t.column("form", .text).notNull()
                t.column("collection_number", .text).notNull().unique()
                t.column("status", .text).notNull()
                t.column("current_revision", .integer).notNull()
                t.column("current_digest", .text).notNull()
                t.column("station", .text).notNull()
                t.column("child_id", .text).indexed()
                t.column("school", .text)
                t.column("reasons", .text).notNull()
                t.column("first_imported_at", .text).notNull()
                t.column("updated_at", .text).notNull()
            }
            try db.create(table: "revisions") { t in
                t.primaryKey("digest", .text)
                t.column("application_id", .text).notNull().indexed()
                t.column("revision", .integer).notNull()
                t.column("previous", .text)
                t.column("kind", .text).notNull()
                t.column("station", .text).notNull()
                t.column("key_id", .text).notNull()
                t.column("state", .text).notNull()
                t.column("form_json", .text)
                t.column("imported_at", .text).notNull()
                t.column("source", .text).notNull()
            }
            try db.create(table: "files") { t in
                t.column("digest", .text).notNull().references("revisions", onDelete: .restrict)
                t.column("path", .text).notNull()
                t.column("object", .text).notNull()
                t.column("size", .integer).notNull()
                t.primaryKey(["digest", "path"])
            }
            try db.create(table: "phones") { t in
                t.column("application_id", .text).notNull().indexed()
                t.column("phone", .text).notNull().indexed()
                t.primaryKey(["application_id", "phone"])
            }
            try db.create(table: "flags") { t in
                t.column("application_id", .text).notNull().indexed()
                t.column("flag", .text).notNull()
                t.column("detail", .text).notNull()
                t.column("created_at", .text).notNull()
                t.primaryKey(["application_id", "flag", "detail"])
            }
            try db.create(table: "quarantine") { t in
                t.primaryKey("key", .text)
                t.column("source", .text).notNull()
                t.column("application_id", .text)
                t.column("revision", .integer)
                t.column("reasons", .text).notNull()
                t.column("at", .text).notNull()
            }
            try db.create(table: "events") { t in
                t.autoIncrementedPrimaryKey("seq")
                t.column("at", .text).notNull()
                t.column("actor", .text).notNull()
                t.column("application_id", .text).indexed()
                t.column("action", .text).notNull()
                t.column("detail", .text).notNull()
            }
            // The audit log is append-only: the database itself refuses changes and deletions.
            try db.execute(sql: """
                CREATE TRIGGER events_append_only_update BEFORE UPDATE ON events
                BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;
                CREATE TRIGGER events_append_only_delete BEFORE DELETE ON events
                BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;
                """)
            try db.create(table: "trust_keys") { t in
                t.primaryKey("key_id", .text)
                t.column("station", .text).notNull()
                t.column("public_key", .text).notNull()
                t.column("added_at", .text).notNull()
                t.column("added_by", .text).notNull()
                t.column("note", .text).notNull()
            }
            try db.create(table: "revocations") { t in
                t.primaryKey("key_id", .text)
                t.column("revoked_at", .text).notNull()
                t.column("revoked_by", .text).notNull()
                t.column("reason", .text).notNull()
            }
            try db.create(table: "counters") { t in
                t.primaryKey("year", .integer)
                t.column("next", .integer).notNull()
            }
        }
        migrator.registerMigration("v2-constraints", migrate: SQLiteSchema.v2)
        migrator.registerMigration("v3-held-revisions", migrate: SQLiteSchema.v3)
        migrator.registerMigration("v4-number-blocks", migrate: SQLiteSchema.v4)
        migrator.registerMigration("v5-store-district", migrate: SQLiteSchema.v5)
        migrator.registerMigration("v6-schools", migrate: SQLiteSchema.v6)
        migrator.registerMigration("v7-accounts", migrate: SQLiteSchema.v7Accounts)
        return migrator
    }

    /// `v2-constraints`: foreign keys between applications, revisions, files, phones and flags,
    /// and CHECK constraints on statuses, states, kinds, numbers and JSON columns. SQLite cannot
    /// add constraints to a table, so each table is rebuilt (SQLite's documented procedure:
    /// create the new table, copy, drop the old one, rename); the migrator runs with foreign
    /// keys off and checks them all before it commits. The audit log is not rebuilt: it keeps
    /// its rows, its sequence numbers and its append-only triggers.
    static func v2(_ db: Database) throws {
        try db.execute(sql: """
            CREATE TABLE new_applications (
                id TEXT PRIMARY KEY NOT NULL CHECK (length(id) = 36),
                form TEXT NOT NULL CHECK (form <> ''),
                collection_number TEXT NOT NULL UNIQUE
                    CHECK (length(collection_number) = 8 AND collection_number NOT GLOB '*[^0-9]*'),
                status TEXT NOT NULL CHECK (status IN ('received', 'verified', 'rejected', 'admitted', 'withdrawn')),
                current_revision INTEGER NOT NULL CHECK (current_revision >= 1),
                current_digest TEXT NOT NULL REFERENCES revisions(digest) DEFERRABLE INITIALLY DEFERRED,
                station TEXT NOT NULL,
                child_id TEXT,
                school TEXT,
                reasons TEXT NOT NULL CHECK (json_valid(reasons) AND json_type(reasons) = 'array'),
                first_imported_at TEXT NOT NULL,
                updated_at TEXT NOT NULL,
                CHECK (status <> 'admitted' OR (school IS NOT NULL AND school <> ''))
            );
            CREATE TABLE new_revisions (
                digest TEXT PRIMARY KEY NOT NULL CHECK (length(digest) = 64 AND digest NOT GLOB '*[^0-9a-f]*'),
                application_id TEXT NOT NULL REFERENCES applications(id) DEFERRABLE INITIALLY DEFERRED,
                revision INTEGER NOT NULL CHECK (revision >= 1),
                previous TEXT CHECK (previous IS NULL OR length(previous) = 64),
                kind TEXT NOT NULL CHECK (kind IN ('application', 'withdrawal')),
                station TEXT NOT NULL,
                key_id TEXT NOT NULL,
                state TEXT NOT NULL CHECK (state IN ('current', 'superseded', 'conflict')),
                form_json TEXT CHECK (form_json IS NULL OR json_valid(form_json)),
                imported_at TEXT NOT NULL,
                source TEXT NOT NULL
            );
            CREATE TABLE new_files (
                digest TEXT NOT NULL REFERENCES revisions(digest) ON DELETE RESTRICT,
                path TEXT NOT NULL CHECK (path <> ''),
                object TEXT NOT NULL CHECK (length(object) = 64 AND object NOT GLOB '*[^0-9a-f]*'),
                size INTEGER NOT NULL CHECK (size >= 0),
                PRIMARY KEY (digest, path)
            );
            CREATE TABLE new_phones (
                application_id TEXT NOT NULL REFERENCES applications(id) ON DELETE CASCADE,
                phone TEXT NOT NULL CHECK (phone <> ''),
                PRIMARY KEY (application_id, phone)
            );
            CREATE TABLE new_flags (
                application_id TEXT NOT NULL REFERENCES applications(id) ON DELETE CASCADE,
                flag TEXT NOT NULL CHECK (flag <> ''),
                detail TEXT NOT NULL,
                created_at TEXT NOT NULL,
                PRIMARY KEY (application_id, flag, detail)
            );
            CREATE TABLE new_quarantine (
                key TEXT PRIMARY KEY NOT NULL,
                source TEXT NOT NULL,
                application_id TEXT,
                revision INTEGER CHECK (revision IS NULL OR revision >= 1),
                reasons TEXT NOT NULL CHECK (json_valid(reasons) AND json_type(reasons) = 'array'),
                at TEXT NOT NULL
            );
            INSERT INTO new_applications SELECT id, form, collection_number, status, current_revision, current_digest, station,
                child_id, school, reasons, first_imported_at, updated_at FROM applications;
            INSERT INTO new_revisions SELECT digest, application_id, revision, previous, kind, station, key_id, state, form_json,
                imported_at, source FROM revisions;
            INSERT INTO new_files SELECT digest, path, object, size FROM files;
            INSERT INTO new_phones SELECT application_id, phone FROM phones;
            INSERT INTO new_flags SELECT application_id, flag, detail, created_at FROM flags;
            INSERT INTO new_quarantine SELECT key, source, application_id, revision, reasons, at FROM quarantine;
            DROP TABLE files;
            DROP TABLE phones;
            DROP TABLE flags;
            DROP TABLE quarantine;
            DROP TABLE revisions;
            DROP TABLE applications;
            ALTER TABLE new_applications RENAME TO applications;
            ALTER TABLE new_revisions RENAME TO revisions;
            ALTER TABLE new_files RENAME TO files;
            ALTER TABLE new_phones RENAME TO phones;
            ALTER TABLE new_flags RENAME TO flags;
            ALTER TABLE new_quarantine RENAME TO quarantine;
            CREATE INDEX applications_on_child_id ON applications(child_id);
            CREATE INDEX applications_on_status ON applications(status);
            CREATE INDEX applications_on_station ON applications(station);
            CREATE INDEX revisions_on_application_id ON revisions(application_id);
            CREATE INDEX phones_on_phone ON phones(phone);
            CREATE INDEX flags_on_flag ON flags(flag);
            """)
    }

    /// `v3-held-revisions`: the submit lock and the revision kinds of the seeds' workflow
    /// (DESIGN §12). The revisions table is rebuilt (SQLite's documented procedure, as in
    /// `v2-constraints`) so that its CHECK constraints admit the states `held` and `refused`
    /// and the kinds `name-change`, `school-change`, `authorization` and
    /// `authorization-revoked`, and it gains `facts`: what the cross-application rules read
    /// from a revision, kept for a held revision until it is accepted.
    static func v3(_ db: Database) throws {
        try db.execute(sql: """
            CREATE TABLE new_revisions (
                digest TEXT PRIMARY KEY NOT NULL CHECK (length(digest) = 64 AND digest NOT GLOB '*[^0-9a-f]*'),
                application_id TEXT NOT NULL REFERENCES applications(id) DEFERRABLE INITIALLY DEFERRED,
                revision INTEGER NOT NULL CHECK (revision >= 1),
                previous TEXT CHECK (previous IS NULL OR length(previous) = 64),
                kind TEXT NOT NULL CHECK (kind IN ('application', 'withdrawal', 'name-change', 'school-change',
                    'authorization', 'authorization-revoked')),
                station TEXT NOT NULL,
                key_id TEXT NOT NULL,
                state TEXT NOT NULL CHECK (state IN ('current', 'superseded', 'conflict', 'held', 'refused')),
                form_json TEXT CHECK (form_json IS NULL OR json_valid(form_json)),
                imported_at TEXT NOT NULL,
                source TEXT NOT NULL,
                facts TEXT CHECK (facts IS NULL OR json_valid(facts))
            );
            INSERT INTO new_revisions SELECT digest, application_id, revision, previous, kind, station, key_id, state, form_json,
                imported_at, source, NULL FROM revisions;
            DROP TABLE revisions;
            ALTER TABLE new_revisions RENAME TO revisions;
            CREATE INDEX revisions_on_application_id ON revisions(application_id);
            """)
    }

    /// `v4-number-blocks`: the collection-number blocks issued to stations (`enroll numbers
    /// issue`). Numbers are kept as their 6-digit sequence within the two-digit year, the same
    /// counter (`counters`) the import assigns from.
    static func v4(_ db: Database) throws {
        try db.execute(sql: """
            CREATE TABLE number_blocks (
                id INTEGER PRIMARY KEY AUTOINCREMENT,
                station TEXT NOT NULL CHECK (station <> ''),
                year INTEGER NOT NULL CHECK (year >= 2000),
                first INTEGER NOT NULL CHECK (first >= 1 AND first <= 999999),
                last INTEGER NOT NULL CHECK (last >= first AND last <= 999999),
                issued_at TEXT NOT NULL,
                issued_by TEXT NOT NULL
            );
            CREATE INDEX number_blocks_on_station ON number_blocks(station);
            """)
    }

    /// `v5-store-district`: the district a store serves (`store_settings`, key `district`) and
    /// each application's district (`applications.district`, the value at the form's
    /// `applicationDistrict`). Existing applications get theirs from the current revision's
    /// form data at `/application/district`, where every form of this release keeps it.
    static func v5(_ db: Database) throws {
        try db.execute(sql: """
            CREATE TABLE store_settings (
                key TEXT PRIMARY KEY NOT NULL CHECK (key <> ''),
                value TEXT NOT NULL
            );
            ALTER TABLE applications ADD COLUMN district TEXT;
            UPDATE applications SET district = (
                SELECT json_extract(r.form_json, '$.application.district') FROM revisions r WHERE r.digest = applications.current_digest);
            CREATE INDEX applications_on_district ON applications(district);
            """)
    }

    /// `v6-schools`: the district's school list (`enroll schools add`), read for the families'
    /// answers (学校地址, 学校负责人, 学校联系电话).
    static func v6(_ db: Database) throws {
        try db.execute(sql: """
            CREATE TABLE schools (
                name TEXT PRIMARY KEY NOT NULL CHECK (name <> ''),
                district TEXT,
                address TEXT NOT NULL,
                contact TEXT NOT NULL,
                phone TEXT NOT NULL
            );
            """)
    }

    /// `v7-accounts`: the review desk's clerks (bcrypt hashes, roles, sign-in failures and
    /// locks), their sessions (the token's SHA-256 only), the common rejection reasons, and the
    /// indexes the queue sorts and filters by.
    static func v7Accounts(_ db: Database) throws {
        try db.execute(sql: """
            CREATE TABLE accounts (
                name TEXT PRIMARY KEY NOT NULL CHECK (name <> '' AND length(name) <= 64),
                role TEXT NOT NULL CHECK (role IN ('reviewer', 'admin')),
                password_hash TEXT NOT NULL CHECK (password_hash GLOB '$2[abxy]$*'),
                disabled INTEGER NOT NULL DEFAULT 0 CHECK (disabled IN (0, 1)),
                failed_logins INTEGER NOT NULL DEFAULT 0 CHECK (failed_logins >= 0),
                locked_until TEXT,
                created_at TEXT NOT NULL,
                created_by TEXT NOT NULL
            );
            CREATE TABLE sessions (
                token_digest TEXT PRIMARY KEY NOT NULL CHECK (length(token_digest) = 64 AND token_digest NOT GLOB '*[^0-9a-f]*'),
                account TEXT NOT NULL REFERENCES accounts(name) ON DELETE CASCADE,
                created_at TEXT NOT NULL,
                expires_at TEXT NOT NULL
            );
            CREATE INDEX sessions_on_account ON sessions(account);
            CREATE TABLE review_reasons (
                id INTEGER PRIMARY KEY AUTOINCREMENT,
                text TEXT NOT NULL UNIQUE CHECK (text <> ''),
                added_by TEXT NOT NULL,
                added_at TEXT NOT NULL
            );
            CREATE INDEX applications_on_form ON applications(form);
            CREATE INDEX applications_on_school ON applications(school);
            CREATE INDEX applications_on_updated_at ON applications(updated_at);
            CREATE INDEX applications_on_first_imported_at ON applications(first_imported_at);
            """)
    }
}
