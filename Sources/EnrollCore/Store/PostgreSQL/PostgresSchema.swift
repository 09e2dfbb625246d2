import PostgresNIO

/// The PostgreSQL store's schema: named migrations, applied in order, each in its own
/// transaction and recorded in `schema_migrations`; never edited once shipped (a change is a
/// new migration appended to ``migrations``). Concurrent migrators wait for each other on an
/// advisory lock, so `enroll store migrate` and a process opening the store may race safely.
///
/// The tables are the SQLite store's (Store/SQLite/SQLiteSchema.swift, after `v7-accounts`),
/// with the same column names and texts; sequence numbers are `bigserial`; JSON columns keep
/// the JSON text as written (byte for byte, as the SQLite store does).
enum PostgresSchema {
    /// One migration: its name and statements.
    struct Migration {
        var name: String
        var statements: [PostgresQuery]
    }

    static let migrations: [Migration] = [
        Migration(name: "v1-city-store", statements: [
            """
            CREATE TABLE applications (
                id text PRIMARY KEY CHECK (length(id) = 36),
                form text NOT NULL CHECK (form <> ''),
                collection_number text NOT NULL UNIQUE CHECK (collection_number ~ '^[0-9]{8}$'),
                status text NOT NULL CHECK (status IN ('received', 'verified', 'rejected', 'admitted', 'withdrawn')),
                current_revision bigint NOT NULL CHECK (current_revision >= 1),
                current_digest text NOT NULL,
                station text NOT NULL,
                child_id text,
                school text,
                reasons text NOT NULL CHECK (jsonb_typeof(reasons::jsonb) = 'array'),
                first_imported_at text NOT NULL,
                updated_at text NOT NULL,
                district text,
                CHECK (status <> 'admitted' OR (school IS NOT NULL AND school <> ''))
            )
            """,
            """
            CREATE TABLE revisions (
                digest text PRIMARY KEY CHECK (digest ~ '^[0-9a-f]{64}$'),
                application_id text NOT NULL REFERENCES applications(id) DEFERRABLE INITIALLY DEFERRED,
                revision bigint NOT NULL CHECK (revision >= 1),
                previous text CHECK (previous IS NULL OR length(previous) = 64),
                kind text NOT NULL CHECK (kind IN ('application', 'withdrawal', 'name-change', 'school-change',
                    'authorization', 'authorization-revoked')),
                station text NOT NULL,
                key_id text NOT NULL,
                state text NOT NULL CHECK (state IN ('current', 'superseded', 'conflict', 'held', 'refused')),
                form_json text CHECK (form_json IS NULL OR form_json::jsonb IS NOT NULL),
                imported_at text NOT NULL,
                source text NOT NULL,
                facts text CHECK (facts IS NULL OR facts::jsonb IS NOT NULL)
            )
            """,
            """
            ALTER TABLE applications ADD CONSTRAINT applications_current_digest
                FOREIGN KEY (current_digest) REFERENCES revisions(digest) DEFERRABLE INITIALLY DEFERRED
            """,
            """
            CREATE TABLE files (
                digest text NOT NULL REFERENCES revisions(digest) ON DELETE RESTRICT,
                path text NOT NULL CHECK (path <> ''),
                object text NOT NULL CHECK (object ~ '^[0-9a-f]{64}$'),
                size bigint NOT NULL CHECK (size >= 0),
                PRIMARY KEY (digest, path)
            )
            """,
            """
            CREATE TABLE phones (
                application_id text NOT NULL REFERENCES applications(id) ON DELETE CASCADE,
                phone text NOT NULL CHECK (phone <> ''),
                PRIMARY KEY (application_id, phone)
            )
            """,
            """
            CREATE TABLE flags (
                application_id text NOT NULL REFERENCES applications(id) ON DELETE CASCADE,
                flag text NOT NULL CHECK (flag <> ''),
                detail text NOT NULL,
                created_at text NOT NULL,
                seq bigserial NOT NULL,
                PRIMARY KEY (application_id, flag, detail)
            )
            """,
            """
            CREATE TABLE quarantine (
                key text PRIMARY KEY,
                source text NOT NULL,
                application_id text,
                revision bigint CHECK (revision IS NULL OR revision >= 1),
                reasons text NOT NULL CHECK (jsonb_typeof(reasons::jsonb) = 'array'),
                at text NOT NULL,
                seq bigserial NOT NULL
            )
            """,
            """
            CREATE TABLE events (
                seq bigserial PRIMARY KEY,
                at text NOT NULL,
                actor text NOT NULL,
                application_id text,
                action text NOT NULL,
                detail text NOT NULL CHECK (jsonb_typeof(detail::jsonb) = 'object'),
                origin text,
                origin_seq bigint,
                CHECK ((origin IS NULL) = (origin_seq IS NULL))
            )
            """,
            // An event pushed from a district store (`enroll store push`) keeps where it came
            // from, so pushing again adds it once.
            "CREATE UNIQUE INDEX events_on_origin ON events(origin, origin_seq) WHERE origin IS NOT NULL",
            // The audit log is append-only in the database itself: a row trigger refuses UPDATE
            // and DELETE and a statement trigger refuses TRUNCATE, for every role (the owner too).
            """
            CREATE FUNCTION events_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN
                RAISE EXCEPTION 'the audit log is append-only (% refused)', TG_OP USING ERRCODE = 'insufficient_privilege';
            END
            $$
            """,
            """
            CREATE TRIGGER events_append_only_rows BEFORE UPDATE OR DELETE ON events
                FOR EACH ROW EXECUTE FUNCTION events_append_only()
            """,
            """
            CREATE TRIGGER events_append_only_truncate BEFORE TRUNCATE ON events
                FOR EACH STATEMENT EXECUTE FUNCTION events_append_only()
            """,
            """
            CREATE TABLE trust_keys (
                key_id text PRIMARY KEY,
                station text NOT NULL,
                public_key text NOT NULL,
                added_at text NOT NULL,
                added_by text NOT NULL,
                note text NOT NULL
            )
            """,
            """
            CREATE TABLE revocations (
                key_id text PRIMARY KEY,
                revoked_at text NOT NULL,
                revoked_by text NOT NULL,
                reason text NOT NULL
            )
            """,
            "CREATE TABLE counters (year bigint PRIMARY KEY, next bigint NOT NULL)",
            """
            CREATE TABLE number_blocks (
                id bigserial PRIMARY KEY,
                station text NOT NULL CHECK (station <> ''),
                year bigint NOT NULL CHECK (year >= 2000),
                first bigint NOT NULL CHECK (first >= 1 AND first <= 999999),
                last bigint NOT NULL CHECK (last >= first AND last <= 999999),
                issued_at text NOT NULL,
                issued_by text NOT NULL
            )
            """,
            "CREATE TABLE store_settings (key text PRIMARY KEY CHECK (key <> ''), value text NOT NULL)",
            """
            CREATE TABLE schools (
                name text PRIMARY KEY CHECK (name <> ''),
                district text,
                address text NOT NULL,
                contact text NOT NULL,
                phone text NOT NULL
            )
            """,
            """
            CREATE TABLE accounts (
                name text PRIMARY KEY CHECK (name <> '' AND length(name) <= 64),
                role text NOT NULL CHECK (role IN ('reviewer', 'admin')),
                password_hash text NOT NULL CHECK (password_hash ~ '^\\$2[abxy]\\$'),
                disabled boolean NOT NULL DEFAULT false,
                failed_logins bigint NOT NULL DEFAULT 0 CHECK (failed_logins >= 0),
                locked_until text,
                created_at text NOT NULL,
                created_by text NOT NULL
            )
            """,
            """
            CREATE TABLE sessions (
                token_digest text PRIMARY KEY CHECK (token_digest ~ '^[0-9a-f]{64}$'),
                account text NOT NULL REFERENCES accounts(name) ON DELETE CASCADE,
                created_at text NOT NULL,
                expires_at text NOT NULL
            )
            """,
            """
            CREATE TABLE review_reasons (
                id bigserial PRIMARY KEY,
                text text NOT NULL UNIQUE CHECK (text <> ''),
                added_by text NOT NULL,
                added_at text NOT NULL
            )
            """,
            "CREATE INDEX applications_on_child_id ON applications(child_id)",
            "CREATE INDEX applications_on_status ON applications(status)",
            "CREATE INDEX applications_on_station ON applications(station)",
            "CREATE INDEX applications_on_district ON applications(district)",
            "CREATE INDEX applications_on_form ON applications(form)",
            "CREATE INDEX applications_on_school ON applications(school)",
            "CREATE INDEX applications_on_updated_at ON applications(updated_at)",
            "CREATE INDEX applications_on_first_imported_at ON applications(first_imported_at)",
            "CREATE INDEX revisions_on_application_id ON revisions(application_id)",
            "CREATE INDEX phones_on_phone ON phones(phone)",
            "CREATE INDEX flags_on_flag ON flags(flag)",
            "CREATE INDEX events_on_application_id ON events(application_id)",
            "CREATE INDEX number_blocks_on_station ON number_blocks(station)",
            "CREATE INDEX sessions_on_account ON sessions(account)",
        ]),
    ]

    /// Applies every migration not yet recorded, in order.
    /// - Returns: The names of the migrations applied now.
    @discardableResult
    static func migrate(_ database: PostgresPool) throws -> [String] {
        try database.session { session in
            try session.execute("SELECT pg_advisory_lock(\(AdvisorySpace.migration.rawValue), 0)")
            defer { _ = try? session.execute("SELECT pg_advisory_unlock(\(AdvisorySpace.migration.rawValue), 0)") }
            try session.execute("CREATE TABLE IF NOT EXISTS schema_migrations (name text PRIMARY KEY, applied_at text NOT NULL)")
            let done = Set(try session.rows("SELECT name FROM schema_migrations").map { try $0.value("name", String.self) })
            var applied: [String] = []
            for migration in migrations where !done.contains(migration.name) {
                try session.execute("BEGIN")
                do {
                    for statement in migration.statements { try session.execute(statement) }
                    try session.execute("INSERT INTO schema_migrations (name, applied_at) VALUES (\(migration.name), \(StoreClock.now()))")
                    try session.execute("COMMIT")
                } catch {
                    _ = try? session.execute("ROLLBACK")
                    throw error
                }
                applied.append(migration.name)
            }
            return applied
        }
    }
}
