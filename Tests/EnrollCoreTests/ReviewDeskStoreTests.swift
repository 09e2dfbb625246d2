import Foundation
import JSONSchema
import Testing

@testable import EnrollCore

/// The store calls the review desk makes: accounts and sign-in, the queue, the expected-version
/// check of decisions, reasons as entries of their own, the revision history's changes.
@Suite struct ReviewDeskStoreTests {
    static let quick = LoginPolicy(freeFailures: 2, firstDelay: .milliseconds(100), maximumDelay: .milliseconds(400), lockAfter: 5, lockDuration: .seconds(60))

    @Test func theLoginRuleSlowsDownThenLocksAndALockRunsOut() {
        let start = Date(timeIntervalSince1970: 1_800_000_000)
        var state = LoginRule.State(failures: 0, lockedUntil: nil)
        var outcomes: [LoginRule.Outcome] = []
        for _ in 0..<5 {
            let (next, outcome) = LoginRule.attempt(state, passwordCorrect: false, now: start, policy: Self.quick)
            state = next
            outcomes.append(outcome)
        }
        let until = start.addingTimeInterval(60)
        #expect(outcomes == [
            .wrongPassword(delay: .zero), .wrongPassword(delay: .zero), .wrongPassword(delay: .milliseconds(100)),
            .wrongPassword(delay: .milliseconds(200)), .locked(until: until),
        ])
        // Locked: even the right password is refused, and the lock does not move.
        #expect(LoginRule.attempt(state, passwordCorrect: true, now: start.addingTimeInterval(59), policy: Self.quick).1 == .locked(until: until))
        // After the lock: a wrong password starts a fresh count, the right one signs in.
        #expect(LoginRule.attempt(state, passwordCorrect: false, now: start.addingTimeInterval(61), policy: Self.quick).0.failures == 1)
        let (after, outcome) = LoginRule.attempt(state, passwordCorrect: true, now: start.addingTimeInterval(61), policy: Self.quick)
        #expect(outcome == .signedIn && after == LoginRule.State(failures: 0, lockedUntil: nil))
    }

    @Test func theDelayStopsAtTheMaximum() {
        var state = LoginRule.State(failures: 0, lockedUntil: nil)
        let policy = LoginPolicy(freeFailures: 0, firstDelay: .seconds(1), maximumDelay: .seconds(3), lockAfter: 100, lockDuration: .seconds(1))
        var delays: [Duration] = []
        for _ in 0..<4 {
            let (next, outcome) = LoginRule.attempt(state, passwordCorrect: false, now: Date(), policy: policy)
            state = next
            if case .wrongPassword(let delay) = outcome { delays.append(delay) }
        }
        #expect(delays == [.seconds(1), .seconds(2), .seconds(3), .seconds(3)])
    }

    @Test func accountsHashWithBcryptAndSignInMakesASessionThatSignOutEnds() throws {
        let dir = TemporaryDirectory()
        let store = try DistrictStore(directory: dir("store"))
        let account = try store.addAccount("li.wei", role: .reviewer, password: "correct horse", actor: "admin", cost: 4)
        #expect(account.passwordHash.hasPrefix("$2b$04$") && !account.passwordHash.contains("correct"))
        #expect(thrownCodes { try store.addAccount("li.wei", role: .admin, password: "another one", actor: "admin", cost: 4) } == ["account.exists"])
        #expect(thrownCodes { try store.addAccount("li wei", role: .admin, password: "another one", actor: "admin", cost: 4) } == ["account.name-invalid"])
        #expect(thrownCodes { try store.addAccount("zhang", role: .admin, password: "short", actor: "admin", cost: 4) } == ["account.password-weak"])
        #expect(thrownCodes { try store.setDisabled("nobody", true, actor: "admin") } == ["account.unknown"])

        guard case .signedIn(let signedIn) = try store.signIn("li.wei", password: "correct horse", policy: Self.quick) else {
            Issue.record("the right password did not sign in")
            return
        }
        #expect(try store.signedIn(token: signedIn.token)?.account.name == "li.wei")
        #expect(signedIn.session.tokenDigest != signedIn.token && signedIn.session.tokenDigest.count == 64)
        try store.signOut(token: signedIn.token)
        #expect(try store.signedIn(token: signedIn.token) == nil)

        // An expired session signs nobody in.
        guard case .signedIn(let short) = try store.signIn("li.wei", password: "correct horse", policy: Self.quick, lifetime: .seconds(10)) else {
            Issue.record("no second session")
            return
        }
        #expect(try store.signedIn(token: short.token, now: Date().addingTimeInterval(11)) == nil)

        // Disabling ends sessions and refuses sign-in; a new password ends sessions too.
        guard case .signedIn(let third) = try store.signIn("li.wei", password: "correct horse", policy: Self.quick) else { return }
        try store.setDisabled("li.wei", true, actor: "admin")
        #expect(try store.signedIn(token: third.token) == nil)
        guard case .refused(let error, _) = try store.signIn("li.wei", password: "correct horse", policy: Self.quick) else {
            Issue.record("a disabled account signed in")
            return
        }
        #expect(error.diagnostics.map(\.code.rawValue) == ["account.disabled"])
        try store.setDisabled("li.wei", false, actor: "admin")
        try store.setPassword("li.wei", password: "battery staple", actor: "admin", cost: 4)
        guard case .refused(let old, _) = try store.signIn("li.wei", password: "correct horse", policy: Self.quick) else {
            Issue.record("the old password still works")
            return
        }
        #expect(old.diagnostics.map(\.code.rawValue) == ["account.sign-in-failed"])
        let actions = try store.events().map(\.action.rawValue)
        #expect(actions == ["account.add", "account.disable", "account.disable", "account.passwd"])
    }

    @Test func wrongPasswordsLockTheAccountInTheStoreAndTheLockIsLogged() throws {
        let dir = TemporaryDirectory()
        let store = try DistrictStore(directory: dir("store"))
        try store.addAccount("clerk", role: .reviewer, password: "right password", actor: "admin", cost: 4)
        var codes: [String] = []
        for _ in 0..<5 {
            if case .refused(let error, _) = try store.signIn("clerk", password: "wrong password", policy: Self.quick) {
                codes.append(error.diagnostics[0].code.rawValue)
            }
        }
        #expect(codes == ["account.sign-in-failed", "account.sign-in-failed", "account.sign-in-failed", "account.sign-in-failed", "account.locked"])
        guard case .refused(let locked, _) = try store.signIn("clerk", password: "right password", policy: Self.quick) else {
            Issue.record("a locked account signed in")
            return
        }
        #expect(locked.diagnostics.map(\.code.rawValue) == ["account.locked"])
        #expect(try store.account(named: "clerk").lockedUntil != nil)
        #expect(try store.events().filter { $0.action == .accountLocked }.count == 1)
        // An unknown name is refused like a wrong password.
        guard case .refused(let unknown, _) = try store.signIn("nobody", password: "x", policy: Self.quick) else { return }
        #expect(unknown.diagnostics.map(\.code.rawValue) == ["account.sign-in-failed"])
    }

    @Test func aDecisionOnAnOldVersionIsRefusedAndNothingIsOverwritten() throws {
        let dir = TemporaryDirectory()
        let district = try DistrictFixture(dir)
        try district.importing(try district.application("a", from: "harbin-public-primary-2024-000001"))
        let seen = try district.store.applications()[0]
        #expect(seen.version > 0)
        let first = try district.store.review(.verify, seen.applicationId, reviewer: "clerk-a", expectedVersion: seen.version)
        #expect(first.version > seen.version)
        #expect(thrownCodes {
            try district.store.review(.reject, seen.applicationId, reasons: ["照片不清"], reviewer: "clerk-b", expectedVersion: seen.version)
        } == ["review.stale"])
        let now = try district.store.detail(seen.applicationId).summary
        #expect(now.status == .verified && now.reasons.isEmpty && now.version == first.version)
        #expect(try district.store.events(application: seen.applicationId).map(\.actor) == ["test", "clerk-a"])
    }

    @Test func eachReasonIsAnEntryOfItsOwn() throws {
        let dir = TemporaryDirectory()
        let district = try DistrictFixture(dir)
        try district.importing(try district.application("a", from: "harbin-public-primary-2024-000001"))
        let id = try district.store.applications()[0].applicationId
        let after = try district.store.review(.reject, id, reasons: ["户口簿照片不清 | 请重拍", "缺少房产证"], reviewer: "clerk")
        #expect(after.reasons == ["户口簿照片不清 | 请重拍", "缺少房产证"])
        let event = try district.store.events(application: id).last!
        #expect(event.detail["reason.1"] == "户口簿照片不清 | 请重拍" && event.detail["reason.2"] == "缺少房产证" && event.detail["reasons"] == nil)
    }

    @Test func theQueueFiltersSortsPagesAndSearches() throws {
        let dir = TemporaryDirectory()
        let district = try DistrictFixture(dir)
        let samples = ["harbin-public-primary-2024-000001", "harbin-public-primary-2024-000002", "beijing-local-primary-2024-000001",
                       "beijing-nonlocal-primary-2025-000001", "beijing-nonlocal-primary-2025-000002"]
        for (index, sample) in samples.enumerated() { try district.importing(try district.application("a\(index)", from: sample)) }
        let all = try district.store.queue(QueueQuery(limit: 2))
        #expect(all.total == 5 && all.items.count == 2)
        let second = try district.store.queue(QueueQuery(offset: 2, limit: 2))
        let third = try district.store.queue(QueueQuery(offset: 4, limit: 2))
        let numbers = (all.items + second.items + third.items).map(\.collectionNumber)
        #expect(numbers == numbers.sorted() && Set(numbers).count == 5)
        #expect(try district.store.queue(QueueQuery(descending: true)).items.map(\.collectionNumber) == numbers.reversed())
        let harbin = try district.store.queue(QueueQuery(form: "harbin-public-primary-2024"))
        #expect(harbin.total == 2 && harbin.items.allSatisfy { $0.form == "harbin-public-primary-2024" })
        try district.store.review(.verify, harbin.items[0].applicationId, reviewer: "c")
        #expect(try district.store.queue(QueueQuery(status: .verified)).items.map(\.applicationId) == [harbin.items[0].applicationId])
        #expect(try district.store.queue(QueueQuery(station: "nowhere")).total == 0)
        let today = String(StoreClock.now().prefix(10))
        #expect(try district.store.queue(QueueQuery(receivedFrom: today, receivedTo: today)).total == 5)
        #expect(try district.store.queue(QueueQuery(receivedTo: "2000-01-01")).total == 0)

        let target = second.items[0]
        #expect(try district.store.search(target.collectionNumber).map(\.applicationId) == [target.applicationId])
        #expect(try district.store.search(String(target.applicationId.prefix(8)).uppercased()).map(\.applicationId) == [target.applicationId])
        #expect(try district.store.search("1234").isEmpty)
        // The child's ID number finds the application too.
        let data = try JSONParser.parse(Array(try district.store.detail(target.applicationId).formJSON!.utf8))
        let idNumber = try #require(data["student"]?["idNumber"]?.stringValue)
        #expect(try district.store.search(idNumber).map(\.applicationId) == [target.applicationId])
    }

    @Test func formChangesNameEachChangedAddedAndRemovedField() throws {
        let old = try JSONParser.parse(Array(#"{"student": {"name": "王小明", "sex": "男"}, "permits": [{"number": "1"}], "gone": true}"#.utf8))
        let new = try JSONParser.parse(Array(#"{"student": {"name": "王晓明", "sex": "男"}, "permits": [{"number": "1"}, {"number": "2"}]}"#.utf8))
        #expect(FormChanges.between(old, new) == [
            FormChange(pointer: "/student/name", before: "王小明", after: "王晓明"),
            FormChange(pointer: "/permits/1/number", before: nil, after: "2"),
            FormChange(pointer: "/gone", before: "是 / yes", after: nil),
        ])
        #expect(FormChanges.between(new, new).isEmpty)
    }
}
