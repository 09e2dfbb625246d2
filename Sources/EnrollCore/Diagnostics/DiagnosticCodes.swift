/// The catalog of diagnostic codes: every code enroll raises, each documented.
///
/// docs/FORMATS.md lists the same codes; `DiagnosticCatalogTests` keeps the two equal and
/// fails on a member no source file uses.
extension DiagnosticCode {
    // MARK: BagIt

    /// The UTF-8 tag file starts with an unnecessary byte-order mark (BOM); it was ignored (bagit.txt of a bag before 0.97, or another tag file).
    public static let bagBomIgnored = DiagnosticCode("bag.bom-ignored")

    /// An enroll bundle must be BagIt 1.0 with UTF-8 tag files and no byte-order mark (DESIGN §3); this one is not (…).
    public static let bagBundleProfile = DiagnosticCode("bag.bundle-profile")

    /// bagit.txt is encoded in UTF-16; BagIt 0.97 and 1.0 require UTF-8 (RFC 8493 §2.1.1) — a warning for older versions.
    public static let bagDeclarationEncoding = DiagnosticCode("bag.declaration-encoding")

    /// The tag files are encoded in …; BagIt 1.0 (RFC 8493 §2.1.1) recommends UTF-8.
    public static let bagEncodingNotUTF8 = DiagnosticCode("bag.encoding-not-utf8")

    /// fetch.txt lists "…", which … does not; BagIt 1.0 requires every payload manifest to list it.
    public static let bagFetchUnlisted = DiagnosticCode("bag.fetch-unlisted")

    /// The label "…" ends in whitespace (allowed before BagIt 1.0); it is read without it.
    public static let bagInfoLabelWhitespace = DiagnosticCode("bag.info-label-whitespace")

    /// The path "…" is listed again with the same checksum; BagIt before 1.0 allows it, and the repeat was ignored.
    public static let bagManifestRepeated = DiagnosticCode("bag.manifest-repeated")

    /// The manifest algorithm "…" is not supported (md5, sha1, sha224, sha256, sha384 and sha512 are), so the manifest cannot be checked. Use sha256 or sha512.
    public static let bagAlgorithmUnsupported = DiagnosticCode("bag.algorithm-unsupported")

    /// … does not protect against deliberate tampering; use sha256 or sha512.
    public static let bagAlgorithmWeak = DiagnosticCode("bag.algorithm-weak")

    /// The tag file starts with a byte-order mark (BOM), which BagIt forbids. Save it again as UTF-8 without a BOM.
    public static let bagBom = DiagnosticCode("bag.bom")

    /// An enroll bundle must have manifest-sha256.txt and tagmanifest-sha256.txt.
    public static let bagBundleIncomplete = DiagnosticCode("bag.bundle-incomplete")

    /// The file could not be read as it was when checked (its size changed, it was removed or replaced, or reading failed: …). Make sure nothing is modifying the bundle and the storage is healthy, then pack it again.
    public static let bagChangedWhilePacking = DiagnosticCode("bag.changed-while-packing")

    /// The file's content does not match … (different … checksum): it was changed or damaged. Copy it again from its source.
    public static let bagChecksumMismatch = DiagnosticCode("bag.checksum-mismatch")

    /// bagit.txt must have exactly two lines: BagIt-Version and Tag-File-Character-Encoding.
    public static let bagDeclarationMalformed = DiagnosticCode("bag.declaration-malformed")

    /// bagit.txt is missing; this is not a BagIt bag.
    public static let bagDeclarationMissing = DiagnosticCode("bag.declaration-missing")

    /// The tag file is not valid UTF-8 (or not valid in the encoding bagit.txt declares). Save it again in that encoding.
    public static let bagEncoding = DiagnosticCode("bag.encoding")

    /// The declared tag-file encoding "…" cannot be decoded here (not an IANA character-set name this platform knows). Use UTF-8.
    public static let bagEncodingUnsupported = DiagnosticCode("bag.encoding-unsupported")

    /// The bundle has an extra tag file; the signature does not cover it and its content is not used.
    public static let bagExtraTagFile = DiagnosticCode("bag.extra-tag-file")

    /// Malformed fetch.txt line: expected "URL length data/path".
    public static let bagFetchMalformed = DiagnosticCode("bag.fetch-malformed")

    /// The file is listed in fetch.txt and has not been retrieved; enroll never downloads it.
    public static let bagFetchPending = DiagnosticCode("bag.fetch-pending")

    /// The file listed on line … of … does not exist. It may have been lost in copying; copy the bundle again from its source.
    public static let bagFileMissing = DiagnosticCode("bag.file-missing")

    /// The payload file is not listed in …: it was added afterwards and is not part of what was signed. Remove it or make the bag again.
    public static let bagFileUnlisted = DiagnosticCode("bag.file-unlisted")

