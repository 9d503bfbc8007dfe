// The service: parties and credentials, track ingest, the detection cycle and its alerts, the channel
// (notices, deliveries, acknowledgements, escalation, distress), signed receipts, and the per-party stream.
// It owns the in-memory picture and keeps it in step with the durable store (store/store.h): every write is
// one store transaction that also appends its record entries, and the client is answered only after that
// transaction is durable. Events shown to a party are record entries (kind alert, notice, delivery, ...)
// with that party in the audience; their record sequence number is the stream event id, so a stream can be
// resumed across reconnects and restarts.
//
// Thread-safety: every public member is safe for concurrent use.
#pragma once

#include <atomic>
#include <condition_variable>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <shared_mutex>
#include <string>
#include <thread>
#include <vector>

#include "channel/channel.h"
#include "core/track.h"
#include "detect/alerting.h"
#include "detect/detector.h"
#include "plan/limits.h"
#include "server/alert_guidance.h"
#include "server/api.h"
#include "server/event_hub.h"
#include "server/metrics.h"
#include "server/router.h"
#include "store/store.h"

namespace deconflict::plan {
struct Conflict;
struct Agreement;
}  // namespace deconflict::plan

namespace deconflict::server {

struct ServiceOptions {
  double detection_period_s = 1.0;      // tactical detection, conformance and zone checks, escalation; > 0
  double track_stale_s = 30;            // tracks older than this (server receive time) are left out of detection
  size_t max_tracks_per_batch = 10000;  // POST /v1/tracks
  double distress_radius_m = 9260;      // exclusion zone around an aircraft in distress (5 NM)
  channel::Policy default_policy;       // notices between parties without an agreement in force
  // Conformance of tracks bound to operations (docs/service.md, "Conformance"), checked every cycle.
  plan::ConformanceOptions conformance;  // tolerances beyond the volumes: 15 m, 10 m, 5 s (plan/limits.h)
  double nonconforming_after_s = 2;      // nonconforming this long without a break before the alert; >= 0
  double conforming_after_s = 5;         // conforming again this long without a break before it resolves; >= 0
  double off_nominal_horizon_s = 120;    // the off-nominal volume shown to affected parties: reach in this time
  detect::DetectorOptions detector;
  detect::AlertingOptions alerting;
  GuidanceOptions guidance;  // resolution guidance in separation alerts (alert_guidance.h); off by default
  std::string admin_token_hash;         // record::TokenHashHex of the administrator token; required
  // Threads that run writes and wait for their durable commit (bounded; 1..1024). Each waits for its group's
  // fsync, so this is also the most writes one fsync can carry; docs/service.md has the measurements.
  int write_threads = 128;
};

// The stream event that record entry e is for party (payload "event" with party in "event_to"), if any.
std::optional<StreamEvent> StreamEventOf(const record::Entry& e, const std::string& party);

class Service {
 public:
  Service(ServiceOptions options, store::Store& store, EventHub& hub, Metrics& metrics);
  ~Service();

  // Rebuilds the in-memory state from the store (parties, credentials, tracks, notices and deliveries,
  // stream events). Call once before Start.
  Status Load();
  // Starts the detection cycle thread.
  void Start();
  // Stops the cycle and waits for writes in flight to finish.
  void Stop();

  // Adds every route of the API to router (the table api/openapi.yaml describes).
  void RegisterRoutes(Router& router);
  // Hooks for the Api (authentication, stream delivery marks).
  Api::Hooks MakeHooks();

