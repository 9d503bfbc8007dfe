// Credential administration (administrator only): list a party's tokens, revoke one, rotate them all.
// Every change is one durable store transaction that also appends a record entry (kind "party", actor
// "admin", audience the party), so the audit log shows who lost access when; the in-memory token map is
// updated only after the commit, and the party's streams are woken to re-check their token at once.
#include <spdlog/spdlog.h>

#include "record/hash.h"
#include "server/bodies.h"
#include "server/service_internal.h"
#include "server/tokens.h"

namespace deconflict::server {
namespace {

Json TokenView(const store::Credential& c) {
  return Json{{"token_id", c.token_hash},
              {"label", c.label},
              {"created_us", c.created_us},
              {"state", c.revoked ? "revoked" : "active"}};
}

}  // namespace

Result<std::vector<store::Credential>> Service::ListTokens(const std::string& party) {
  if (!PartyExists(party)) return Status::NotFound("no party " + party);
  std::vector<store::Credential> out;
  Status s = store_.Read([&](store::ReadTx& tx) -> Status {
    auto creds = tx.ListCredentials(party);
    if (!creds.ok()) return creds.status();
    out = std::move(*creds);
    return Status::Ok();
  });
  if (!s.ok()) return s;
  std::stable_sort(out.begin(), out.end(), [](const auto& a, const auto& b) { return a.created_us < b.created_us; });
  return out;
}

void Service::DropTokens(const std::string& party, const std::vector<std::string>& hashes) {
  {
    std::unique_lock lock(parties_mu_);
    for (const auto& h : hashes) token_party_.erase(h);
  }
  metrics_.Add("dc_tokens_revoked_total", static_cast<double>(hashes.size()));
  hub_.WakeParty(party);  // open streams re-check their token before writing anything more
}

Status Service::RevokeToken(const std::string& party, const std::string& token_hash) {
  if (!PartyExists(party)) return Status::NotFound("no party " + party);
  Status s = Commit([&](Outbox& out) -> Status {
    auto cred = out.tx.FindCredential(token_hash);
    if (!cred.ok() || cred->party_id != party)
      return Status::NotFound("token_id: party " + party + " has no token " + token_hash);
    if (cred->revoked) return Status::Conflict("token_id: token " + token_hash + " of party " + party + " is already revoked");
    if (Status r = out.tx.RevokeCredential(token_hash); !r.ok()) return r;
    return out.Record(record::kind::kParty, "admin", {party},
                      Json{{"action", "token_revoked"}, {"party", party}, {"token_hash", token_hash},
                           {"label", cred->label}})
        .status();
  });
  if (!s.ok()) return s;
  DropTokens(party, {token_hash});
  spdlog::info("token revoked party={} token={}", party, token_hash.substr(0, 12));
  return s;
}

Result<std::string> Service::RotateTokens(const std::string& party, const std::string& label,
                                          std::vector<std::string>* revoked) {
  if (!PartyExists(party)) return Status::NotFound("no party " + party);
  const std::string token = NewToken();
  store::Credential fresh{record::TokenHashHex(token), party, label, 0, false};
  std::vector<std::string> dropped;
  Status s = Commit([&](Outbox& out) -> Status {
    dropped.clear();
    auto creds = out.tx.ListCredentials(party);
    if (!creds.ok()) return creds.status();
    for (const auto& c : *creds) {
      if (c.revoked) continue;
      if (Status r = out.tx.RevokeCredential(c.token_hash); !r.ok()) return r;
      dropped.push_back(c.token_hash);
    }
    if (Status a = out.tx.AddCredential(fresh); !a.ok()) return a;
    return out.Record(record::kind::kParty, "admin", {party},
                      Json{{"action", "tokens_rotated"}, {"party", party}, {"revoked_token_hashes", dropped},
                           {"token_hash", fresh.token_hash}, {"label", label}})
        .status();
  });
  if (!s.ok()) return s;
  {
    std::unique_lock lock(parties_mu_);
    token_party_[fresh.token_hash] = party;
  }
  DropTokens(party, dropped);
  spdlog::info("tokens rotated party={} revoked={}", party, dropped.size());
  if (revoked) *revoked = dropped;
  return token;
}

void Service::RegisterCredentialRoutes(Router& r) {
  auto admin_write = [this](std::function<Response(const Request&)> fn) {
    return [this, fn](Request& req, Respond respond) { Async(std::move(respond), [fn, req]() { return fn(req); }); };
  };
  r.Add({"GET", "/v1/parties/{party_id}/tokens", Access::kAdmin, false, admin_write([this](const Request& q) {
           auto creds = ListTokens(q.params.at("party_id"));
           if (!creds.ok()) return ErrorResponse(creds.status());
           Json list = Json::array();
           for (const auto& c : *creds) list.push_back(TokenView(c));
           return Ok(Json{{"party", q.params.at("party_id")}, {"tokens", list}});
         })});
  r.Add({"DELETE", "/v1/parties/{party_id}/tokens/{token_id}", Access::kAdmin, false,
         admin_write([this](const Request& q) {
           const std::string& party = q.params.at("party_id");
           const std::string& id = q.params.at("token_id");
           if (Status s = RevokeToken(party, id); !s.ok()) return ErrorResponse(s);
           return Ok(Json{{"party", party}, {"token_id", id}, {"state", "revoked"}});
         })});
  r.Add({"POST", "/v1/parties/{party_id}/tokens/rotate", Access::kAdmin, false, admin_write([this](const Request& q) {
           std::string label = "rotated";
           if (q.body.find_first_not_of(" \r\n\t") != std::string::npos) {
             auto body = ObjectBody(q);
             if (!body.ok()) return ErrorResponse(body.status());
             auto l = DecodeLabelBody(*body);
             if (!l.ok()) return ErrorResponse(l.status());
             if (body->contains("label")) label = *l;
           }
           const std::string& party = q.params.at("party_id");
           std::vector<std::string> revoked;
           auto token = RotateTokens(party, label, &revoked);
           if (!token.ok()) return ErrorResponse(token.status());
           return Ok(Json{{"party", party},
                              {"token", *token},
                              {"token_id", record::TokenHashHex(*token)},
                              {"label", label},
                              {"revoked_token_ids", revoked}},
                         201);
         })});
}

}  // namespace deconflict::server