    /// The file name "…" is the same as "…" after Unicode normalization, so the two cannot be told apart. Rename one of them.
    public static let bagFilenameCollision = DiagnosticCode("bag.filename-collision")

    /// A file name in this directory is not valid UTF-8 and cannot be listed in a manifest. Rename the file.
    public static let bagFilenameEncoding = DiagnosticCode("bag.filename-encoding")

    /// bag-info.txt has a blank line; it was ignored.
    public static let bagInfoBlankLine = DiagnosticCode("bag.info-blank-line")

    /// The field … has the invalid value "…": ….
    public static let bagInfoFieldInvalid = DiagnosticCode("bag.info-field-invalid")

    /// bag-info.txt lacks the field …: this is not a complete enroll bundle.
    public static let bagInfoFieldMissing = DiagnosticCode("bag.info-field-missing")

    /// The field … appears … times; it must appear once.
    public static let bagInfoFieldRepeated = DiagnosticCode("bag.info-field-repeated")

    /// The first line of bag-info.txt cannot be a continuation (it starts with whitespace).
    public static let bagInfoMalformed = DiagnosticCode("bag.info-malformed")

    /// The manifest has a blank line; it was ignored.
    public static let bagManifestBlankLine = DiagnosticCode("bag.manifest-blank-line")

    /// A manifest lists the same path twice.
    public static let bagManifestDuplicate = DiagnosticCode("bag.manifest-duplicate")

    /// Malformed manifest line: expected "checksum, whitespace, file path".
    public static let bagManifestMalformed = DiagnosticCode("bag.manifest-malformed")

    /// No payload manifest (manifest-<algorithm>.txt) was found.
    public static let bagManifestMissing = DiagnosticCode("bag.manifest-missing")

    /// The payload manifest lists "…", which is outside data/.
    public static let bagManifestPathOutsidePayload = DiagnosticCode("bag.manifest-path-outside-payload")

    /// The manifest line ends in whitespace; it was removed.
    public static let bagManifestTrailingWhitespace = DiagnosticCode("bag.manifest-trailing-whitespace")

    /// This is not a directory; a bag is a directory.
    public static let bagNotADirectory = DiagnosticCode("bag.not-a-directory")

    /// Payload-Oxum declares … bytes in … files; the payload has … bytes in … files. The payload is incomplete or was changed.
    public static let bagOxumMismatch = DiagnosticCode("bag.oxum-mismatch")

    /// The path "…" starts with "./"; it is read without the prefix.
    public static let bagPathDotPrefix = DiagnosticCode("bag.path-dot-prefix")

    /// The manifest path and the file name on disk differ in Unicode normalization (NFC/NFD); they are treated as the same file.
    public static let bagPathNormalization = DiagnosticCode("bag.path-normalization")

    /// The manifest path "…" is unsafe: ….
    public static let bagPathUnsafe = DiagnosticCode("bag.path-unsafe")

    /// The payload directory data/ is missing.
    public static let bagPayloadMissing = DiagnosticCode("bag.payload-missing")

    /// The bag contains a device, FIFO or socket, which is not accepted. Remove it.
    public static let bagSpecialFile = DiagnosticCode("bag.special-file")

    /// The bag contains a symbolic link, which could point outside the bag and is not accepted. Replace it with the real file.
    public static let bagSymlink = DiagnosticCode("bag.symlink")

    /// The tag file does not match …: it was changed after the bag was made.
    public static let bagTagChecksumMismatch = DiagnosticCode("bag.tag-checksum-mismatch")

    /// The tag file listed on line … of … does not exist.
    public static let bagTagFileMissing = DiagnosticCode("bag.tag-file-missing")

    /// tagmanifest-sha256.txt does not list …, so the signature does not cover it.
    public static let bagTagNotCovered = DiagnosticCode("bag.tag-not-covered")

    /// A tag manifest cannot list itself.
    public static let bagTagmanifestListsItself = DiagnosticCode("bag.tagmanifest-lists-itself")

    /// The tag manifest lists the payload file "…"; payload files belong in manifest-*.txt only.
    public static let bagTagmanifestListsPayload = DiagnosticCode("bag.tagmanifest-lists-payload")

    /// The previous revision is an unsigned draft and cannot be the base to …. Make the draft again with the changes, or sign it first.
    public static let bagUnsignedPrevious = DiagnosticCode("bag.unsigned-previous")

    /// Unsupported BagIt version "…" (0.93–0.97 and 1.0 are supported).
    public static let bagVersionUnsupported = DiagnosticCode("bag.version-unsupported")

    /// This application has been withdrawn and cannot be revised or withdrawn again. To apply again, make a new application.
    public static let bagWithdrawn = DiagnosticCode("bag.withdrawn")

    // MARK: Signatures and trust

