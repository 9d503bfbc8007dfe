// Integrity at rest: the stored state is what the record says. Rows changed, removed or rolled back in the real
// SQLite file, a middle record entry changed, a forged verified head — each is refused, naming the object.
#include <gtest/gtest.h>
#include <sqlite3.h>

#include <nlohmann/json.hpp>

#include "store/sqlite/sqlite_store.h"
#include "store/test_util.h"

namespace deconflict::store {
namespace {

class IntegrityTest : public ::testing::Test {
 protected:
  // Every kind of state, each write with its entry, as the server writes them.
  void SetUp() override {
    auto s = Open(false);
    ASSERT_TRUE(s.ok()) << s.status().ToString();
    Store& st = **s;
    auto write = [&](const std::function<Status(WriteTx&)>& fn, const std::string& what) {
      Status w = st.Write([&](WriteTx& tx) -> Status {
        if (Status f = fn(tx); !f.ok()) return f;
        return tx.Append({"input", "admin", {"blue"}, nlohmann::json{{"what", what}}.dump()}).status();
      });
      ASSERT_TRUE(w.ok()) << what << ": " << w.ToString();
    };
    for (const char* id : {"blue", "red"}) {
      write([&](WriteTx& tx) {
        Party p{id, "", "party", "", 0};
        return tx.CreateParty(p);
      }, "party");
    }
    write([&](WriteTx& tx) {
      Credential c{std::string(64, 'a'), "blue", "ops", 0, false};
      return tx.AddCredential(c);
    }, "credential");
    write([&](WriteTx& tx) { return tx.RevokeCredential(std::string(64, 'a')); }, "revoke");
    Document op{DocumentKind::kOperation, "op-1", "blue", "", "accepted", 0, 0, R"({"priority":1})", 0, 0};
    write([&](WriteTx& tx) { return tx.PutDocument(op, kMustNotExist).status(); }, "op create");
    op.body = R"({"priority":2})";
    write([&](WriteTx& tx) { return tx.PutDocument(op, 1).status(); }, "op update");
    Document gone{DocumentKind::kZone, "zone-1", "red", "", "active", 0, 0, "{}", 0, 0};
    write([&](WriteTx& tx) { return tx.PutDocument(gone, kMustNotExist).status(); }, "zone create");
    write([&](WriteTx& tx) { return tx.DeleteDocument(DocumentKind::kZone, "zone-1", 1); }, "zone delete");
    TrackState t;
    t.party = "blue";
    t.id = "ac-1";
    t.lat_deg = 35;
    t.lon_deg = 38;
    t.alt_m = 3000;
    write([&](WriteTx& tx) { return tx.UpsertTracks(std::span<const TrackState>(&t, 1)); }, "track");
    t.alt_m = 3100;
    write([&](WriteTx& tx) { return tx.UpsertTracks(std::span<const TrackState>(&t, 1)); }, "track again");
    Notice n{"n-1", "free_text", "blue", 1, "", R"({"text":"hello red"})", 0};
    const std::vector<std::string> to{"red"};
    write([&](WriteTx& tx) { return tx.CreateNotice(n, to, 0); }, "notice");
    write([&](WriteTx& tx) { return tx.UpdateDelivery("n-1", "red", DeliveryState::kAcknowledged, 5).status(); },
          "ack");
  }

  Result<std::unique_ptr<Store>> Open(bool read_only) {
    SqliteOptions o;
    o.data_dir = dir_.path();
    o.read_only = read_only;
    return OpenSqliteStore(o);
  }

  void Sql(const std::string& sql, bool changes_rows = true) {
    sqlite3* db = nullptr;
    ASSERT_EQ(sqlite3_open((dir_.path() + "/deconflict.db").c_str(), &db), SQLITE_OK);
    char* err = nullptr;
    EXPECT_EQ(sqlite3_exec(db, sql.c_str(), nullptr, nullptr, &err), SQLITE_OK) << (err ? err : "") << " in " << sql;
    if (changes_rows) {
      EXPECT_GT(sqlite3_changes(db), 0) << "nothing changed by " << sql;
    }
    sqlite3_free(err);
    sqlite3_close(db);
  }

  // The full check through a read-only store (as `audit verify` runs it).
  Status VerifyFull() {
    auto s = Open(true);
    if (!s.ok()) return s.status();
    return (*s)->VerifyIntegrity(true).status();
  }

