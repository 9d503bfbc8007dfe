// Token revocation and rotation by the administrator: the revoked token gets 401 at once, its open stream is
// closed, the change is in the signed record, and it survives a restart.
#include <gtest/gtest.h>
#include <signal.h>

#include "test_client.h"

namespace deconflict::testing {
namespace {

std::string TokenIdByLabel(const ServerProcess& s, const std::string& party, const std::string& label) {
  auto list = s.Get("/v1/parties/" + party + "/tokens", s.admin());
  EXPECT_EQ(list.status, 200) << list.body;
  const Json tokens = list.json()["tokens"];
  for (const auto& t : tokens)
    if (t["label"] == label) return t["token_id"];
  ADD_FAILURE() << "no token labelled " << label << " in " << list.body;
  return "";
}

// The actions of the record entries party can fetch receipts for, from seq `from` to the head.
std::vector<std::string> RecordedActions(const ServerProcess& s, const std::string& token, uint64_t from) {
  std::vector<std::string> out;
  const uint64_t head = s.Get("/v1/record/head", token).json()["seq"];
  for (uint64_t q = from; q <= head; ++q) {
    auto r = s.Get("/v1/receipts/" + std::to_string(q), token);
    if (r.status != 200) continue;
    auto payload = Json::parse(r.json()["entry"]["payload"].get<std::string>(), nullptr, false);
    if (payload.is_object() && payload.contains("action")) out.push_back(payload["action"]);
  }
  return out;
}

TEST(TokenRevocation, RevokedTokenIsRefusedAtOnceAndItsStreamCloses) {
  const std::string dir = FreshDir("token-revocation");
  std::string first, second, third;
  {
    ServerProcess s(dir);
    first = s.CreateParty("blue");  // label "initial"
    const std::string red = s.CreateParty("red");
    auto issued = s.Post("/v1/parties/blue/tokens", s.admin(), Json{{"label", "second"}});
    ASSERT_EQ(issued.status, 201) << issued.body;
    second = issued.json()["token"];
    const uint64_t head_before = s.Get("/v1/record/head", first).json()["seq"];

    StreamReader stream(s.port(), first, "0");
    ASSERT_TRUE(s.Post("/v1/notices", red, Json{{"kind", "free_text"}, {"to", {"blue"}}, {"text", "hello"}}).status == 201);
    ASSERT_TRUE(stream.WaitFor([](const SseEvent& e) { return e.type == "notice"; }, 10));

    const std::string first_id = TokenIdByLabel(s, "blue", "initial");
    ASSERT_FALSE(first_id.empty());
    auto revoke = Http(s.port(), "DELETE", "/v1/parties/blue/tokens/" + first_id, s.admin());
    ASSERT_EQ(revoke.status, 200) << revoke.body;
    EXPECT_EQ(revoke.json()["state"], "revoked");
    // At once: the next request with it is refused; the other token still works.
    auto me = s.Get("/v1/me", first);
    EXPECT_EQ(me.status, 401);
    EXPECT_NE(me.body.find("revoked"), std::string::npos) << me.body;
    EXPECT_EQ(s.Get("/v1/me", second).status, 200);
    // The open stream is told and closed (well before the 15 s heartbeat).
    EXPECT_TRUE(stream.WaitClosed(3)) << "the stream on the revoked token is still open";
    EXPECT_TRUE(stream.WaitFor([](const SseEvent& e) { return e.type == "revoked"; }, 0.1));
    // A new stream on it is refused.
    EXPECT_EQ(Http(s.port(), "GET", "/v1/stream", first).status, 401);

    // Listing shows the state; revoking again, an unknown id, or another party's token is refused.
    auto list = s.Get("/v1/parties/blue/tokens", s.admin()).json()["tokens"];
    ASSERT_EQ(list.size(), 2u);
    EXPECT_EQ(list[0]["state"], "revoked");
    EXPECT_EQ(list[1]["state"], "active");
    EXPECT_EQ(Http(s.port(), "DELETE", "/v1/parties/blue/tokens/" + first_id, s.admin()).status, 409);
    EXPECT_EQ(Http(s.port(), "DELETE", "/v1/parties/blue/tokens/nosuchtoken", s.admin()).status, 404);
    const std::string red_id = TokenIdByLabel(s, "red", "initial");
    EXPECT_EQ(Http(s.port(), "DELETE", "/v1/parties/blue/tokens/" + red_id, s.admin()).status, 404);
    EXPECT_EQ(s.Get("/v1/me", red).status, 200) << "red's token untouched";
    EXPECT_EQ(s.Get("/v1/parties/nobody/tokens", s.admin()).status, 404);

    // Rotation: every active token of blue is revoked and one new token issued, in one step.
    StreamReader second_stream(s.port(), second, "0");
    ASSERT_TRUE(second_stream.WaitFor([](const SseEvent& e) { return e.type == "notice"; }, 10));
    auto rotated = s.Post("/v1/parties/blue/tokens/rotate", s.admin(), Json{{"label", "third"}});
    ASSERT_EQ(rotated.status, 201) << rotated.body;
    third = rotated.json()["token"];
    EXPECT_EQ(rotated.json()["revoked_token_ids"].size(), 1u);
    EXPECT_EQ(s.Get("/v1/me", second).status, 401);
    EXPECT_EQ(s.Get("/v1/me", third).status, 200);
    EXPECT_TRUE(second_stream.WaitClosed(3));
    EXPECT_EQ(s.Post("/v1/parties/blue/tokens/rotate", s.admin(), Json{{"label", 5}}).status, 400);
    EXPECT_EQ(s.Post("/v1/parties/blue/tokens/rotate", s.admin(), Json{{"lable", "x"}}).status, 400);

    // The audit log has both changes, signed, in blue's receipts.
    auto actions = RecordedActions(s, third, head_before + 1);
    EXPECT_NE(std::find(actions.begin(), actions.end(), "token_revoked"), actions.end());
    EXPECT_NE(std::find(actions.begin(), actions.end(), "tokens_rotated"), actions.end());
    EXPECT_TRUE(s.Get("/v1/record/verify", s.admin()).json()["ok"].get<bool>());
    EXPECT_EQ(s.Signal(SIGTERM), 0);
  }
  ServerProcess again(dir, "", {}, /*fresh=*/false);
  EXPECT_EQ(again.Get("/v1/me", first).status, 401) << "revocation is durable";
  EXPECT_EQ(again.Get("/v1/me", second).status, 401);
  EXPECT_EQ(again.Get("/v1/me", third).status, 200);
}

TEST(TokenRevocation, OnlyTheAdministratorManagesTokens) {
  ServerProcess s(FreshDir("token-admin-only"));
  const std::string blue = s.CreateParty("blue");
  const std::string red = s.CreateParty("red");
  const std::string blue_id = TokenIdByLabel(s, "blue", "initial");
  for (const std::string& token : {blue, red}) {
    EXPECT_EQ(s.Get("/v1/parties/blue/tokens", token).status, 403);
    EXPECT_EQ(Http(s.port(), "DELETE", "/v1/parties/blue/tokens/" + blue_id, token).status, 403);
    EXPECT_EQ(s.Post("/v1/parties/blue/tokens/rotate", token, Json::object()).status, 403);
  }
  EXPECT_EQ(s.Get("/v1/parties/blue/tokens", "").status, 401);
  EXPECT_EQ(s.Get("/v1/me", blue).status, 200) << "a party cannot revoke its own token either";
}

}  // namespace
}  // namespace deconflict::testing