    /// The bundle is already signed, and a signed bundle is never changed. To change it, make a new revision with enroll revise.
    public static let sigAlreadySigned = DiagnosticCode("sig.already-signed")

    /// The signature does not verify: the signed content was changed after signing, or the signature file is damaged (key …, …).
    public static let sigInvalid = DiagnosticCode("sig.invalid")

    /// The secret key's checksum does not match: the file is damaged or was changed. Use a backup or generate a new key.
    public static let sigKeyCorrupt = DiagnosticCode("sig.key-corrupt")

    /// This secret key is passphrase-protected (kdfrounds=…), which enroll does not support. Generate one without a passphrase with enroll keys generate or signify -G -n, and keep it safe (mode 0600).
    public static let sigKeyEncrypted = DiagnosticCode("sig.key-encrypted")

    /// The signing key … differs from Enroll-Key-ID … in bag-info.txt.
    public static let sigKeyMismatch = DiagnosticCode("sig.key-mismatch")

    /// The secret key file has mode … and can be read by other users. Run chmod 600 ….
    public static let sigKeyPermissions = DiagnosticCode("sig.key-permissions")

    /// A signify key or signature file is not in signify's format.
    public static let sigMalformed = DiagnosticCode("sig.malformed")

    /// The bundle is not signed (a draft). Sign it at the station with enroll sign before submitting it.
    public static let sigMissing = DiagnosticCode("sig.missing")

    /// A revocation line must start with a 16-digit hexadecimal key ID.
    public static let sigRevocationMalformed = DiagnosticCode("sig.revocation-malformed")

    /// The signing key …… has been revoked\(reason.isEmpty ?
    public static let sigRevokedKey = DiagnosticCode("sig.revoked-key")

    /// The bundle claims to come from station "…", but the signing key belongs to "…".
    public static let sigStationMismatch = DiagnosticCode("sig.station-mismatch")

    /// Key … already belongs to "…" (…); one key ID cannot belong to two stations.
    public static let sigTrustDuplicate = DiagnosticCode("sig.trust-duplicate")

    /// The trust directory does not exist or is not a directory. Name the directory that holds the stations' .pub keys.
    public static let sigTrustMissing = DiagnosticCode("sig.trust-missing")

    /// A `.age.pub` file in the trust directory is not an age recipients file (`age1…` lines).
    public static let sigTrustRecipientMalformed = DiagnosticCode("sig.trust-recipient-malformed")

    /// The signing key … is not in the trust store. If this is a new station, add its .pub key to the trust directory first.
    public static let sigUntrustedKey = DiagnosticCode("sig.untrusted-key")

    // MARK: Form data: JSON, schema, formats, rules

    /// A revision changes basic information given at registration (the child's ID type and number, birth date, the application district): it cannot change after submission.
    public static let formImmutableField = DiagnosticCode("form.immutable-field")

    /// A revision's kind does not fit what it changes: a field only a revision kind of its own changes (修改学生姓名, 修改填报学校) changed in a plain revision, the form has no such kind, or the kind's revision changes something else or nothing.
    public static let formRevisionKind = DiagnosticCode("form.revision-kind")

    /// Now is outside the form's collection window (x-enroll-windows), so the application cannot be submitted without the registrar's reason (--late-reason).
    public static let formOutsideWindow = DiagnosticCode("form.outside-window")

    /// The bundle records acceptance (Enroll-Notice-Accepted) of a notice text — 须知 or 个人信息保护政策 — whose id or version its form does not ship (x-enroll-notices).
    public static let formNoticeUnknown = DiagnosticCode("form.notice-unknown")

    /// The bundle records acceptance of a notice text with a SHA-256 that is not the text shipped with the form: the guardian accepted another text.
    public static let formNoticeDigest = DiagnosticCode("form.notice-digest")

    /// The form data is not valid JSON: …. Fix it and try again.
    public static let formJsonMalformed = DiagnosticCode("form.json-malformed")

    /// "…" is not in the expected form.
    public static let formPattern = DiagnosticCode("form.pattern")

    /// The required field "…" is missing.
    public static let formRequired = DiagnosticCode("form.required")

    /// A form schema in Schemas/ cannot be read or compiled; the installation is broken.
    public static let formSchemaInvalid = DiagnosticCode("form.schema-invalid")

    /// The form schema directory Schemas/ was not found. Name it with --schemas or set ENROLL_SCHEMAS.
    public static let formSchemasMissing = DiagnosticCode("form.schemas-missing")

    /// "…" has the wrong type: expected ….
    public static let formType = DiagnosticCode("form.type")

    /// The bundle's form "…" is not among this installation's forms (known: …). Update the form schemas.
    public static let formUnknown = DiagnosticCode("form.unknown")

    /// The form has no field "…" (at …). Remove it or check its spelling.
    public static let formUnknownField = DiagnosticCode("form.unknown-field")

