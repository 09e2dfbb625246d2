import GRDB

extension SQLiteBackend {
    public func trustStore() throws -> TrustStore {
        try database.read { db in
            var store = TrustStore()
            for key in try TrustKeyRecord.fetchAll(db) {
                try store.add(SignifyPublicKey(bytes: Array(key.publicKey.utf8)), name: key.station, source: "store")
            }
            for revocation in try RevocationRecord.fetchAll(db) {
                if let id = KeyID(revocation.keyId) { store.revoke(id, reason: revocation.reason) }
            }
            return store
        }
    }

    public func trust(_ key: SignifyPublicKey, station: String, actor: String, note: String) throws {
        try database.write { db in
            if let existing = try TrustKeyRecord.fetchOne(db, key: key.keyID.description), existing.station != station {
                throw EnrollError.invalid(
                    .sigTrustDuplicate, Location(),
                    zh: "密钥 \(key.keyID) 已属于站点“\(existing.station)”。", en: "Key \(key.keyID) already belongs to station \"\(existing.station)\".")
            }
            try TrustKeyRecord(
                keyId: key.keyID.description, station: station, publicKey: String(decoding: key.fileContents, as: UTF8.self),
                addedAt: StoreClock.now(), addedBy: actor, note: note
            ).save(db)
            try Self.append(AuditEntry(actor: actor, action: .trustAdd, detail: ["keyId": key.keyID.description, "station": station, "note": note]), in: db)
        }
    }

    public func revoke(_ keyID: KeyID, actor: String, reason: String) throws {
        try database.write { db in
            try RevocationRecord(keyId: keyID.description, revokedAt: StoreClock.now(), revokedBy: actor, reason: reason).save(db)
            try Self.append(AuditEntry(actor: actor, action: .trustRevoke, detail: ["keyId": keyID.description, "reason": reason]), in: db)
        }
    }

    public func trustedKeys() throws -> [TrustedKey] {
        try database.read { db in
            let revocations = Dictionary(uniqueKeysWithValues: try RevocationRecord.fetchAll(db).map { ($0.keyId, $0) })
            return try TrustKeyRecord.order(TrustKeyRecord.Columns.station).fetchAll(db).map { key in
                let revocation = revocations[key.keyId]
                return TrustedKey(
                    keyId: key.keyId, station: key.station, addedAt: key.addedAt, addedBy: key.addedBy, note: key.note,
                    revokedAt: revocation?.revokedAt, revokedBy: revocation?.revokedBy, reason: revocation?.reason)
            }
        }
    }
}