  // ---- In-process entry points (the demo and feeds use these; the HTTP handlers call them too) ----
  // Creates a party (administrator). kAlreadyExists when it exists.
  Status CreateParty(const std::string& id, const std::string& name, const std::string& contact);
  // Issues a token for a party (returned once; only its hash is kept).
  Result<std::string> IssueToken(const std::string& party, const std::string& label);
  // A party's credentials (token hashes, labels, revoked or not), oldest first. NotFound for no such party.
  Result<std::vector<store::Credential>> ListTokens(const std::string& party);
  // Revokes one of the party's tokens (by its hash, the token_id of the API) in one durable transaction that
  // records it; from return on, the token gets 401 and the party's open streams on it are closed. NotFound
  // when the party has no such token, Conflict when it is already revoked.
  Status RevokeToken(const std::string& party, const std::string& token_hash);
  // Revokes every active token of the party and issues a new one, in one transaction (never a moment with
  // both or neither). Returns the new token; *revoked gets the hashes revoked.
  Result<std::string> RotateTokens(const std::string& party, const std::string& label,
                                   std::vector<std::string>* revoked);
  // Ingests a batch of a party's tracks (durable before return). REQUIRES: every track.party == party.
  Status IngestTracks(const std::string& party, std::vector<TrackState> tracks, const std::string& source);
  // The same, binding tracks to operations: operation_ids[i], when set, binds tracks[i] to that operation of the
  // party ("" unbinds it); unset (or a shorter vector) keeps the track's binding. Errors: kInvalidArgument naming
  // tracks[i].operation_id when the operation is not the party's; then nothing of the batch is stored.
  Status IngestTracks(const std::string& party, std::vector<TrackState> tracks, const std::string& source,
                      const std::vector<std::optional<std::string>>& operation_ids);
  // Declares distress for one of the party's aircraft; returns the notice id.
  Result<std::string> DeclareDistress(const std::string& party, const std::string& aircraft_id,
                                      const std::string& text);
  Status CancelDistress(const std::string& party, const std::string& aircraft_id);
  // Sends a notice from n.sender to n.recipients (kinds free_text, advisory, operation_notice); checks the
  // recipients exist and a linked operation or zone is the sender's. Assigns and returns the id.
  Result<std::string> SendNotice(channel::Notice n);
  Result<std::string> SendNotice(const std::string& sender, const std::vector<std::string>& to,
                                 const std::string& kind, const std::string& text);
  // The party acknowledges a notice addressed to it. NotFound when it is not (same answer as no notice).
  Status Acknowledge(const std::string& party, const std::string& notice_id, const std::string& comment);
  // Acknowledges every notice of the given kinds queued or delivered to party for at least age_s (the demo's
  // duty officer).
  void AcknowledgeOlderThan(const std::string& party, double age_s, const std::vector<std::string>& kinds);
  // Runs one detection cycle now (the cycle thread calls this every period).
  void RunCycle();

  // Whether the party exists (the feeds bridge ingests only known parties' aircraft).
  bool PartyExists(const std::string& id) const;

  // Counts for /metrics and tests.
  size_t track_count() const;
  size_t open_alert_count() const;
  // Retention (docs/service.md): notices in memory (settled ones leave it) and alerts in memory (closed ones leave
  // it); both are read from the store once gone.
  size_t live_notice_count() const;
  size_t alert_count() const;

 private:
  struct Outbox;
  struct AlertState;
  struct DistressState;
  class Sequencer;
  struct PlanState;
  struct AlertChange;
  struct BoundTrack;
  struct ZoneHitView {
    std::string track_key, track_party, zone_id, zone_owner, zone_kind;
    double time_to_entry_s = 0;
  };