    /// The bundle was filled in with form version …; this installation has … and checks against it.
    public static let formVersionMismatch = DiagnosticCode("form.version-mismatch")

    /// The withdrawal request's applicationId differs from bag-info.txt.
    public static let formWithdrawalMismatch = DiagnosticCode("form.withdrawal-mismatch")

    // MARK: Attachments

    /// The attachment "…" has … files; it must have ….
    public static let attachmentCount = DiagnosticCode("attachment.count")

    /// Attachments belong in data/attachments/<slot>/<n>.<ext>; this file is elsewhere.
    public static let attachmentLayout = DiagnosticCode("attachment.layout")

    /// The attachment "…" is not a recognised image (judged by its content). Allowed: \(slot.mediaTypes.map(\.rawValue).joined(separator:
    public static let attachmentMediaType = DiagnosticCode("attachment.media-type")

    /// The required attachment "…" is missing. Photograph the document and attach it.
    public static let attachmentMissing = DiagnosticCode("attachment.missing")

    /// The photo "…" is …×… pixels; it must be exactly …×….
    public static let attachmentPixelSize = DiagnosticCode("attachment.pixel-size")

    /// The attachment "…" is …, over the limit of …. Take it again at a lower resolution.
    public static let attachmentTooLarge = DiagnosticCode("attachment.too-large")

    /// The attachment "…" is incomplete (the file is cut off or damaged). Take it again.
    public static let attachmentTruncated = DiagnosticCode("attachment.truncated")

    /// The file is named ".…" but contains …. It may have been renamed or replaced.
    public static let attachmentTypeMismatch = DiagnosticCode("attachment.type-mismatch")

    /// The attachment is not a JPEG, PNG or PDF file (judged by its content, not its name). Take or scan it again as JPEG or PNG.
    public static let attachmentTypeUnknown = DiagnosticCode("attachment.type-unknown")

    /// The form "…" has no attachment slot "…". Its slots are: ….
    public static let attachmentUnknownSlot = DiagnosticCode("attachment.unknown-slot")

    // MARK: Transfer and status archives

    /// batch.txt is malformed: ….
    public static let archiveBatchMalformed = DiagnosticCode("archive.batch-malformed")

    /// The archive lacks batch.txt, so its completeness cannot be confirmed. Ask the station for an archive made with enroll pack.
    public static let archiveBatchMissing = DiagnosticCode("archive.batch-missing")

    /// The bundle differs from what was packed (its tag manifest checksum differs): it was changed in transit.
    public static let archiveBundleChanged = DiagnosticCode("archive.bundle-changed")

    /// batch.txt lists this bundle but the archive does not hold it. The archive is incomplete; copy it again.
    public static let archiveBundleMissing = DiagnosticCode("archive.bundle-missing")

    /// The files of bundle "…" are not together in the archive. Pack it again with enroll pack.
    public static let archiveBundleSplit = DiagnosticCode("archive.bundle-split")

    /// This bundle in the archive is not listed in batch.txt: it was added after packing.
    public static let archiveBundleUnlisted = DiagnosticCode("archive.bundle-unlisted")

    /// An archive entry expands beyond the allowed compression ratio (a decompression bomb).
    public static let archiveCompressionRatio = DiagnosticCode("archive.compression-ratio")

    /// The archive holds no bundle.
    public static let archiveCorrupt = DiagnosticCode("archive.corrupt")

    /// A bundle named "…" is already in this archive. Rename one of them and pack it separately.
    public static let archiveDuplicateBundle = DiagnosticCode("archive.duplicate-bundle")

    /// An archive holds the same entry name twice.
    public static let archiveDuplicateEntry = DiagnosticCode("archive.duplicate-entry")

    /// An archive entry is a symbolic link, hard link, device or other special file.
    public static let archiveEntryType = DiagnosticCode("archive.entry-type")

    /// An archive could not be read for a reason libarchive gives.
    public static let archiveFailed = DiagnosticCode("archive.failed")

    /// The archive file could not be read or written (a pulled USB stick, a full disk).
    public static let archiveIo = DiagnosticCode("archive.io")

    /// An archive holds more entries or bytes than the limits allow.
    public static let archiveLimit = DiagnosticCode("archive.limit")

    /// Two archive entries differ only in case or Unicode normalization, or a file and a directory share a name.
    public static let archiveNameCollision = DiagnosticCode("archive.name-collision")

    /// An archive entry's name is not valid UTF-8.
    public static let archiveNameEncoding = DiagnosticCode("archive.name-encoding")

    /// There is no bundle to pack (all were refused or none was given). No archive was written.
    public static let archiveNothingToPack = DiagnosticCode("archive.nothing-to-pack")

    /// An archive entry lies outside the batch directory.
    public static let archiveOutsideBatch = DiagnosticCode("archive.outside-batch")