  testing::TempDir dir_;
};

void ExpectNames(const Status& s, const std::string& what) {
  EXPECT_EQ(s.code(), ErrorCode::kCorruption) << s.ToString();
  EXPECT_NE(s.message().find(what), std::string::npos) << s.message();
}

TEST_F(IntegrityTest, AnIntactStoreVerifiesAndTheNextStartBeginsAtTheVerifiedHead) {
  auto s = Open(false);
  ASSERT_TRUE(s.ok()) << s.status().ToString();
  auto first = (*s)->VerifyIntegrity(false);
  ASSERT_TRUE(first.ok()) << first.status().ToString();
  EXPECT_EQ(first->from_seq, 0u) << "no verified head yet: everything";
  EXPECT_EQ(first->entries_verified, first->head_seq);
  EXPECT_EQ(first->rows_verified, 11u) << "2 parties, 1 credential, 1 operation, 4 history rows, 1 track, 1 notice, 1 delivery";
  ASSERT_TRUE((*s)->Append({"input", "blue", {}, "{}"}).ok());
  auto second = (*s)->VerifyIntegrity(false);
  ASSERT_TRUE(second.ok()) << second.status().ToString();
  EXPECT_EQ(second->from_seq, first->head_seq);
  EXPECT_EQ(second->entries_verified, 1u) << "only the entry after the verified head";
  EXPECT_EQ(second->rows_verified, 11u) << "every row, every time";
  EXPECT_TRUE(VerifyFull().ok());
}

TEST_F(IntegrityTest, AWriteThatChangesStateWithoutARecordEntryIsRefusedAndKeepsNothing) {
  auto s = Open(false);
  ASSERT_TRUE(s.ok());
  Status w = (*s)->Write([](WriteTx& tx) {
    Party p{"green", "", "party", "", 0};
    return tx.CreateParty(p);
  });
  EXPECT_EQ(w.code(), ErrorCode::kInternal) << w.ToString();
  EXPECT_NE(w.message().find("party green"), std::string::npos) << w.message();
  EXPECT_EQ((*s)->Read([](ReadTx& tx) { return tx.GetParty("green").status(); }).code(), ErrorCode::kNotFound);
  EXPECT_TRUE((*s)->VerifyIntegrity(true).ok());
}

TEST_F(IntegrityTest, AChangedNoticeTextIsNamed) {
  Sql(R"(UPDATE notices SET body = '{"text":"hello blue"}' WHERE id = 'n-1')");
  ExpectNames(VerifyFull(), "notice n-1 was changed outside deconflict");
  auto s = Open(false);
  ASSERT_TRUE(s.ok());
  ExpectNames((*s)->VerifyIntegrity(false).status(), "notice n-1");
}

TEST_F(IntegrityTest, AChangedOperationIsNamed) {
  Sql(R"(UPDATE documents SET body = '{"priority":9}' WHERE id = 'op-1')");
  ExpectNames(VerifyFull(), "operation op-1 was changed outside deconflict");
}

TEST_F(IntegrityTest, ARemovedOperationIsNamed) {
  Sql("DELETE FROM documents WHERE id = 'op-1'");
  ExpectNames(VerifyFull(), "operation op-1: the state record entry seq");
}

TEST_F(IntegrityTest, ARowRolledBackToAnEarlierSealedStateIsNamed) {
  // The track's first report, with its seal, put back over the second: each row is sealed, but the record says the
  // first state was replaced.
  Sql("UPDATE tracks SET alt_m = 3000, rseq = (SELECT seq FROM row_commits WHERE tbl = 'tracks' AND op = 'put' "
      "ORDER BY seq LIMIT 1), digest = (SELECT digest FROM row_commits WHERE tbl = 'tracks' AND op = 'put' ORDER BY "
      "seq LIMIT 1)");
  ExpectNames(VerifyFull(), "track blue/ac-1: ");
}

TEST_F(IntegrityTest, AChangedMiddleEntryIsNamedAtTheNextStart) {
  Sql(R"(UPDATE record_entries SET payload = '{"what":"op delete"}' WHERE seq = 6)");
  ExpectNames(VerifyFull(), "(seq 6)");
  auto s = Open(false);
  ASSERT_TRUE(s.ok()) << "the last entry is intact";
  ExpectNames((*s)->VerifyIntegrity(false).status(), "(seq 6)");
}

TEST_F(IntegrityTest, AForgedVerifiedHeadIsRefused) {
  {
    auto s = Open(false);
    ASSERT_TRUE(s.ok());
    ASSERT_TRUE((*s)->VerifyIntegrity(false).ok());
  }
  Sql("UPDATE meta SET value = '99' || substr(value, instr(value, ' ')) WHERE key = 'verified_head'");
  auto s = Open(false);
  ASSERT_TRUE(s.ok());
  ExpectNames((*s)->VerifyIntegrity(false).status(), "verified head");
}

TEST_F(IntegrityTest, AVersion1DatabaseIsMigratedAndItsRowsAdoptedByOneEntry) {
  // Take the seals away again: what a database of schema version 1 looks like.
  for (const char* t : {"parties", "credentials", "documents", "document_history", "tracks", "notices", "deliveries"}) {
    Sql(std::string("ALTER TABLE ") + t + " DROP COLUMN rseq", false);
    Sql(std::string("ALTER TABLE ") + t + " DROP COLUMN digest", false);
  }
  Sql("DROP TABLE row_commits", false);
  Sql("UPDATE meta SET value = '1' WHERE key = 'schema_version'");
  std::uint64_t head = 0;
  {
    auto s = Open(false);
    ASSERT_TRUE(s.ok()) << s.status().ToString();
    auto r = (*s)->VerifyIntegrity(false);
    ASSERT_TRUE(r.ok()) << r.status().ToString();
    EXPECT_EQ(r->rows_verified, 11u);
    head = r->head_seq;
    ASSERT_TRUE((*s)->Read([&](ReadTx& tx) -> Status {
      auto e = tx.GetEntry(head);
      if (!e.ok()) return e.status();
      EXPECT_EQ(e->kind, "system");
      EXPECT_NE(e->payload.find("state_adopted"), std::string::npos) << e->payload;
      return Status::Ok();
    }).ok());
  }
  EXPECT_TRUE(VerifyFull().ok());
}

}  // namespace
}  // namespace deconflict::store