  // Strategic engine (service_plan.cc).
  void InitPlan();
  Status LoadPlan();
  channel::Policy PolicyFromAgreement(const std::string& a, const std::string& b) const;
  std::map<detect::PartyPair, detect::SeparationMinima> AgreedMinima() const;
  std::vector<ZoneHitView> PlanZoneEntries(const std::vector<TrackState>& tracks) const;
  // Conformance of bound tracks (service_conformance.cc): appends this cycle's alert changes, and stages and
  // applies the operations' state changes (nonconforming and back) that go with them.
  void ConformanceChanges(double now_s, const std::vector<BoundTrack>& bound, std::vector<AlertChange>& changes);
  struct OperationStateWrite;
  std::vector<OperationStateWrite> PrepareOperationStates(const std::vector<AlertChange>& changes, double now_s);
  Status StageOperationStates(Outbox& out, std::vector<OperationStateWrite>& writes);
  void FinishOperationStates(const std::vector<OperationStateWrite>& writes, bool committed, double now_s);
  Json ConflictJson(const plan::Conflict& c) const;
  Json AgreementJson(const plan::Agreement& a, const std::string& party) const;
  Response PutOperation(const Request& req, bool create);
  Response PutZone(const Request& req, bool create);
  Response DeleteObject(const Request& req, bool zone);
  Response AgreementAction(const Request& req, const std::string& action);

  // Runs fn in one durable store transaction; after commit, publishes the stream events fn created, in
  // record order. fn must not touch in-memory state (it may run again never; it runs at most once).
  Status Commit(const std::function<Status(Outbox&)>& fn);
  // Runs work on the bounded write pool and answers through respond.
  void Async(Respond respond, std::function<Response()> work);
  // Runs job on the write pool (no answer).
  void Background(std::function<void()> job);

  // Handlers.
  void Routes(Router& r);
  void RegisterPlanRoutes(Router& r);  // operations, zones, agreements (service_plan.cc)
  void RegisterCredentialRoutes(Router& r);  // token listing, revocation, rotation (service_tokens.cc)
  // Forgets revoked token hashes in memory and wakes the party's streams so that they re-check their token.
  void DropTokens(const std::string& party, const std::vector<std::string>& hashes);
  Response HandleCreateParty(const Request& req);
  Response HandleListParties(const Request& req);
  Response HandleIssueToken(const Request& req);
  Response HandleMe(const Request& req);
  Response HandlePostTracks(const Request& req);
  Response HandleGetTracks(const Request& req);
  Response HandleListAlerts(const Request& req);
  Response HandleGetAlert(const Request& req);
  Response HandlePostNotice(const Request& req);
  Response HandleListNotices(const Request& req);
  Response HandleGetNotice(const Request& req);
  Response HandleAckNotice(const Request& req);
  Response HandlePostDistress(const Request& req);
  Response HandleCancelDistress(const Request& req);
  Response HandleListDistress(const Request& req);
  Response HandleReceipt(const Request& req);
  Response HandleRecordHead(const Request& req);

  // Channel helpers (require channel_mu_ held). StageNotice stores the notice and its record entry (kind)
  // inside a transaction; after the commit, channel_.Post(notice, now) makes it live.
  Status StageNotice(Outbox& out, const channel::Notice& n, const std::string& kind, const Json& extra,
                     double now_s);
  channel::Policy PolicyBetween(const std::string& sender, const std::string& recipient) const;
  Json NoticePayload(const channel::Notice& n) const;
  Json NoticeView(const channel::Notice& n, const std::string& party) const;
  // The party's view of a notice it sent or receives, live (memory) or settled (store); NotFound otherwise.
  // Takes channel_mu_ (REQUIRES: not held).
  Result<Json> NoticeViewFor(const std::string& party, const std::string& id);
  Json DistressZoneJson(const DistressState& d) const;
  // GET /v1/zones/{id} of a distress exclusion zone: every party may read it while the distress is active.
  Response DistressZoneAnswer(const std::string& zone_id) const;
  Result<TrackState> CurrentTrack(const std::string& party, const std::string& id, double now_s) const;
  void OnStreamWritten(const std::string& party, const std::vector<StreamEvent>& events);
  // Reads stream events that fell out of the hub's window back from the store; registers the window metrics.
  void ConnectStreamArchive();
  // Rebuilds stream events, alerts and distress from one record entry (Load).
  void RestoreFromEntry(const record::Entry& e, const Json& payload);