    /// An archive entry holds more or fewer bytes than its header declares.
    public static let archiveSizeMismatch = DiagnosticCode("archive.size-mismatch")

    /// This is not an enroll status archive (status.json or its signature is missing).
    public static let archiveStatusMalformed = DiagnosticCode("archive.status-malformed")

    /// The status archive is version 1 (its entries carried recoverable child ID numbers) or a version this program does not read.
    public static let archiveStatusVersion = DiagnosticCode("archive.status-version")

    /// The archive or directory to write already exists and is never overwritten.
    public static let archiveTargetExists = DiagnosticCode("archive.target-exists")

    /// The archive holds an entry that belongs to no bundle. The archive may have been altered.
    public static let archiveUnexpectedEntry = DiagnosticCode("archive.unexpected-entry")

    /// An archive entry has an absolute path or `..`, which could write outside the destination.
    public static let archiveUnsafePath = DiagnosticCode("archive.unsafe-path")

    /// A source file changed, or is not a regular file, while the archive was written.
    public static let archiveWriteFailed = DiagnosticCode("archive.write-failed")

    // MARK: Import

    /// The application was already verified or admitted, so this revision does not change its status or decision: it is held for a reviewer (`enroll review accept-revision` / `refuse-revision`).
    public static let importRevisionHeld = DiagnosticCode("import.revision-held")

    /// The bundle was signed outside its form's collection window (Enroll-Signed-At); imported and flagged outside-window, with the registrar's reason if given.
    public static let importOutsideWindow = DiagnosticCode("import.outside-window")

    /// The bundle's collection number (Enroll-Collection-Number) is not from a block the district issued to its station, or another application already has it; quarantined.
    public static let importCollectionNumber = DiagnosticCode("import.collection-number")

    /// The bundle's application district is not the district this store serves (naming both); quarantined. Send it to its own district.
    public static let importWrongDistrict = DiagnosticCode("import.wrong-district")

    /// This year's 6-digit collection numbers are used up.
    public static let importCollectionNumbersExhausted = DiagnosticCode("import.collection-numbers-exhausted")

    /// Conflicting revision held for review: ….
    public static let importConflict = DiagnosticCode("import.conflict")

    /// A bundle could not be stored (its files or its transaction); it is quarantined and nothing of it is kept.
    public static let importFailed = DiagnosticCode("import.failed")

    /// The file changed during the import (its SHA-256 no longer matches the manifest); it was not imported.
    public static let importObjectChanged = DiagnosticCode("import.object-changed")

    /// Another import is writing to this store. Wait for it to finish before importing (viewing, reviewing and exporting are not affected).
    public static let importStoreBusy = DiagnosticCode("import.store-busy")

    /// Application … (collection number …) has been withdrawn; no later revision of it is accepted. To apply again, make a new application at the station.
    public static let importWithdrawn = DiagnosticCode("import.withdrawn")

    // MARK: The district store

    /// Cannot create the store directory: …
    public static let storeUnavailable = DiagnosticCode("store.unavailable")

    /// There is no answer for this application. The district may not have reviewed it yet, or this station has not taken in the latest status archive.
    public static let storeUnknownApplication = DiagnosticCode("store.unknown-application")

    /// This store serves another district; a store serves one district, set once (enroll store init).
    public static let storeDistrictMismatch = DiagnosticCode("store.district-mismatch")

    /// Application … has no revision ….
    public static let storeUnknownRevision = DiagnosticCode("store.unknown-revision")

    /// The school list to import names "…" twice; each school may appear once. Nothing was changed.
    public static let schoolsDuplicate = DiagnosticCode("schools.duplicate")

    /// A district store is pushed to the city store only once it serves its district (enroll store init --district); an application whose collection number another application holds in the city store is not pushed.
    public static let storePush = DiagnosticCode("store.push")

    // MARK: A station's own records

    /// A line of the station's bundle index (`bundles.tsv`) is malformed.
    public static let stationIndexMalformed = DiagnosticCode("station.index-malformed")

    /// This is not an enroll collection-number block (…). Use the file the district's enroll numbers issue wrote.
    public static let stationNumberBlock = DiagnosticCode("station.number-block")

    // MARK: Review decisions

    /// Application … is …; … is not allowed from there.
    public static let reviewNotAllowed = DiagnosticCode("review.not-allowed")

    /// Application … has no revision waiting for review (one signed after it was verified or admitted).
    public static let reviewNoHeldRevision = DiagnosticCode("review.no-held-revision")

    /// Rejecting or holding needs reasons (--reason); the family will see them.
    public static let reviewReasonMissing = DiagnosticCode("review.reason-missing")

    /// Admitting needs the school (--school).
    public static let reviewSchoolMissing = DiagnosticCode("review.school-missing")

