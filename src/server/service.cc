#include "server/service.h"

#include <sodium.h>
#include <spdlog/spdlog.h>

#include <chrono>
#include <cmath>
#include <deque>

#include "core/units.h"
#include "record/hash.h"
#include "record/receipt.h"
#include "server/need_to_know.h"
#include "server/service_internal.h"
#include "server/tokens.h"

namespace deconflict::server {

// ---------------------------------------------------------------- commit machinery

Result<uint64_t> Service::Outbox::Record(const std::string& kind, const std::string& actor,
                                         std::vector<std::string> audience, Json payload,
                                         const std::string& event_type, std::vector<std::string> event_to) {
  if (!event_type.empty() && event_to.empty()) event_to = audience;
  std::vector<std::string> viewers = audience;
  viewers.insert(viewers.end(), event_to.begin(), event_to.end());
  if (!need_to_know::IsOneView(actor, viewers)) {
    // Several parties who need not know of each other: one entry per party (need_to_know.h).
    if (event_type.empty())
      return Status::Internal("need-to-know: a " + kind + " entry would show " + std::to_string(viewers.size()) +
                              " parties to each other");
    std::sort(viewers.begin(), viewers.end());
    viewers.erase(std::unique(viewers.begin(), viewers.end()), viewers.end());
    uint64_t last = 0;
    for (const auto& v : viewers) {
      const bool shown = std::find(event_to.begin(), event_to.end(), v) != event_to.end();
      auto e = Record(kind, actor, {v}, payload, shown ? event_type : std::string(), {});
      if (!e.ok()) return e.status();
      last = *e;
    }
    return last;
  }
  if (!event_type.empty()) {
    payload["event"] = event_type;
    payload["event_to"] = event_to;
    for (const auto& p : event_to) audience.push_back(p);
  }
  auto e = tx.Append(record::EntryInput{kind, actor, std::move(audience), payload.dump()});
  if (!e.ok()) return e.status();
  seqs.push_back(e->seq);
  if (!event_type.empty()) {
    std::string notice_id = payload.value("notice_id", std::string());
    for (const auto& p : event_to)
      events.emplace_back(p, StreamEvent{e->seq, event_type, e->payload, notice_id});
  }
  return e->seq;
}

Status Service::Outbox::RecordViews(const std::string& kind, const std::string& actor,
                                    const std::vector<std::string>& viewers, const std::string& event_type,
                                    const std::function<Json(const std::string&)>& view) {
  for (const auto& v : viewers)
    if (auto e = Record(kind, actor, {v}, view(v), event_type); !e.ok()) return e.status();
  return Status::Ok();
}

Status Service::Commit(const std::function<Status(Outbox&)>& fn) {
  std::optional<Outbox> result;
  Status s = store_.Write([&](store::WriteTx& tx) {
    result.emplace(tx);
    return fn(*result);
  });
  if (!s.ok()) {
    metrics_.Add("dc_commit_failures_total");
    return s;
  }
  metrics_.Add("dc_record_entries_total", static_cast<double>(result->seqs.size()));
  sequencer_->Done(*result);
  return s;
}

void Service::Async(Respond respond, std::function<Response()> work) {
  pool_->Submit([respond = std::move(respond), work = std::move(work)] {
    Response r;
    try {
      r = work();
    } catch (...) {
      r = ExceptionResponse(std::current_exception(), "(write thread)");
    }
    respond(std::move(r));
  });
}

void Service::Background(std::function<void()> job) { pool_->Submit(std::move(job)); }

// ---------------------------------------------------------------- life cycle

// The constructor and destructor are in service_plan.cc, where the engine's state type is complete.

// Whole microseconds, the resolution the store keeps times in (ToMicros): a time shown before a restart is the
// same number after it.
double Service::Now() {
  const auto us =
      std::chrono::duration_cast<std::chrono::microseconds>(std::chrono::system_clock::now().time_since_epoch()).count();
  return static_cast<double>(us) * 1e-6;
}

std::string Service::NewId(const char* prefix) {
  unsigned char raw[8];
  randombytes_buf(raw, sizeof raw);
  return std::string(prefix) + record::ToHex(std::string_view(reinterpret_cast<const char*>(raw), sizeof raw));
}

Status Service::Load() {
  if (sodium_init() < 0) return Status::Internal("libsodium failed to initialise");
  uint64_t head = 0;
  std::vector<store::Delivery> deliveries;
  std::map<std::string, store::Notice> notices;
  Status s = store_.Read([&](store::ReadTx& tx) -> Status {
    auto h = tx.HeadSeq();
    if (!h.ok()) return h.status();
    head = *h;
    auto parties = tx.ListParties();
    if (!parties.ok()) return parties.status();
    {
      std::unique_lock lock(parties_mu_);
      for (auto& p : *parties) {
        auto creds = tx.ListCredentials(p.id);
        if (!creds.ok()) return creds.status();
        for (auto& c : *creds)
          if (!c.revoked) token_party_[c.token_hash] = p.id;
        parties_[p.id] = p;
      }
    }
    auto tracks = tx.ListTracks("");
    if (!tracks.ok()) return tracks.status();
    {
      std::lock_guard lock(tracks_mu_);
      for (auto& t : *tracks) tracks_[t.party][t.id] = TrackEntry{t, 0};  // stale until updated
    }
    store::DeliveryFilter all;
    all.limit = std::numeric_limits<size_t>::max();
    auto ds = tx.ListDeliveries(all);
    if (!ds.ok()) return ds.status();
    deliveries = std::move(*ds);
    // A notice's recipients in party id order (SendNotice's order), whatever their priorities now.
    std::sort(deliveries.begin(), deliveries.end(), [](const store::Delivery& a, const store::Delivery& b) {
      return std::tie(a.notice_id, a.recipient) < std::tie(b.notice_id, b.recipient);
    });
    for (const auto& d : deliveries) {
      if (notices.count(d.notice_id)) continue;
      auto n = tx.GetNotice(d.notice_id);
      if (!n.ok()) return n.status();
      notices[d.notice_id] = *n;
    }
    // Stream events and open alerts / distress from the record.
    return tx.ScanEntries(1, [&](const record::Entry& e) -> Status {
      Json p = Json::parse(e.payload, nullptr, false);
      if (p.is_discarded() || !p.is_object()) return Status::Ok();
      RestoreFromEntry(e, p);
      return Status::Ok();
    });
  });
  if (!s.ok()) return s;
  // Operations, zones and agreements first: the agreements in force set the notices' delivery policies.
  if (Status p = LoadPlan(); !p.ok()) return p;
  // The channel: notices in creation order with each recipient's stored state.
  std::vector<const store::Notice*> order;
  for (auto& [id, n] : notices) order.push_back(&n);
  std::sort(order.begin(), order.end(), [](auto* a, auto* b) { return a->created_us < b->created_us; });
  std::lock_guard lock(channel_mu_);
  for (const store::Notice* sn : order) {
    // Stored means acknowledged: a notice that cannot be restored stops the start, naming it.
    auto n = NoticeFromStore(*sn);
    if (!n.ok()) return Status::Corruption("load: notice " + sn->id + " is stored but cannot be restored: " + n.status().message());
    for (const auto& d : deliveries)
      if (d.notice_id == sn->id) n->recipients.push_back(channel::RecipientFor(d.recipient));
    // Created (and queued) when the service said so (the body's created_at_s), not when the row was written.
    double created = static_cast<double>(sn->created_us) * 1e-6;
    if (Json b = Json::parse(sn->body, nullptr, false); b.is_object() && b.contains("created_at_s") &&
                                                        b["created_at_s"].is_number())
      created = b["created_at_s"].get<double>();
    if (auto posted = channel_.Post(*n, created); !posted.ok())
      return Status::Corruption("load: notice " + sn->id + " is stored but cannot be restored: " + posted.status().message());
    for (const auto& d : deliveries)
      if (d.notice_id == sn->id)
        for (auto t : TransitionsFromDelivery(d)) {
          if (t.what == channel::Transition::What::kQueued) t.at_s = created;
          (void)channel_.Apply(t);
        }
  }
  channel_.ReleaseSettled();  // retention: settled notices are read from the store
  started_us_ = ToMicros(Now());  // alert documents still "open" from before were closed by the restart
  sequencer_ = std::make_unique<Sequencer>(hub_, head);
  ConnectStreamArchive();
  spdlog::info("service loaded parties={} notices={} record_head={}", parties_.size(), channel_.size(), head);
  return Status::Ok();
}

std::optional<StreamEvent> StreamEventOf(const record::Entry& e, const std::string& party) {
  Json p = Json::parse(e.payload, nullptr, false);
  if (!p.is_object() || !p.contains("event") || !p["event"].is_string() || !p.contains("event_to") ||
      !p["event_to"].is_array())
    return std::nullopt;
  for (const auto& to : p["event_to"])
    if (to.is_string() && to.get<std::string>() == party) {
      std::string notice_id;
      if (p.contains("notice_id") && p["notice_id"].is_string()) notice_id = p["notice_id"].get<std::string>();
      return StreamEvent{e.seq, p["event"].get<std::string>(), need_to_know::StreamData(e, party), std::move(notice_id)};
    }
  return std::nullopt;
}

void Service::ConnectStreamArchive() {
  // Events that fell out of the hub's window are read back from the record: every stream event is a record
  // entry with the party in its audience and in the payload's event_to (Outbox::Record).
  hub_.SetArchive([this](const std::string& party, uint64_t after, uint64_t through,
                         size_t max) -> Result<std::vector<StreamEvent>> {
    std::vector<StreamEvent> out;
    uint64_t from = after + 1;
    Status s = store_.Read([&](store::ReadTx& tx) -> Status {
      while (out.size() < max && from <= through) {
        auto batch = tx.ListEntriesShownTo(party, from, through, std::max<size_t>(max, 64));
        if (!batch.ok()) return batch.status();
        if (batch->empty()) break;
        for (const auto& e : *batch) {
          from = e.seq + 1;
          if (auto ev = StreamEventOf(e, party)) out.push_back(std::move(*ev));
          if (out.size() == max) break;
        }
      }
      return Status::Ok();
    });
    if (!s.ok()) return s;
    metrics_.Add("dc_stream_archive_events_total", static_cast<double>(out.size()));
    return out;
  });
  metrics_.OnScrape([this](Metrics& m) {
    const auto st = hub_.stats();
    m.Set("dc_stream_window_events", static_cast<double>(st.events), "stream events held in memory, all parties");
    m.Set("dc_stream_window_bytes", static_cast<double>(st.bytes), "bytes of stream events held in memory");
    m.Set("dc_stream_window_max_party_events", static_cast<double>(st.max_party_events),
          "most stream events held in memory for one party (<= stream.window_events)");
    m.Set("dc_stream_window_limit_events", static_cast<double>(hub_.window().max_events),
          "configured per-party window (stream.window_events)");
    m.Series("dc_stream_archive_reads_total", "stream reads served from the store (reader behind the window)")
        .store(static_cast<double>(st.archive_reads));
    m.Series("dc_stream_trimmed_events_total", "stream events dropped from memory (still in the record)")
        .store(static_cast<double>(st.trimmed));
  });
}

void Service::Start() {
  cycle_thread_ = std::thread([this] { CycleLoop(); });
}

void Service::Stop() {
  {
    std::lock_guard lock(cycle_mu_);
    if (stopping_) return;
    stopping_ = true;
  }
  cycle_cv_.notify_all();
  if (cycle_thread_.joinable()) cycle_thread_.join();
  pool_.reset();  // finishes queued writes
}

void Service::CycleLoop() {
  using clock = std::chrono::steady_clock;
  const auto period = std::chrono::duration_cast<clock::duration>(
      std::chrono::duration<double>(options_.detection_period_s));
  auto next = clock::now() + period;
  for (;;) {
    {
      std::unique_lock lock(cycle_mu_);
      if (cycle_cv_.wait_until(lock, next, [&] { return stopping_; })) return;
    }
    RunCycle();
    next += period;
    if (next < clock::now()) next = clock::now() + period;  // fell behind: skip, do not burst
  }
}

void Service::RunCycle() {
  const auto t0 = std::chrono::steady_clock::now();
  const double now = Now();
  DetectAndAlert(now);
  FollowDistress(now);
  Escalate(now);
  const double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  metrics_.Hist("dc_cycle_duration_seconds", "detection cycle wall time", LatencyBuckets()).Observe(secs);
  metrics_.Add("dc_cycles_total");
}

// ---------------------------------------------------------------- parties and credentials

std::vector<std::string> Service::PartyIds() const {
  std::shared_lock lock(parties_mu_);
  std::vector<std::string> out;
  for (const auto& [id, p] : parties_) out.push_back(id);
  return out;
}

bool Service::PartyExists(const std::string& id) const {
  std::shared_lock lock(parties_mu_);
  return parties_.count(id) > 0;
}

Api::Hooks Service::MakeHooks() {
  Api::Hooks h;
  h.authenticate = [this](const std::string& token) -> Result<Principal> {
    const std::string hash = record::TokenHashHex(token);
    Principal p;
    p.token_hash = hash;
    if (!options_.admin_token_hash.empty() && hash == options_.admin_token_hash) {
      p.admin = true;
      return p;
    }
    std::shared_lock lock(parties_mu_);
    auto it = token_party_.find(hash);
    if (it == token_party_.end()) return Status(ErrorCode::kUnauthenticated, "unknown token");
    p.party = it->second;
    return p;
  };
  h.still_valid = [this](const Principal& p) {
    if (p.admin || p.party.empty()) return true;
    std::shared_lock lock(parties_mu_);
    auto it = token_party_.find(p.token_hash);
    return it != token_party_.end() && it->second == p.party;
  };
  h.on_stream_written = [this](const std::string& party, const std::vector<StreamEvent>& events) {
    OnStreamWritten(party, events);
  };
  return h;
}

Status Service::CreateParty(const std::string& id, const std::string& name, const std::string& contact) {
  store::Party party{id, name, "party", contact, 0};
  Status s = Commit([&](Outbox& out) -> Status {
    if (Status c = out.tx.CreateParty(party); !c.ok()) return c;
    return out.Record(record::kind::kParty, "admin", {id},
                      Json{{"action", "party_created"}, {"party", id}, {"name", name}, {"escalation_contact", contact}})
        .status();
  });
  if (!s.ok()) return s;
  std::unique_lock lock(parties_mu_);
  parties_[id] = party;
  return s;
}

Result<std::string> Service::IssueToken(const std::string& party, const std::string& label) {
  if (!PartyExists(party)) return Status::NotFound("no party " + party);
  const std::string token = NewToken();
  store::Credential cred{record::TokenHashHex(token), party, label, 0, false};
  Status s = Commit([&](Outbox& out) -> Status {
    if (Status c = out.tx.AddCredential(cred); !c.ok()) return c;
    return out.Record(record::kind::kParty, "admin", {party},
                      Json{{"action", "token_issued"}, {"party", party}, {"label", label},
                           {"token_hash", cred.token_hash}})
        .status();
  });
  if (!s.ok()) return s;
  std::unique_lock lock(parties_mu_);
  token_party_[cred.token_hash] = party;
  return token;
}

// ---------------------------------------------------------------- tracks

Status Service::IngestTracks(const std::string& party, std::vector<TrackState> tracks, const std::string& source) {
  return IngestTracks(party, std::move(tracks), source, {});  // service_conformance.cc
}

size_t Service::track_count() const {
  std::lock_guard lock(tracks_mu_);
  size_t n = 0;
  for (const auto& [p, m] : tracks_) n += m.size();
  return n;
}

size_t Service::live_notice_count() const {
  std::lock_guard lock(channel_mu_);
  return channel_.size();
}

size_t Service::alert_count() const {
  std::lock_guard lock(alerts_mu_);
  return alerts_.size();
}

size_t Service::open_alert_count() const {
  std::lock_guard lock(alerts_mu_);
  return open_by_pair_.size();
}

}  // namespace deconflict::server