  // Detection.
  void CycleLoop();
  void DetectAndAlert(double now_s);
  void FollowDistress(double now_s);
  void Escalate(double now_s);
  Json AlertView(const AlertState& a, const std::string& party) const;
  // Stores party's view of the alert (store document kind alert, id "<alert id>:<party>") in the transaction, so
  // that the alert can leave memory once closed (service_alerts.cc).
  Status StageAlertView(Outbox& out, const AlertState& a, const std::string& party, Json view);
  // The party's view of an alert document: "closed_at_restart" for one left open by an earlier run.
  Json StoredAlertView(const store::Document& d) const;
  // The separation alert a tracker event belongs to: the pair's open alert, or for a resumed episode its
  // alert (reopened under the same id); nullptr when there is none. REQUIRES: alerts_mu_ held.
  std::shared_ptr<AlertState> SeparationAlertOf(const detect::AlertEvent& ev, double now_s);
  // Releases the separation alerts whose episodes can no longer resume (closed more than episode_gap_s ago).
  // REQUIRES: alerts_mu_ held.
  void ReleaseEndedEpisodes(double now_s);
  // Fills alert.guidance of the changed separation alerts: each party's own aircraft's guidance, most urgent
  // first within guidance.cycle_budget_s (service_guidance.cc); cleared when closed.
  void AttachGuidance(std::vector<AlertChange>& changes);
  void AttachGuidance(AlertState& alert) const;

  std::vector<std::string> PartyIds() const;
  static double Now();
  static std::string NewId(const char* prefix);

  ServiceOptions options_;
  store::Store& store_;
  EventHub& hub_;
  Metrics& metrics_;
  std::unique_ptr<Sequencer> sequencer_;

  // Parties and credentials (token hash -> party).
  mutable std::shared_mutex parties_mu_;
  std::map<std::string, store::Party> parties_;
  std::map<std::string, std::string> token_party_;

  // Tracks: party -> id -> latest state, and the server time each was received.
  struct TrackEntry {
    TrackState state;
    double received_s = 0;
    std::string operation_id = {};  // the operation this aircraft flies ("" = none); set through the track ingest
  };
  mutable std::mutex tracks_mu_;
  std::map<std::string, std::map<std::string, TrackEntry>> tracks_;

  // Channel (notices); channel_mu_ is held across validate -> commit -> apply so that writes are in order.
  mutable std::mutex channel_mu_;
  channel::Channel channel_;

  // Alerts by pair key, and distress by aircraft key (party/aircraft). Guarded by alerts_mu_.
  mutable std::mutex alerts_mu_;
  std::map<std::string, std::shared_ptr<AlertState>> alerts_;  // by alert id
  std::map<std::pair<std::string, std::string>, std::string> open_by_pair_;
  // Separation alerts by the tracker's episode (detect::AlertEvent::alert_id): a resumed episode reopens its alert.
  std::map<std::uint64_t, std::string> alert_of_episode_;
  std::map<std::string, std::shared_ptr<DistressState>> distress_;  // by "party/aircraft"
  // Closed alerts are not kept here: each party's view of each alert is a store document (StageAlertView).
  int64_t started_us_ = 0;  // when Load ran: an alert document still "open" from before is closed_at_restart

  // Detection state (only the cycle thread touches these).
  detect::Detector detector_;
  detect::AlertTracker tracker_;

  std::unique_ptr<PlanState> plan_;
  // Channel policies of the agreements in force, by party pair (a < b). Its own lock: it is read inside store
  // transactions, which must never wait for the engine lock.
  mutable std::mutex policy_mu_;
  std::map<std::pair<std::string, std::string>, channel::Policy> policies_;
  void RefreshPolicies();  // REQUIRES: plan_->mu held
  std::atomic<bool> agreements_changed_{true};

  // Cycle thread and write pool.
  std::thread cycle_thread_;
  std::mutex cycle_mu_;
  std::condition_variable cycle_cv_;
  bool stopping_ = false;
  class WritePool;
  std::unique_ptr<WritePool> pool_;
};

}  // namespace deconflict::server