    /// The application was changed by someone else (a decision or a new revision) after the reviewer opened it; the decision was not saved. Open it again, look, then decide.
    public static let reviewStale = DiagnosticCode("review.stale")

    // MARK: The district's clerks (accounts of the review desk)

    /// The account … exists already. To change its password use `enroll district user passwd`.
    public static let accountExists = DiagnosticCode("account.exists")

    /// There is no account …. See `enroll district user list` for the accounts.
    public static let accountUnknown = DiagnosticCode("account.unknown")

    /// This account is disabled; ask an administrator.
    public static let accountDisabled = DiagnosticCode("account.disabled")

    /// Too many wrong passwords: the account is locked until …. Try later, or ask an administrator to set a new password.
    public static let accountLocked = DiagnosticCode("account.locked")

    /// Wrong account name or password. After repeated failures you must wait, and then the account is locked for a while.
    public static let accountSignInFailed = DiagnosticCode("account.sign-in-failed")

    /// The account name … is not valid: use 1-64 letters, digits, dots, underscores or hyphens.
    public static let accountNameInvalid = DiagnosticCode("account.name-invalid")

    /// The password must be at least 8 characters and at most 72 bytes.
    public static let accountPasswordWeak = DiagnosticCode("account.password-weak")

    // MARK: The district's review desk (`enroll district serve`)

    /// This page of the review desk needs a signed-in clerk (or the session has expired). Sign in again.
    public static let webSignInRequired = DiagnosticCode("web.sign-in-required")

    /// This is an administrator's action; a reviewer's account cannot do it. Ask an administrator.
    public static let webForbidden = DiagnosticCode("web.forbidden")

    /// No application of that id that this account may see, or no document of that number in it.
    public static let webUnknownApplication = DiagnosticCode("web.unknown-application")

    // MARK: Printing (`enroll print`)

    /// The printout's content does not match its signature: it was altered or forged. Do not accept it.
    public static let printAltered = DiagnosticCode("print.altered")

    /// No printout with this check code was issued for the collection number: it may be forged or altered.
    public static let printCodeUnknown = DiagnosticCode("print.code-unknown")

    /// A field holds "|" or a line break, which a printout's QR code cannot carry. Correct the field first.
    public static let printFieldUnprintable = DiagnosticCode("print.field-unprintable")

    /// The application has not been admitted; no admission notice can be printed.
    public static let printNotAdmitted = DiagnosticCode("print.not-admitted")

    /// The application is on a non-local form; its collection form can be printed only once it is verified (审核通过).
    public static let printNotVerified = DiagnosticCode("print.not-verified")

    /// The application has no collection number yet. Take in the district's status archive first, then print.
    public static let printNumberMissing = DiagnosticCode("print.number-missing")

    /// The QR text is not an enroll printout payload (…). Scan it again or check the text entered.
    public static let printPayloadMalformed = DiagnosticCode("print.payload-malformed")

    /// No signing key was given to the web app, so it cannot issue this document. Start it with `--key`.
    public static let printKeyMissing = DiagnosticCode("print.key-missing")

    /// The PDF cannot be written: … (PrintKit's message: font, cairo or file error).
    public static let printRenderFailed = DiagnosticCode("print.render-failed")

    /// The printout was signed with key …, which is not in the trust directory, so it cannot be confirmed.
    public static let printUnknownKey = DiagnosticCode("print.unknown-key")

    /// The application was withdrawn; no documents are printed for it.
    public static let printWithdrawn = DiagnosticCode("print.withdrawn")

    // MARK: Files and I/O (exit 2)

    /// The target directory already exists and will not be overwritten. Choose another output path.
    public static let ioExists = DiagnosticCode("io.exists")

    /// A file or directory could not be read or written for a reason the system gives (permissions, disk full, a removed USB stick).
    public static let ioFailed = DiagnosticCode("io.failed")

    /// The path does not exist. Check its spelling.
    public static let ioNotFound = DiagnosticCode("io.not-found")

    // MARK: Usage (exit 2)

    /// An attachment must be given as SLOT=FILE, e.g. student-photo=photo.jpg, not "…".
    public static let usageAttach = DiagnosticCode("usage.attach")

    /// The name "…" cannot be used: only letters, digits, -, _ and . are allowed.
    public static let usageBadName = DiagnosticCode("usage.bad-name")

    /// The encryption options conflict or do not apply: --encrypt-to with --no-encrypt, or encryption with a format other than tar.zst.
    public static let usageEncryption = DiagnosticCode("usage.encryption")

    /// A key ID is 16 hexadecimal digits.
    public static let usageKeyId = DiagnosticCode("usage.key-id")

    /// A field setting must be POINTER=VALUE, e.g. /student/name=….
    public static let usageSet = DiagnosticCode("usage.set")

    /// A PostgreSQL store is named postgres://USER@HOST:PORT/DATABASE.
    public static let usageStoreURL = DiagnosticCode("usage.store-url")

    /// ENROLL_NOW is not an ISO 8601 date-time with its offset such as 2024-06-05T10:00:00+08:00.
    public static let usageClock = DiagnosticCode("usage.clock")

    /// --map must be URI_PREFIX=DIR.
    public static let usageMap = DiagnosticCode("usage.map")

    // MARK: Schema tools (`enroll schema`)

    /// The schema cannot be compiled: …
    public static let schemaInvalid = DiagnosticCode("schema.invalid")

    /// The schema is not valid JSON: …
    public static let schemaMalformed = DiagnosticCode("schema.malformed")

    // MARK: Encryption (age)

    /// The file is an ASCII-armored age file, which enroll does not read; decrypt it with `age -d` or encrypt it again without -a.
    public static let cryptArmored = DiagnosticCode("crypt.armored")

    /// The age header's MAC does not match: the header was modified after encryption.
    public static let cryptHeaderMac = DiagnosticCode("crypt.header-mac")

    /// The age header breaks the format (a damaged or altered file).
    public static let cryptHeaderMalformed = DiagnosticCode("crypt.header-malformed")

    /// The archive is encrypted (age) and no --identity was given to decrypt it.
    public static let cryptIdentityRequired = DiagnosticCode("crypt.identity-required")

    /// An age key file (--identity, --encrypt-to, district.age.pub) cannot be read.
    public static let cryptKeyFileAccess = DiagnosticCode("crypt.key-file-access")

    /// An age key file holds a line that is not a valid AGE-SECRET-KEY-1… identity or age1… recipient.
    public static let cryptKeyMalformed = DiagnosticCode("crypt.key-malformed")

    /// A recipients file holds no age1… recipient, so nothing can be encrypted to it.
    public static let cryptNoRecipients = DiagnosticCode("crypt.no-recipients")

    /// The file does not begin with the age version line, though it was to be decrypted.
    public static let cryptNotAge = DiagnosticCode("crypt.not-age")

    /// The age payload ends in an empty final chunk, which the format forbids.
    public static let cryptPayloadMalformed = DiagnosticCode("crypt.payload-malformed")

    /// An age payload chunk failed authentication: the file was modified or cut inside a chunk.
    public static let cryptPayloadTampered = DiagnosticCode("crypt.payload-tampered")

    /// Data follows the final age payload chunk: the file was modified or concatenated.
    public static let cryptTrailingData = DiagnosticCode("crypt.trailing-data")

    /// The age file ends without its final chunk: it was cut short.
    public static let cryptTruncated = DiagnosticCode("crypt.truncated")

    /// The age header has no X25519 recipient, only types enroll does not support (scrypt, ML-KEM, plugins).
    public static let cryptUnknownRecipientType = DiagnosticCode("crypt.unknown-recipient-type")

    /// None of the identities given opens the file: it was encrypted to another key (a station's own key?).
    public static let cryptWrongIdentity = DiagnosticCode("crypt.wrong-identity")

    // MARK: Web apps

    /// A state-changing request came without a valid CSRF token (or from another site's page) and was refused. Open the page again and retry.
    public static let webCsrf = DiagnosticCode("web.csrf")

    /// An uploaded file or the whole request is over the station's limit (per file: the slot's size, 20 MiB in the seeds; per request: 256 MiB). Take the photo at a lower resolution or upload in several goes.
    public static let webUploadTooLarge = DiagnosticCode("web.upload-too-large")

    /// The request body is not valid multipart/form-data (or URL-encoded) form data.
    public static let webUploadMalformed = DiagnosticCode("web.upload-malformed")

    /// The draft was saved elsewhere (another tab) since this page was opened; the save was refused so nothing is overwritten. Reload the draft and enter the change again.
    public static let webDraftStale = DiagnosticCode("web.draft-stale")

    /// No draft, application, form or file of that name at this station (names are identifiers, never paths).
    public static let webNotFound = DiagnosticCode("web.not-found")

    /// The application is submitted (signed) and read-only; change it through a new revision or withdraw it from its page.
    public static let webSubmitted = DiagnosticCode("web.submitted")

    // MARK: Samples

    /// A generated sample fails its form (a generator bug); every sample of the run is removed.
    public static let sampleInvalid = DiagnosticCode("sample.invalid")

    /// Every code with a member of its own, for the docs check and for listings.
    public static let all: [DiagnosticCode] = [
        .sampleInvalid,
        .webCsrf, .webUploadTooLarge, .webUploadMalformed, .webDraftStale, .webNotFound, .webSubmitted,
        .bagAlgorithmUnsupported, .bagAlgorithmWeak, .bagBom, .bagBundleIncomplete,
        .bagChangedWhilePacking, .bagChecksumMismatch, .bagDeclarationMalformed, .bagDeclarationMissing,
        .bagEncoding, .bagEncodingUnsupported, .bagExtraTagFile, .bagFetchMalformed,
        .bagFetchPending, .bagFileMissing, .bagFileUnlisted, .bagFilenameCollision,
        .bagFilenameEncoding, .bagInfoBlankLine, .bagInfoFieldInvalid, .bagInfoFieldMissing,
        .bagInfoFieldRepeated, .bagInfoMalformed, .bagManifestBlankLine, .bagManifestDuplicate,
        .bagManifestMalformed, .bagManifestMissing, .bagManifestPathOutsidePayload, .bagManifestTrailingWhitespace,
        .bagNotADirectory, .bagOxumMismatch, .bagPathDotPrefix, .bagPathNormalization,
        .bagPathUnsafe, .bagPayloadMissing, .bagSpecialFile, .bagSymlink,
        .bagTagChecksumMismatch, .bagTagFileMissing, .bagTagNotCovered, .bagTagmanifestListsItself,
        .bagTagmanifestListsPayload, .bagUnsignedPrevious, .bagVersionUnsupported, .bagWithdrawn,
        .bagBomIgnored, .bagBundleProfile, .bagDeclarationEncoding, .bagEncodingNotUTF8, .bagFetchUnlisted, .bagInfoLabelWhitespace, .bagManifestRepeated,
        .sigAlreadySigned, .sigInvalid, .sigKeyCorrupt, .sigKeyEncrypted,
        .sigKeyMismatch, .sigKeyPermissions, .sigMalformed, .sigMissing,
        .sigRevocationMalformed, .sigRevokedKey, .sigStationMismatch, .sigTrustDuplicate,
        .sigTrustMissing, .sigTrustRecipientMalformed, .sigUntrustedKey, .formJsonMalformed, .formImmutableField, .formRevisionKind, .formOutsideWindow, .formNoticeUnknown, .formNoticeDigest, .formPattern,
        .formRequired, .formSchemaInvalid, .formSchemasMissing, .formType,
        .formUnknown, .formUnknownField, .formVersionMismatch, .formWithdrawalMismatch,
        .attachmentCount, .attachmentLayout, .attachmentMediaType, .attachmentMissing,
        .attachmentPixelSize, .attachmentTooLarge, .attachmentTruncated, .attachmentTypeMismatch,
        .attachmentTypeUnknown, .attachmentUnknownSlot, .archiveBatchMalformed, .archiveBatchMissing,
        .archiveBundleChanged, .archiveBundleMissing, .archiveBundleSplit, .archiveBundleUnlisted,
        .archiveCompressionRatio, .archiveCorrupt, .archiveDuplicateBundle, .archiveDuplicateEntry,
        .archiveEntryType, .archiveFailed, .archiveIo, .archiveLimit,
        .archiveNameCollision, .archiveNameEncoding, .archiveNothingToPack, .archiveOutsideBatch,
        .archiveSizeMismatch, .archiveStatusMalformed, .archiveStatusVersion, .archiveTargetExists, .archiveUnexpectedEntry,
        .archiveUnsafePath, .archiveWriteFailed, .importCollectionNumbersExhausted, .importConflict,
        .importFailed, .importObjectChanged, .importStoreBusy, .importWithdrawn, .importRevisionHeld, .importOutsideWindow, .importCollectionNumber, .importWrongDistrict,
        .storeUnavailable, .schoolsDuplicate, .storeDistrictMismatch, .storeUnknownApplication, .storeUnknownRevision, .storePush, .stationIndexMalformed, .stationNumberBlock, .reviewNotAllowed,
        .reviewReasonMissing, .reviewSchoolMissing, .reviewNoHeldRevision,
        .reviewStale, .accountExists, .accountUnknown, .accountDisabled, .accountLocked, .accountSignInFailed, .accountNameInvalid,
        .accountPasswordWeak, .webSignInRequired, .webForbidden, .webUnknownApplication,
        .printAltered, .printCodeUnknown, .printFieldUnprintable, .printKeyMissing, .printNotAdmitted, .printNotVerified, .printNumberMissing, .printPayloadMalformed, .printRenderFailed, .printUnknownKey, .printWithdrawn,
        .ioExists, .ioFailed,
        .ioNotFound, .usageAttach, .usageBadName, .usageEncryption, .usageKeyId,
        .usageMap, .usageSet, .usageStoreURL, .usageClock, .schemaInvalid, .schemaMalformed,
        .cryptArmored, .cryptHeaderMac, .cryptHeaderMalformed, .cryptIdentityRequired, .cryptKeyFileAccess, .cryptKeyMalformed, .cryptNoRecipients, .cryptNotAge, .cryptPayloadMalformed, .cryptPayloadTampered, .cryptTrailingData, .cryptTruncated, .cryptUnknownRecipientType, .cryptWrongIdentity,
    ]
}
